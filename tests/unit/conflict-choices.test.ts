import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD } from '../../src/shared/attendance-model.ts';
import { previewResolution } from '../../src/shared/merge.ts';
import type { ConflictView } from '../../src/shared/office-protocol.ts';
import { choiceProblem, choicesOf, resolvableFields, suggestedPick } from '../../src/ui/conflict-choices.ts';

const EIGHT = Date.UTC(2026, 10, 24, 8, 0);
const NINE = Date.UTC(2026, 10, 24, 9, 0);

const conflict = {
  fields: ['status', 'checkInAt', 'notes'],
  base: { ...EMPTY_RECORD },
  local: { ...EMPTY_RECORD, status: 'late', checkInAt: NINE, notes: [{ id: 'n1', text: 'Bus', by: 'Katherine Johnson' }] },
  server: { ...EMPTY_RECORD, status: 'present', checkInAt: EIGHT },
  suggestion: { ...EMPTY_RECORD, status: 'present', checkInAt: EIGHT },
} as unknown as ConflictView;

describe('the conflict dialog’s choices', () => {
  it('asks about status and times, never about notes (both sides’ notes are kept)', () => {
    expect(resolvableFields(conflict)).toEqual(['status', 'checkInAt']);
    expect(resolvableFields({ fields: ['notes'] })).toEqual(['status']);
  });

  it('pre-selects the side the rule’s suggestion agrees with, or its own value', () => {
    expect(suggestedPick(conflict, 'status')).toEqual({ take: 'server', value: null });
    expect(suggestedPick({ ...conflict, suggestion: { ...conflict.suggestion, status: 'late' } }, 'status')).toEqual({
      take: 'local',
      value: null,
    });
    expect(suggestedPick({ ...conflict, suggestion: { ...conflict.suggestion, status: 'excused' } }, 'status')).toEqual({
      take: 'custom',
      value: 'excused',
    });
  });

  it('sends a choice per field, with a value only for another value', () => {
    expect(choicesOf({ status: { take: 'local', value: null }, checkInAt: { take: 'custom', value: NINE } })).toEqual({
      status: { take: 'local' },
      checkInAt: { take: 'custom', value: NINE },
    });
    expect(choicesOf({ checkInAt: { take: 'custom', value: null } })).toEqual({ checkInAt: { take: 'custom', value: null } });
  });

  it('previews the record the choices leave, notes from both sides kept', () => {
    const result = previewResolution(
      conflict,
      choicesOf({ status: { take: 'local', value: null }, checkInAt: { take: 'server', value: null } }),
    );
    expect(result).toEqual({
      status: 'late',
      checkInAt: EIGHT,
      checkOutAt: null,
      notes: [{ id: 'n1', text: 'Bus', by: 'Katherine Johnson' }],
    });
  });

  it('will not send another status without one', () => {
    expect(choiceProblem({ status: { take: 'custom', value: null } })).toBe('Choose the status to keep.');
    expect(choiceProblem({ status: { take: 'custom', value: 'excused' } })).toBeNull();
    expect(choiceProblem({ checkInAt: { take: 'custom', value: null } })).toBeNull();
  });
});
