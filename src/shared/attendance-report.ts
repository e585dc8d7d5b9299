/**
 * Attendance over a range of school days, as the office reports it: each
 * student's and each homeroom's rate, who falls below 90% (persistent
 * absence), who was late again and again, and the last 30 school days' whole-
 * day marks. Pure: the server feeds it counts it read, tests feed it tables.
 *
 * A student's possible days are the school days of the range from the day
 * they joined the roster (or their first mark, if earlier) to the day they
 * left. Present and late count as attended; absent, excused and a day with
 * no mark at all do not.
 */
import type { AttendanceStatus } from './attendance-model.ts';
import { expectArray, expectFields, expectInteger, expectString, fail } from './guard.ts';
import type { ProtocolVersion } from './protocol.ts';
import { expectReadableVersion } from './protocol-guards.ts';
import { byHomeroom } from './homeroom-order.ts';

/** Below this rate a student is persistently absent. */
export const PERSISTENT_ABSENCE_RATE = 0.9;
/** Late this many times or more in the range is repeated lateness. */
export const REPEATED_LATENESS = 3;
/** School days the chart shows, up to the range's last day. */
export const CHART_DAYS = 30;

export type StatusCounts = Record<AttendanceStatus, number>;

export interface ReportStudentInput {
  studentId: string;
  name: string;
  homeroom: string;
  /** YYYY-MM-DD: first day on the roster; null when unknown. */
  joined: string | null;
  /** YYYY-MM-DD: the day they left; null while on the roster. */
  left: string | null;
  /** Their whole-day marks on the range's school days. */
  counts: StatusCounts;
  /** Their first marked school day in the range, if any. */
  firstMarked: string | null;
}

export interface ReportStudent extends StatusCounts {
  studentId: string;
  name: string;
  homeroom: string;
  possible: number;
  unmarked: number;
  /** Attended over possible, 0–1; null with no possible day. */
  rate: number | null;
}

export interface ReportHomeroom {
  homeroom: string;
  students: number;
  possible: number;
  attended: number;
  rate: number | null;
}

export interface ReportDay extends StatusCounts {
  date: string;
}

export interface AttendanceReport {
  v: ProtocolVersion;
  type: 'attendance-report';
  from: string;
  to: string;
  schoolDays: number;
  students: ReportStudent[];
  homerooms: ReportHomeroom[];
  /** Student IDs below PERSISTENT_ABSENCE_RATE, lowest rate first. */
  persistentAbsence: string[];
  /** Student IDs late REPEATED_LATENESS times or more, most first. */
  repeatedLateness: string[];
  /** The last CHART_DAYS school days up to `to`, oldest first. */
  days: ReportDay[];
}

const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name, 'en');

export function attendanceReport(input: {
  v: ProtocolVersion;
  from: string;
  to: string;
  schoolDays: readonly string[];
  students: readonly ReportStudentInput[];
  days: readonly ReportDay[];
}): AttendanceReport {
  const students = input.students
    .map((s): ReportStudent => {
      const start = [s.joined, s.firstMarked].filter((d): d is string => d !== null).sort()[0] ?? input.from;
      const possible = input.schoolDays.filter((d) => d >= start && (s.left === null || d < s.left)).length;
      const marked = s.counts.present + s.counts.late + s.counts.absent + s.counts.excused;
      const attended = s.counts.present + s.counts.late;
      return {
        studentId: s.studentId,
        name: s.name,
        homeroom: s.homeroom,
        ...s.counts,
        possible: Math.max(possible, marked),
        unmarked: Math.max(0, possible - marked),
        rate: Math.max(possible, marked) === 0 ? null : attended / Math.max(possible, marked),
      };
    })
    .sort(byName);
  const rooms = new Map<string, ReportHomeroom>();
  for (const s of students) {
    const room = rooms.get(s.homeroom) ?? { homeroom: s.homeroom, students: 0, possible: 0, attended: 0, rate: null };
    room.students += 1;
    room.possible += s.possible;
    room.attended += s.present + s.late;
    room.rate = room.possible === 0 ? null : room.attended / room.possible;
    rooms.set(s.homeroom, room);
  }
  return {
    v: input.v,
    type: 'attendance-report',
    from: input.from,
    to: input.to,
    schoolDays: input.schoolDays.length,
    students,
    homerooms: [...rooms.values()].sort((a, b) => byHomeroom(a.homeroom, b.homeroom)),
    persistentAbsence: students
      .filter((s) => s.rate !== null && s.rate < PERSISTENT_ABSENCE_RATE)
      .sort((a, b) => (a.rate ?? 0) - (b.rate ?? 0) || byName(a, b))
      .map((s) => s.studentId),
    repeatedLateness: students
      .filter((s) => s.late >= REPEATED_LATENESS)
      .sort((a, b) => b.late - a.late || byName(a, b))
      .map((s) => s.studentId),
    days: [...input.days],
  };
}

const COUNT_FIELDS = ['present', 'late', 'absent', 'excused'] as const;

function expectCounts(value: Record<string, unknown>, path: string): void {
  for (const field of COUNT_FIELDS)
    expectInteger(value[field], `${path}.${field}`, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'bad-response');
}

/** The page reads a newer server's report leniently: unknown fields are ignored, the ones it draws are checked. */
export function assertAttendanceReport(value: unknown): asserts value is AttendanceReport {
  expectFields(value, '$', [
    'v',
    'type',
    'from',
    'to',
    'schoolDays',
    'students',
    'homerooms',
    'persistentAbsence',
    'repeatedLateness',
    'days',
  ]);
  expectReadableVersion(value, '$');
  if (value.type !== 'attendance-report') fail('bad-response', '$.type', 'must be "attendance-report"');
  expectString(value.from, '$.from', { max: 10 }, 'bad-response');
  expectString(value.to, '$.to', { max: 10 }, 'bad-response');
  expectInteger(value.schoolDays, '$.schoolDays', { min: 0, max: 10_000 }, 'bad-response');
  expectArray(value.students, '$.students', 'bad-response');
  value.students.forEach((s, i) => {
    const path = `$.students[${i}]`;
    expectFields(s, path, ['studentId', 'name', 'homeroom', 'possible', 'unmarked', 'rate', ...COUNT_FIELDS]);
    expectString(s.studentId, `${path}.studentId`, { max: 64 }, 'bad-response');
    expectString(s.name, `${path}.name`, { max: 200 }, 'bad-response');
    expectString(s.homeroom, `${path}.homeroom`, { min: 0, max: 64 }, 'bad-response');
    expectCounts(s, path);
    if (s.rate !== null && (typeof s.rate !== 'number' || s.rate < 0 || s.rate > 1))
      fail('bad-response', `${path}.rate`, 'must be 0–1 or null');
  });
  expectArray(value.homerooms, '$.homerooms', 'bad-response');
  value.homerooms.forEach((h, i) => {
    const path = `$.homerooms[${i}]`;
    expectFields(h, path, ['homeroom', 'students', 'possible', 'attended', 'rate']);
    expectString(h.homeroom, `${path}.homeroom`, { min: 0, max: 64 }, 'bad-response');
  });
  expectArray(value.persistentAbsence, '$.persistentAbsence', 'bad-response');
  expectArray(value.repeatedLateness, '$.repeatedLateness', 'bad-response');
  expectArray(value.days, '$.days', 'bad-response');
  value.days.forEach((d, i) => {
    expectFields(d, `$.days[${i}]`, ['date', ...COUNT_FIELDS]);
    expectCounts(d, `$.days[${i}]`);
  });
}
