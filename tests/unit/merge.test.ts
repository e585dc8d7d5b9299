import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD, type RecordState } from '../../src/shared/attendance-model.ts';
import { CONFIDENCE_THRESHOLD, type SideInfo } from '../../src/shared/attendance-rules.ts';
import { mergeRecord, previewResolution, type MergeInput } from '../../src/shared/merge.ts';
import { afterBell, lateness, rec, T1500, T1530 } from '../support/school-day.ts';

const T0758 = afterBell(-2);
const T0814 = afterBell(14);
const door: SideInfo = { actor: 'door', sawCheckIn: true };
const teacherBlind: SideInfo = { actor: 'teacher', sawCheckIn: false };
const teacherInformed: SideInfo = { actor: 'teacher', sawCheckIn: true };
const office: SideInfo = { actor: 'office', sawCheckIn: false };

function merge(base: RecordState, local: RecordState, server: RecordState, localSide: SideInfo, serverSide: SideInfo) {
  const input: MergeInput = { base, local, server, localSide, serverSide, lateness };
  return mergeRecord(input);
}

const scanned = rec({ status: 'present', checkInAt: T0758 });
const absent = rec({ status: 'absent' });

describe('three-way merge of a record', () => {
  const cases: Array<[string, () => ReturnType<typeof merge>, Partial<ReturnType<typeof merge>>, Partial<RecordState>]> = [
    [
      'takes a field changed on one side only',
      () => merge(EMPTY_RECORD, rec({ checkOutAt: T1500 }), scanned, door, door),
      { outcome: 'applied', decisions: [] },
      { status: 'present', checkInAt: T0758, checkOutAt: T1500 },
    ],
    [
      'leaves a record the op does not change as it is',
      () => merge(scanned, scanned, rec({ status: 'present', checkInAt: T0758, checkOutAt: T1500 }), door, door),
      { outcome: 'unchanged', changed: [] },
      { checkOutAt: T1500 },
    ],
    [
      'treats the same change on both sides as no conflict',
      () => merge(EMPTY_RECORD, absent, absent, teacherBlind, office),
      { outcome: 'unchanged', decisions: [] },
      { status: 'absent' },
    ],
    [
      'keeps a door scan over an absent marked without it',
      () => merge(EMPTY_RECORD, scanned, absent, door, teacherBlind),
      { outcome: 'merged', rule: 'door-evidence', confidence: 0.95 },
      { status: 'present', checkInAt: T0758 },
    ],
    [
      'keeps a door scan already stored over an absent that arrives later without knowing of it',
      () => merge(EMPTY_RECORD, absent, scanned, teacherBlind, door),
      { outcome: 'merged', rule: 'door-evidence' },
      { status: 'present' },
    ],
    [
      'opens an absent marked by someone who saw the scan for the office',
      () => merge(EMPTY_RECORD, scanned, absent, door, teacherInformed),
      { outcome: 'conflict', rule: 'same-base-different-status', conflictFields: ['status'] },
      { status: 'absent', checkInAt: T0758 },
    ],
    [
      "lets the office's excused beat a teacher's absent",
      () => merge(EMPTY_RECORD, rec({ status: 'excused' }), absent, office, teacherBlind),
      { outcome: 'merged', rule: 'office-excused', confidence: 0.9 },
      { status: 'excused' },
    ],
    [
      "keeps the office's excused over a teacher's absent arriving later",
      () => merge(EMPTY_RECORD, absent, rec({ status: 'excused' }), teacherBlind, office),
      { outcome: 'merged', rule: 'office-excused' },
      { status: 'excused' },
    ],
    [
      "keeps the office's excused over a door scan, and the scan's time",
      () => merge(EMPTY_RECORD, scanned, rec({ status: 'excused' }), door, office),
      { outcome: 'merged', rule: 'excused-over-door' },
      { status: 'excused', checkInAt: T0758 },
    ],
    [
      'derives present or late from the earliest of two door scans',
      () => merge(EMPTY_RECORD, scanned, rec({ status: 'late', checkInAt: T0814 }), door, door),
      { outcome: 'merged' },
      { status: 'present', checkInAt: T0758 },
    ],
    [
      'keeps the earliest check-in and the latest check-out',
      () =>
        merge(
          rec({ status: 'present', checkInAt: T0758 }),
          rec({ status: 'present', checkInAt: T0758 - 60_000, checkOutAt: T1500 }),
          rec({ status: 'present', checkInAt: T0758 + 60_000, checkOutAt: T1530 }),
          door,
          door,
        ),
      { outcome: 'merged' },
      { checkInAt: T0758 - 60_000, checkOutAt: T1530 },
    ],
    [
      'opens a conflict when two people chose different statuses from the same base, keeping the server value',
      () => merge(EMPTY_RECORD, rec({ status: 'late' }), rec({ status: 'present' }), office, teacherBlind),
      { outcome: 'conflict', rule: 'same-base-different-status', confidence: 0 },
      { status: 'present' },
    ],
  ];
  it.each(cases)('%s', (_name, run, expected, value) => {
    const result = run();
    expect(result).toMatchObject(expected);
    expect(result.value).toMatchObject(value);
  });

  it('keeps notes from both sides with their authors', () => {
    const mine = { id: 'n1', text: 'Dentist at 10', by: 'Grace Hopper' };
    const theirs = { id: 'n2', text: 'Parent phoned', by: 'Katherine Johnson' };
    const result = merge(EMPTY_RECORD, rec({ notes: [mine] }), rec({ notes: [theirs] }), teacherBlind, office);
    expect(result.outcome).toBe('merged');
    expect(result.value.notes).toEqual([theirs, mine]);
    expect(result.decisions[0]?.rule).toBe('notes-kept');
  });

  it('suggests the rule’s value for a field in conflict while storing the server’s', () => {
    const result = merge(EMPTY_RECORD, rec({ status: 'late' }), rec({ status: 'present' }), office, teacherBlind);
    expect(result.value.status).toBe('present');
    expect(result.suggestion.status).toBe('present');
    expect(result.reason).toMatch(/office must decide/);
    expect(result.confidence).toBeLessThan(CONFIDENCE_THRESHOLD);
  });

  it('merges what it can and opens only the field it cannot decide', () => {
    const result = merge(EMPTY_RECORD, rec({ status: 'late', checkOutAt: T1500 }), rec({ status: 'present' }), office, teacherBlind);
    expect(result.outcome).toBe('conflict');
    expect(result.conflictFields).toEqual(['status']);
    expect(result.value).toMatchObject({ status: 'present', checkOutAt: T1500 });
  });
});

describe('previewing a resolution', () => {
  const conflict = {
    base: EMPTY_RECORD,
    local: rec({ status: 'late', notes: [{ id: 'a', text: 'Bus', by: 'K' }] }),
    server: rec({ status: 'present', checkInAt: T0758 }),
  };
  it.each([
    ['keeps the server value by default', {}, { status: 'present', checkInAt: T0758 }],
    ["takes this device's value when chosen", { status: { take: 'local' } } as const, { status: 'late' }],
    ['takes a custom value', { status: { take: 'custom', value: 'excused' } } as const, { status: 'excused' }],
    ['takes a custom time', { checkInAt: { take: 'custom', value: T0814 } } as const, { checkInAt: T0814 }],
  ])('%s', (_name, choices, expected) => {
    const preview = previewResolution(conflict, choices);
    expect(preview).toMatchObject(expected);
    expect(preview.notes).toEqual([{ id: 'a', text: 'Bus', by: 'K' }]);
  });
});

describe('three-way merge: the edges', () => {
  it('keeps the server value and opens a conflict when no rule applies', () => {
    const result = mergeRecord(
      {
        base: EMPTY_RECORD,
        local: rec({ status: 'late' }),
        server: rec({ status: 'present' }),
        localSide: office,
        serverSide: teacherBlind,
        lateness,
      },
      [],
    );
    expect(result).toMatchObject({
      outcome: 'conflict',
      conflictFields: ['status'],
      confidence: 0,
      value: { status: 'present' },
      suggestion: { status: 'present' },
    });
  });

  it('names the door-times rule when two door scans disagree on present or late', () => {
    const result = merge(EMPTY_RECORD, rec({ status: 'late', checkInAt: T0814 }), scanned, door, door);
    expect(result.decisions.map((d) => [d.field, d.rule])).toEqual([
      ['status', 'door-times'],
      ['checkInAt', 'earliest-check-in'],
    ]);
    expect(result).toMatchObject({ outcome: 'merged', rule: 'door-times', changed: [] });
  });

  it('applies a note added on one side only and says which fields changed', () => {
    const note = { id: 'n9', text: 'Collected by grandmother', by: 'Front office' };
    const result = merge(scanned, rec({ ...scanned, notes: [note] }), rec({ ...scanned, checkOutAt: T1500 }), office, door);
    expect(result).toMatchObject({ outcome: 'applied', changed: ['notes'], decisions: [], rule: null, confidence: 1, reason: '' });
    expect(result.value).toEqual({ ...scanned, checkOutAt: T1500, notes: [note] });
  });

  it('treats the same notes in another order as no change', () => {
    const a = { id: 'a', text: 'A', by: 'X' };
    const b = { id: 'b', text: 'B', by: 'Y' };
    expect(merge(EMPTY_RECORD, rec({ notes: [a, b] }), rec({ notes: [b, a] }), office, teacherBlind).outcome).toBe('unchanged');
  });
});
