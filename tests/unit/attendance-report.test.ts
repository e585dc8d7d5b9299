import { describe, expect, it } from 'vitest';
import { attendanceReport, type ReportStudentInput } from '../../src/shared/attendance-report.ts';

const DAYS = [
  '2026-11-02',
  '2026-11-03',
  '2026-11-04',
  '2026-11-05',
  '2026-11-06',
  '2026-11-09',
  '2026-11-10',
  '2026-11-11',
  '2026-11-12',
  '2026-11-13',
];
const student = (
  id: string,
  counts: Partial<ReportStudentInput['counts']>,
  extra: Partial<ReportStudentInput> = {},
): ReportStudentInput => ({
  studentId: id,
  name: `Student ${id}`,
  homeroom: id.startsWith('1') ? '7A' : '7B',
  joined: '2026-09-01',
  left: null,
  counts: { present: 0, late: 0, absent: 0, excused: 0, ...counts },
  firstMarked: DAYS[0] ?? null,
  ...extra,
});
const report = (students: ReportStudentInput[]) =>
  attendanceReport({ v: 1, from: DAYS[0]!, to: DAYS[9]!, schoolDays: DAYS, students, days: [] });

describe('the attendance report', () => {
  it.each([
    ['every day present', { present: 10 }, 10, 0, 1],
    ['late counts as attended', { present: 7, late: 3 }, 10, 0, 1],
    ['one absence: 90%, not persistent', { present: 9, absent: 1 }, 10, 0, 0.9],
    ['an excused day is still not attended', { present: 8, excused: 2 }, 10, 0, 0.8],
    ['a day with no mark at all counts against', { present: 9 }, 10, 1, 0.9],
  ])('%s', (_what, counts, possible, unmarked, rate) => {
    const [s] = report([student('100001', counts)]).students;
    expect(s).toMatchObject({ possible, unmarked, rate });
  });

  it('counts only the days on the roster: from the day a student joined to the day they left', () => {
    const joined = report([student('100001', { present: 3 }, { joined: '2026-11-11', firstMarked: '2026-11-11' })]).students[0];
    expect(joined).toMatchObject({ possible: 3, rate: 1 });
    const left = report([student('100002', { present: 4 }, { left: '2026-11-06' })]).students[0];
    expect(left).toMatchObject({ possible: 4, rate: 1 });
    const never = report([student('100003', {}, { joined: '2026-12-01', firstMarked: null })]).students[0];
    expect(never).toMatchObject({ possible: 0, rate: null });
  });

  it('lists persistent absence below 90%, lowest first, and lateness of three or more, most first', () => {
    const r = report([
      student('100001', { present: 10 }),
      student('100002', { present: 8, absent: 2 }),
      student('100003', { present: 5, absent: 5 }),
      student('200001', { present: 5, late: 5 }),
      student('200002', { present: 7, late: 3 }),
      student('200003', { present: 8, late: 2 }),
    ]);
    expect(r.persistentAbsence).toEqual(['100003', '100002']);
    expect(r.repeatedLateness).toEqual(['200001', '200002']);
  });

  it('gives each homeroom its attended days over its possible days', () => {
    const r = report([
      student('100001', { present: 10 }),
      student('100002', { present: 5, absent: 5 }),
      student('200001', { present: 9, absent: 1 }),
    ]);
    expect(r.homerooms).toEqual([
      { homeroom: '7A', students: 2, possible: 20, attended: 15, rate: 0.75 },
      { homeroom: '7B', students: 1, possible: 10, attended: 9, rate: 0.9 },
    ]);
    expect(r.schoolDays).toBe(10);
  });
});
