import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD } from '../../src/shared/attendance-model.ts';
import { ruleText } from '../../src/shared/attendance-rules.ts';
import type { ConflictView, HistoryEntry } from '../../src/shared/office-protocol.ts';
import {
  doorWarning,
  fieldsText,
  fieldValueText,
  historyLine,
  recordText,
  sideNames,
  sideText,
  suggestionText,
  whenText,
} from '../../src/ui/office-text.ts';

const LONDON = 'Europe/London';
const AT = Date.UTC(2026, 10, 24, 8, 14);

describe('what the office page says about a conflict', () => {
  it.each([
    [['status'], 'Status differs'],
    [['status', 'checkInAt'], 'Status and check-in time differ'],
    [['status', 'checkInAt', 'checkOutAt'], 'Status, check-in time and check-out time differ'],
    [[], 'Nothing differs'],
  ] as const)('names the fields that differ: %j', (fields, words) => {
    expect(fieldsText(fields)).toBe(words);
  });

  it('shows each field’s value as a person reads it', () => {
    expect(fieldValueText('status', 'excused', LONDON)).toBe('Excused');
    expect(fieldValueText('checkInAt', AT, LONDON)).toBe('08:14');
    expect(fieldValueText('checkOutAt', null, LONDON)).toBe('—');
  });

  it('describes a whole record briefly', () => {
    expect(recordText({ ...EMPTY_RECORD, status: 'late' }, LONDON)).toBe('Late');
    expect(recordText({ ...EMPTY_RECORD, status: 'present', checkInAt: AT, checkOutAt: AT + 7 * 3_600_000 }, LONDON)).toBe(
      'Present, in 08:14, out 15:14',
    );
    expect(recordText(EMPTY_RECORD, LONDON)).toBe('No mark');
  });

  it('says when, in words', () => {
    expect(whenText({ session: 'day', date: '2026-11-24' })).toBe('Whole day, Tue 24 Nov');
    expect(whenText({ session: 'P2', date: '2026-11-24' })).toBe('Period 2, Tue 24 Nov');
  });

  it('gives the rule’s suggestion with its confidence, or says no rule decides', () => {
    const suggested = { confidence: 0.95, suggestion: { ...EMPTY_RECORD, status: 'present' } } as ConflictView;
    expect(suggestionText(suggested, LONDON)).toBe('Suggested: Present — very confident.');
    expect(suggestionText({ ...suggested, confidence: 0.5 }, LONDON)).toBe('Suggested: Present — unsure.');
    expect(suggestionText({ ...suggested, confidence: 0 }, LONDON)).toBe('No suggestion — no rule decides: your call.');
  });

  it('names a rule by what it says, from the registry the merge uses', () => {
    expect(ruleText('door-evidence')).toBe('A door scan beats an absent marked without knowledge of it.');
    expect(ruleText('some-future-rule')).toBe('some-future-rule');
  });

  it('tells a record’s history: who, when, rule or person, and the note', () => {
    const entry: HistoryEntry = {
      at: AT,
      version: 2,
      action: 'merge',
      actor: { kind: 'door', name: 'Main entrance' },
      deviceId: 'd1',
      opId: null,
      rule: 'door-evidence',
      note: null,
      before: { ...EMPTY_RECORD, status: 'absent' },
      after: { ...EMPTY_RECORD, status: 'present', checkInAt: AT },
    };
    expect(historyLine(entry, LONDON)).toBe(
      "08:14 — door scan (Main entrance)'s change was combined by a rule: Present, in 08:14. Rule: A door scan beats an absent marked without knowledge of it.",
    );
    expect(
      historyLine(
        { ...entry, action: 'resolve', actor: { kind: 'office', name: 'Katherine Johnson' }, rule: null, note: 'Bus was late.' },
        LONDON,
      ),
    ).toBe('08:14 — Katherine Johnson (office) settled it: Present, in 08:14. Note: “Bus was late.”');
    expect(historyLine({ ...entry, action: 'conflict', actor: { kind: 'teacher', name: 'Grace Hopper' }, rule: null }, LONDON)).toBe(
      '08:14 — Grace Hopper (teacher) disagreed, so a conflict opened; the record stays Present, in 08:14.',
    );
  });
});

describe('how the office names a conflict’s two sides', () => {
  const diaz = { kind: 'teacher', name: 'Maria Diaz', device: { kind: 'staff', name: null } } as const;
  const door = { kind: 'door', name: 'Main entrance', device: { kind: 'kiosk', name: 'Front door' } } as const;
  it.each([
    [diaz, 'Maria Diaz (teacher) on a staff browser'],
    [door, 'Door scan at the Front door kiosk'],
    [{ kind: 'door', name: 'Main entrance' }, 'Door scan at the Main entrance kiosk'],
    [
      { kind: 'office', name: 'Katherine Johnson', device: { kind: 'kiosk', name: 'Front door' } },
      'Katherine Johnson (office) on the Front door kiosk',
    ],
    [{ kind: 'office', name: 'Katherine Johnson', device: null }, 'Katherine Johnson (office), not from a device'],
    [{ kind: 'office', name: 'Katherine Johnson' }, 'Katherine Johnson (office)'],
  ] as const)('by person and device: %j', (actor, words) => {
    expect(sideText(actor)).toBe(words);
  });

  const conflictBy = (localBy: ConflictView['localBy'], serverBy: ConflictView['serverBy']) =>
    ({ localBy, serverBy }) as unknown as ConflictView;

  it('names each side by its person, or by what they are when several conflicts have different people', () => {
    expect(sideNames([conflictBy(diaz, door)])).toEqual({
      local: { heading: 'Maria Diaz (teacher) on a staff browser', owner: 'Maria Diaz’s' },
      server: { heading: 'Door scan at the Front door kiosk', owner: 'the door scan’s' },
    });
    const other = { kind: 'teacher', name: 'Grace Hopper', device: { kind: 'staff', name: null } } as const;
    expect(sideNames([conflictBy(diaz, door), conflictBy(other, door)]).local).toEqual({
      heading: 'Each student’s teacher',
      owner: 'the teacher’s',
    });
  });

  it('warns, naming the students and their check-ins, before marking them absent', () => {
    const one = doorWarning([{ studentName: 'Ada Lovelace', checkInAt: AT }], 1, LONDON);
    expect(one).toEqual({
      heading: 'Ada Lovelace was checked in at the door',
      text: 'These choices mark Ada Lovelace Absent, but the door checked them in at 08:14 that day.',
      confirm: 'Mark Ada Lovelace absent anyway',
    });
    const two = doorWarning(
      [
        { studentName: 'Ada Lovelace', checkInAt: AT },
        { studentName: 'Alan Turing', checkInAt: AT + 60_000 },
      ],
      3,
      LONDON,
    );
    expect(two).toEqual({
      heading: '2 of the 3 students were checked in at the door',
      text: 'These choices mark them Absent, but the door checked them in that day: Ada Lovelace at 08:14, Alan Turing at 08:15.',
      confirm: 'Settle all 3 anyway',
    });
    expect(doorWarning([{ studentName: 'Ada Lovelace', checkInAt: AT }], 3, LONDON).heading).toBe(
      'Ada Lovelace, one of the 3 students, was checked in at the door',
    );
    const both = [
      { studentName: 'Ada Lovelace', checkInAt: AT },
      { studentName: 'Alan Turing', checkInAt: AT },
    ];
    expect(doorWarning(both, 2, LONDON).heading).toBe('Both students were checked in at the door');
  });
});
