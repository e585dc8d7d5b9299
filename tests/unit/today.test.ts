import { describe, expect, it } from 'vitest';
import type { LatenessRule } from '../../src/shared/school-time.ts';
import { todaySummary, zeroCounts, type TodayInput, type TodayRecord, type TodayRosterEntry } from '../../src/shared/today.ts';
import type { TodayCounts } from '../../src/shared/today-protocol.ts';

/** A Tuesday; the school keeps UTC so wall clock and epoch agree. */
const at = (hhmm: string, date = '2026-11-24'): number => Date.parse(`${date}T${hhmm}:00Z`);
const RULE: LatenessRule = {
  timeZone: 'UTC',
  bellTime: '08:00',
  lateGraceMinutes: 5,
  periods: [
    { name: 'P1', startsAt: '08:10', endsAt: '09:00' },
    { name: 'P2', startsAt: '09:05', endsAt: '09:55' },
  ],
};
const ROSTER: TodayRosterEntry[] = [
  { studentId: 'A1', name: 'Ada Lovelace', homeroom: '7A', leftAt: null },
  { studentId: 'A2', name: 'Alan Turing', homeroom: '7A', leftAt: null },
  { studentId: 'B1', name: 'Grace Hopper', homeroom: '7B', leftAt: null },
  { studentId: 'B2', name: 'Emmy Noether', homeroom: '7B', leftAt: null },
];
const door = (studentId: string, fields: Partial<TodayRecord>): TodayRecord => ({
  studentId,
  session: 'day',
  status: null,
  checkInAt: null,
  checkOutAt: null,
  version: 1,
  statusBy: 'door',
  ...fields,
});
const input = (fields: Partial<TodayInput>): TodayInput => ({
  now: at('07:50'),
  rule: RULE,
  calendar: { weekdaysOff: [6, 7], closures: [{ firstDay: '2026-11-27', lastDay: '2026-11-27' }] },
  roster: ROSTER,
  records: [],
  teachers: [{ homeroom: '7A', name: 'Mary Jackson' }],
  ...fields,
});
const counts = (fields: Partial<TodayCounts>): TodayCounts => ({ ...zeroCounts(), ...fields });

describe('the office’s day, counted', () => {
  it.each<[string, Partial<TodayInput>, Partial<TodayCounts>]>([
    ['before anyone arrives: everyone expected, nobody accounted for', {}, { expected: 4, unaccounted: 4 }],
    [
      'an on-time check-in is in the building and present',
      { records: [door('A1', { status: 'present', checkInAt: at('07:55') })] },
      { expected: 4, inBuilding: 1, present: 1, unaccounted: 3 },
    ],
    [
      'a late arrival is in the building and late',
      { records: [door('A1', { status: 'late', checkInAt: at('08:20') })] },
      { expected: 4, inBuilding: 1, late: 1, unaccounted: 3 },
    ],
    [
      'a check-out leaves the building and counts as left early',
      { records: [door('A1', { status: 'present', checkInAt: at('07:55'), checkOutAt: at('10:00') })] },
      { expected: 4, present: 1, leftEarly: 1, unaccounted: 3 },
    ],
    [
      'an absent and an excused are accounted for',
      {
        records: [door('A2', { status: 'absent', statusBy: 'teacher' }), door('B1', { status: 'excused', statusBy: 'office' })],
      },
      { expected: 4, absent: 1, excused: 1, unaccounted: 2 },
    ],
    ['a Saturday expects nobody', { now: at('09:00', '2026-11-28') }, {}],
    ['a closure day expects nobody', { now: at('09:00', '2026-11-27') }, {}],
    [
      'a student who left is not expected and their records are passed over',
      {
        roster: [...ROSTER.slice(0, 3), { ...ROSTER[3]!, leftAt: at('07:00', '2026-11-01') }],
        records: [door('B2', { status: 'present', checkInAt: at('07:55') })],
      },
      { expected: 3, unaccounted: 3 },
    ],
  ])('%s', (_, fields, expected) => {
    expect(todaySummary(input(fields)).school).toEqual(counts(expected));
  });

  it('counts per homeroom, with the homeroom’s teachers', () => {
    const view = todaySummary(input({ records: [door('B1', { status: 'present', checkInAt: at('07:55') })] }));
    expect(view.homerooms).toEqual([
      { name: '7A', teachers: ['Mary Jackson'], counts: counts({ expected: 2, unaccounted: 2 }) },
      { name: '7B', teachers: [], counts: counts({ expected: 2, inBuilding: 1, present: 1, unaccounted: 1 }) },
    ]);
  });

  it('counts each period from its own register, with the door’s building count', () => {
    const view = todaySummary(
      input({
        now: at('08:30'),
        records: [
          door('A1', { status: 'present', checkInAt: at('07:55') }),
          door('A1', { session: 'P1', status: 'present', statusBy: 'teacher' }),
          door('A2', { session: 'P1', status: 'absent', statusBy: 'teacher' }),
        ],
      }),
    );
    expect(view.periods.map((p) => [p.name, p.counts])).toEqual([
      ['P1', counts({ expected: 4, inBuilding: 1, present: 1, absent: 1, unaccounted: 2 })],
      ['P2', counts({ expected: 4, inBuilding: 1, unaccounted: 4 })],
    ]);
  });

  it('lists the missing: no door scan, no present mark, not excused, by homeroom', () => {
    const view = todaySummary(
      input({
        now: at('09:00'),
        records: [
          door('A1', { status: 'late', checkInAt: at('08:20') }),
          door('A2', { status: 'absent', statusBy: 'teacher', version: 3 }),
          door('B1', { status: 'excused', statusBy: 'office' }),
        ],
      }),
    );
    expect(view.missing.map((s) => [s.studentId, s.homeroom, s.status, s.version])).toEqual([
      ['A2', '7A', 'absent', 3],
      ['B2', '7B', null, 0],
    ]);
    expect(view.late.map((s) => [s.studentId, s.checkInAt])).toEqual([['A1', at('08:20')]]);
  });

  it('lists late arrivals earliest first and check-outs latest first', () => {
    const view = todaySummary(
      input({
        now: at('12:00'),
        records: [
          door('B1', { status: 'late', checkInAt: at('08:40'), checkOutAt: at('11:00') }),
          door('A1', { status: 'late', checkInAt: at('08:20'), checkOutAt: at('10:00') }),
        ],
      }),
    );
    expect(view.late.map((s) => s.studentId)).toEqual(['A1', 'B1']);
    expect(view.leftEarly.map((s) => s.studentId)).toEqual(['B1', 'A1']);
    expect(view.school.inBuilding).toBe(0);
  });

  it('names no roll before the bell, and every homeroom’s roll just after it', () => {
    expect(todaySummary(input({ now: at('08:00') })).rollsNotTaken).toEqual([]);
    expect(todaySummary(input({ now: at('08:07') })).rollsNotTaken).toEqual([
      { homeroom: '7A', session: 'day', teachers: ['Mary Jackson'], minutesLate: 7 },
      { homeroom: '7B', session: 'day', teachers: [], minutesLate: 7 },
    ]);
  });

  it('counts a roll as taken once a person marks anyone in it, but not for door scans alone', () => {
    const view = todaySummary(
      input({
        now: at('08:30'),
        records: [
          door('A1', { status: 'present', checkInAt: at('07:55') }),
          door('B1', { status: 'present', statusBy: 'teacher' }),
          door('B1', { session: 'P1', status: 'present', statusBy: 'teacher' }),
        ],
      }),
    );
    expect(view.rollsNotTaken.map((r) => [r.homeroom, r.session, r.minutesLate])).toEqual([
      ['7A', 'day', 30],
      ['7A', 'P1', 20],
    ]);
  });

  it('on a day without school lists no roll and nobody missing', () => {
    const view = todaySummary(input({ now: at('10:00', '2026-11-28') }));
    expect(view).toMatchObject({ schoolDay: false, date: '2026-11-28', rollsNotTaken: [], missing: [] });
  });
});
