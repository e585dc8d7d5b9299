/**
 * The office's attendance report for a range of days (src/shared/attendance-report.ts): the whole-day marks on the
 * range's school days counted in the database, per student and per day, and the roster as it stood, so the page
 * gets a few thousand numbers however many records the range holds.
 */
import type { Kysely } from 'kysely';
import { ATTENDANCE_STATUSES, DAY_SESSION, type AttendanceStatus } from '../shared/attendance-model.ts';
import { attendanceReport, CHART_DAYS, type AttendanceReport, type ReportDay, type StatusCounts } from '../shared/attendance-report.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { isSchoolDay } from '../shared/school-days.ts';
import { localMoment } from '../shared/school-time.ts';
import type { Database, School } from './db/schema.ts';
import { schoolClosures, weekdaysOffOf } from './school-queries.ts';

type Db = Kysely<Database>;

const DAY_MS = 86_400_000;

/** Every calendar date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += DAY_MS)
    dates.push(new Date(at).toISOString().slice(0, 10));
  return dates;
}

const noCounts = (): StatusCounts => ({ present: 0, late: 0, absent: 0, excused: 0 });

export async function schoolReport(db: Db, school: School, from: string, to: string): Promise<AttendanceReport> {
  const calendar = { weekdaysOff: weekdaysOffOf(school), closures: await schoolClosures(db, school) };
  const schoolDays = datesBetween(from, to).filter((d) => isSchoolDay(d, calendar));
  // The chart's days reach back before the range when it is short: the last 30 school days up to its end.
  const chartDays: string[] = [];
  for (
    let at = Date.parse(`${to}T00:00:00Z`);
    chartDays.length < CHART_DAYS && at > Date.parse(`${to}T00:00:00Z`) - 120 * DAY_MS;
    at -= DAY_MS
  ) {
    const date = new Date(at).toISOString().slice(0, 10);
    if (isSchoolDay(date, calendar)) chartDays.unshift(date);
  }
  const perStudent =
    schoolDays.length === 0
      ? []
      : await db
          .selectFrom('attendance')
          .select((eb) => ['student_id', 'status', eb.fn.countAll<number>().as('n'), eb.fn.min('date').as('first')])
          .where('school_id', '=', school.id)
          .where('session', '=', DAY_SESSION)
          .where('date', 'in', schoolDays)
          .groupBy(['student_id', 'status'])
          .execute();
  const perDay =
    chartDays.length === 0
      ? []
      : await db
          .selectFrom('attendance')
          .select((eb) => ['date', 'status', eb.fn.countAll<number>().as('n')])
          .where('school_id', '=', school.id)
          .where('session', '=', DAY_SESSION)
          .where('date', 'in', chartDays)
          .groupBy(['date', 'status'])
          .execute();
  const marked = new Map<string, { counts: StatusCounts; first: string }>();
  for (const row of perStudent) {
    const entry = marked.get(row.student_id) ?? { counts: noCounts(), first: String(row.first) };
    entry.counts[row.status as AttendanceStatus] += Number(row.n);
    if (String(row.first) < entry.first) entry.first = String(row.first);
    marked.set(row.student_id, entry);
  }
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  // On the roster at some point of the range: not left before it began.
  const students = await db
    .selectFrom('students')
    .select(['id', 'student_number', 'name', 'homeroom', 'created_at', 'left_at'])
    .where('school_id', '=', school.id)
    .where((eb) => eb.or([eb('left_at', 'is', null), eb('left_at', '>=', fromMs - DAY_MS)]))
    .execute();
  const local = (at: number): string => localMoment(at, school.time_zone).date;
  const days = new Map<string, ReportDay>(chartDays.map((date) => [date, { date, ...noCounts() }]));
  for (const row of perDay) {
    const day = days.get(row.date);
    if (day && ATTENDANCE_STATUSES.includes(row.status)) day[row.status] += Number(row.n);
  }
  return attendanceReport({
    v: PROTOCOL_VERSION,
    from,
    to,
    schoolDays,
    students: students
      .filter((s) => s.left_at === null || local(Number(s.left_at)) > from || marked.has(s.id))
      .map((s) => ({
        studentId: s.student_number,
        name: s.name,
        homeroom: s.homeroom,
        joined: local(Number(s.created_at)),
        left: s.left_at === null ? null : local(Number(s.left_at)),
        counts: marked.get(s.id)?.counts ?? noCounts(),
        firstMarked: marked.get(s.id)?.first ?? null,
      })),
    days: [...days.values()],
  });
}
