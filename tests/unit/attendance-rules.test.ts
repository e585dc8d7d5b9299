import { describe, expect, it } from 'vitest';
import { ATTENDANCE_STATUSES, EMPTY_RECORD, type Actor, type MergeField, type RecordState } from '../../src/shared/attendance-model.ts';
import {
  ATTENDANCE_RULES,
  CONFIDENCE_THRESHOLD,
  type AttendanceRule,
  type FieldConflict,
  type RuleId,
  type RuleVerdict,
  type SideInfo,
} from '../../src/shared/attendance-rules.ts';
import { afterBell, lateness, rec, T1500, T1530 } from '../support/school-day.ts';

const T0750 = afterBell(-10);
const T0805 = afterBell(5);
const side = (actor: Actor, sawCheckIn = false): SideInfo => ({ actor, sawCheckIn });
const door = side('door', true);
const teacher = side('teacher');
const informedTeacher = side('teacher', true);
const office = side('office');
const admin = side('admin');

const scanned = rec({ status: 'present', checkInAt: T0750 });
const scannedLate = rec({ status: 'late', checkInAt: T0805 });
const absent = rec({ status: 'absent' });
const excused = rec({ status: 'excused' });

/** The conflict on `field` between two records both changed from `base`. */
function conflict(field: MergeField, local: [RecordState, SideInfo], server: [RecordState, SideInfo], base = EMPTY_RECORD): FieldConflict {
  return {
    field,
    base: base[field],
    local: local[0][field],
    server: server[0][field],
    baseRecord: base,
    localRecord: local[0],
    serverRecord: server[0],
    localSide: local[1],
    serverSide: server[1],
    lateness,
  } as FieldConflict;
}

const rule = (id: RuleId): AttendanceRule => {
  const found = ATTENDANCE_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

/** The registry's answer: the first rule for the field that returns a verdict. */
function decide(c: FieldConflict): { rule: RuleId; verdict: RuleVerdict } | null {
  for (const r of ATTENDANCE_RULES) {
    if (!r.fields.includes(c.field)) continue;
    const verdict = r.decide(c);
    if (verdict) return { rule: r.id, verdict };
  }
  return null;
}

describe('the attendance rules, one by one', () => {
  it.each<[string, RuleId, FieldConflict, RuleVerdict['value'] | null, number?]>([
    [
      'door-evidence: keeps a door scan over an absent marked without it',
      'door-evidence',
      conflict('status', [scanned, door], [absent, teacher]),
      'present',
      0.95,
    ],
    [
      'door-evidence: keeps a late door scan stored first over an absent sent later',
      'door-evidence',
      conflict('status', [absent, teacher], [scannedLate, door]),
      'late',
      0.95,
    ],
    [
      'door-evidence: does not judge an absent marked by someone who saw the scan',
      'door-evidence',
      conflict('status', [scanned, door], [absent, informedTeacher]),
      null,
    ],
    [
      'door-evidence: does not count a present mark without a check-in time as a scan',
      'door-evidence',
      conflict('status', [rec({ status: 'present' }), door], [absent, teacher]),
      null,
    ],
    [
      'door-evidence: does not count a teacher’s present as a scan',
      'door-evidence',
      conflict('status', [scanned, teacher], [absent, teacher]),
      null,
    ],
    [
      'office-excused: lets the office’s excused beat a teacher’s absent',
      'office-excused',
      conflict('status', [excused, office], [absent, teacher]),
      'excused',
      0.9,
    ],
    [
      'office-excused: lets an admin’s excused beat a teacher’s absent sent later',
      'office-excused',
      conflict('status', [absent, teacher], [excused, admin]),
      'excused',
      0.9,
    ],
    [
      'office-excused: does not let a teacher’s excused beat another teacher’s absent',
      'office-excused',
      conflict('status', [excused, teacher], [absent, teacher]),
      null,
    ],
    [
      'office-excused: does not let the office’s excused beat the office’s own absent',
      'office-excused',
      conflict('status', [excused, office], [absent, office]),
      null,
    ],
    [
      'excused-over-door: keeps the office’s excused over a door scan',
      'excused-over-door',
      conflict('status', [scanned, door], [excused, office]),
      'excused',
      0.85,
    ],
    [
      'excused-over-door: keeps an admin’s excused over a late scan sent later',
      'excused-over-door',
      conflict('status', [excused, admin], [scannedLate, door]),
      'excused',
      0.85,
    ],
    [
      'excused-over-door: does not let a teacher’s excused beat a door scan',
      'excused-over-door',
      conflict('status', [scanned, door], [excused, teacher]),
      null,
    ],
    [
      'door-times: derives present from the earlier of two door scans',
      'door-times',
      conflict('status', [scannedLate, door], [scanned, door]),
      'present',
      1,
    ],
    [
      'door-times: derives late when both scans were after the bell',
      'door-times',
      conflict('status', [rec({ status: 'present', checkInAt: T0805 + 60_000 }), door], [scannedLate, door]),
      'late',
      1,
    ],
    [
      'door-times: does not judge a scan against a teacher’s mark',
      'door-times',
      conflict('status', [scannedLate, door], [scanned, teacher]),
      null,
    ],
    [
      'earliest-check-in: keeps the earliest check-in',
      'earliest-check-in',
      conflict('checkInAt', [scannedLate, door], [scanned, door]),
      T0750,
      1,
    ],
    [
      'earliest-check-in: keeps a check-in against one cleared',
      'earliest-check-in',
      conflict('checkInAt', [rec({}), office], [scannedLate, door], scanned),
      T0805,
      1,
    ],
    [
      'latest-check-out: keeps the latest check-out',
      'latest-check-out',
      conflict('checkOutAt', [rec({ checkOutAt: T1530 }), door], [rec({ checkOutAt: T1500 }), door]),
      T1530,
      1,
    ],
    [
      'same-base-different-status: keeps the server value for the office to decide',
      'same-base-different-status',
      conflict('status', [rec({ status: 'late' }), office], [scanned, teacher]),
      'present',
      0,
    ],
  ])('%s', (_name, id, c, value, confidence) => {
    const verdict = rule(id).decide(c);
    if (value === null) {
      expect(verdict).toBeNull();
      return;
    }
    expect(verdict).toMatchObject({ value, confidence });
    expect(verdict?.reason).toMatch(/^[A-Z].*\.$/);
  });

  it('keeps notes from both sides with their authors, the server’s first', () => {
    const a = { id: 'a', text: 'Bus was late', by: 'Kiosk at the main door' };
    const b = { id: 'b', text: 'Mother phoned at 8:10', by: 'Ms Okafor' };
    const c = { id: 'c', text: 'Seen in the library', by: 'Mr Lindqvist' };
    const verdict = rule('notes-kept').decide(
      conflict('notes', [rec({ notes: [a, c] }), teacher], [rec({ notes: [b, a] }), office], rec({ notes: [a] })),
    );
    expect(verdict).toMatchObject({ value: [b, a, c], confidence: 1 });
  });
});

describe('the rule registry', () => {
  it('is ordered: evidence, authority, times, notes, then the office', () => {
    expect(ATTENDANCE_RULES.map((r) => r.id)).toEqual([
      'door-evidence',
      'office-excused',
      'excused-over-door',
      'door-times',
      'earliest-check-in',
      'latest-check-out',
      'notes-kept',
      'same-base-different-status',
    ]);
  });

  it('gives every rule a reason a person can read', () => {
    for (const rule of ATTENDANCE_RULES) expect(rule.summary.length).toBeGreaterThan(10);
  });

  it.each<[string, FieldConflict, RuleId, boolean]>([
    [
      'a door scan against a blind absent is decided by the evidence',
      conflict('status', [scanned, door], [absent, teacher]),
      'door-evidence',
      true,
    ],
    [
      'a door scan against an informed absent goes to the office',
      conflict('status', [scanned, door], [absent, informedTeacher]),
      'same-base-different-status',
      false,
    ],
    [
      'the office’s excused against a teacher’s absent is decided by authority',
      conflict('status', [absent, teacher], [excused, office]),
      'office-excused',
      true,
    ],
    [
      'a teacher’s excused against a teacher’s absent goes to the office',
      conflict('status', [absent, teacher], [excused, teacher]),
      'same-base-different-status',
      false,
    ],
    ['two door scans are decided by their times', conflict('status', [scannedLate, door], [scanned, door]), 'door-times', true],
    [
      'check-in times are decided by the earliest',
      conflict('checkInAt', [scannedLate, door], [scanned, teacher]),
      'earliest-check-in',
      true,
    ],
  ])('%s', (_name, c, id, confident) => {
    const answer = decide(c);
    expect(answer?.rule).toBe(id);
    expect((answer?.verdict.confidence ?? 0) >= CONFIDENCE_THRESHOLD).toBe(confident);
  });

  it('decides every status disagreement, whoever made it', () => {
    const actors: SideInfo[] = [door, teacher, informedTeacher, office, admin];
    for (const [ls, ss] of ATTENDANCE_STATUSES.flatMap((l) => ATTENDANCE_STATUSES.filter((s) => s !== l).map((s) => [l, s] as const))) {
      for (const la of actors) {
        for (const sa of actors) {
          const local = rec({ status: ls, checkInAt: la.actor === 'door' ? T0750 : null });
          const server = rec({ status: ss, checkInAt: sa.actor === 'door' ? T0805 : null });
          const verdict = decide(conflict('status', [local, la], [server, sa]))?.verdict;
          expect(verdict, `${ls} by ${la.actor} against ${ss} by ${sa.actor}`).toBeDefined();
          expect([ls, ss, 'present', 'late']).toContain(verdict?.value);
        }
      }
    }
  });

  it('gives every rule a summary and only the fields it can decide', () => {
    for (const r of ATTENDANCE_RULES) {
      expect(r.summary).toMatch(/^[A-Z].*\.$/);
      expect(r.fields.length).toBeGreaterThan(0);
    }
    expect(ATTENDANCE_RULES.filter((r) => r.fields.includes('notes')).map((r) => r.id)).toEqual(['notes-kept']);
  });
});
