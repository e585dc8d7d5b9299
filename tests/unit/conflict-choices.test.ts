import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD } from '../../src/shared/attendance-model.ts';
import { previewResolution } from '../../src/shared/merge.ts';
import type { ConflictView } from '../../src/shared/office-protocol.ts';
import { choiceProblem, choicesOf, doorContradictions, resolvableFields, suggestedPick } from '../../src/ui/conflict-choices.ts';

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

  describe('the door’s evidence', () => {
    const SEVEN_58 = Date.UTC(2026, 10, 24, 7, 58);
    const absentOrPresent = (studentName: string, doorCheckInAt: number | null, checkInAt: number | null = null) =>
      ({
        studentName,
        doorCheckInAt,
        local: { ...EMPTY_RECORD, status: 'absent' },
        server: { ...EMPTY_RECORD, status: 'present', checkInAt },
      }) as unknown as ConflictView;
    const takeAbsent = { status: { take: 'local' } } as const;

    it.each([
      ['the absent side is taken and the door checked the student in that day', takeAbsent, SEVEN_58, [SEVEN_58]],
      ['another value of Absent is chosen', { status: { take: 'custom', value: 'absent' } } as const, SEVEN_58, [SEVEN_58]],
      ['the present side is kept', { status: { take: 'server' } } as const, SEVEN_58, []],
      ['the door never checked the student in', takeAbsent, null, []],
      ['an older server says nothing of the door and the record has no check-in', takeAbsent, undefined, []],
    ])('warns when %s', (_, choices, doorCheckInAt, expected) => {
      const found = doorContradictions([absentOrPresent('Ada Lovelace', doorCheckInAt ?? null)], choices);
      expect(found.map((c) => c.checkInAt)).toEqual(expected);
    });

    it('counts the record’s own check-in as evidence, the earliest one, even when the person clears it', () => {
      const own = absentOrPresent('Ada Lovelace', null, SEVEN_58);
      expect(doorContradictions([own], takeAbsent)).toEqual([{ studentName: 'Ada Lovelace', checkInAt: SEVEN_58 }]);
      const cleared = { ...takeAbsent, checkInAt: { take: 'custom', value: null } } as const;
      expect(doorContradictions([{ ...own, doorCheckInAt: SEVEN_58 + 60_000 }], cleared)).toEqual([
        { studentName: 'Ada Lovelace', checkInAt: SEVEN_58 },
      ]);
    });

    it('names the students in alphabetical order, whatever order they were selected in', () => {
      const found = doorContradictions(
        [absentOrPresent('Yusuf Adeyemi', SEVEN_58), absentOrPresent('Victor Yilmaz', SEVEN_58), absentOrPresent('Ada Lovelace', SEVEN_58)],
        takeAbsent,
      );
      expect(found.map((c) => c.studentName)).toEqual(['Ada Lovelace', 'Victor Yilmaz', 'Yusuf Adeyemi']);
    });

    it('names only the students, of several settled together, whom the door checked in', () => {
      const found = doorContradictions(
        [
          absentOrPresent('Ada Lovelace', SEVEN_58),
          absentOrPresent('Alan Turing', null),
          absentOrPresent('Grace Hopper', SEVEN_58 + 5 * 60_000),
        ],
        takeAbsent,
      );
      expect(found.map((c) => c.studentName)).toEqual(['Ada Lovelace', 'Grace Hopper']);
    });
  });
});
