/**
 * The office's day, counted: a pure function from the roster, today's
 * records, the timetable and the clock to what /office shows at a glance.
 * The server answers `GET /api/today` with it; its rules are tested as a
 * table of cases.
 *
 * - expected: on the roster, not left, on a school day (school-days.ts);
 *   on a day without school nobody is expected, so nobody is missing.
 * - in the building: the day record has a door check-in and no check-out.
 * - present, late, absent, excused: the record's status, for the day or
 *   the period.
 * - not yet accounted for: expected, with no status and (for the day) no
 *   door check-in.
 * - left early: checked out at the door.
 * - missing: expected, no door scan, no present or late mark, not excused
 *   (an absent marked without an excuse stays on the list to follow up).
 * - a roll not taken: a homeroom's register (the day's, from the bell; a
 *   period's, from its start) in which no person has marked anyone yet.
 *   Door scans fill a roll in but do not take it.
 */
import { DAY_SESSION, type Actor, type AttendanceStatus } from './attendance-model.ts';
import { PROTOCOL_VERSION } from './protocol.ts';
import { isSchoolDay, type SchoolCalendar } from './school-days.ts';
import { lateAfter, localMoment, parseBellTime, type LatenessRule } from './school-time.ts';
import type { HomeroomToday, PeriodToday, RollNotTaken, TodayCounts, TodayStudent, TodayView } from './today-protocol.ts';

export interface TodayRosterEntry {
  studentId: string;
  name: string;
  homeroom: string;
  leftAt: number | null;
}

export interface TodayRecord {
  studentId: string;
  session: string;
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  version: number;
  /** Who set the status: the door, or a person by role. */
  statusBy: Actor;
  /** The absence reason's words, as marked; why the student checked out (a CHECK_OUT_REASONS code). */
  reasonText?: string | null;
  checkOutReason?: string | null;
}

export interface TodayInput {
  now: number;
  rule: LatenessRule;
  calendar: SchoolCalendar;
  roster: readonly TodayRosterEntry[];
  /** Today's records, every session; records of students not on `roster` are passed over. */
  records: readonly TodayRecord[];
  /** Who takes each homeroom's roll. */
  teachers: readonly { homeroom: string; name: string }[];
}

const byText = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export function zeroCounts(): TodayCounts {
  return { expected: 0, inBuilding: 0, present: 0, late: 0, absent: 0, excused: 0, unaccounted: 0, leftEarly: 0 };
}

function tally(counts: TodayCounts, expected: boolean, door: TodayRecord | undefined, own: TodayRecord | undefined, isDay: boolean): void {
  if (expected) counts.expected++;
  if (door?.checkInAt != null && door.checkOutAt === null) counts.inBuilding++;
  if (door?.checkOutAt != null) counts.leftEarly++;
  const status = own?.status ?? null;
  if (status !== null) counts[status]++;
  else if (expected && !(isDay && door?.checkInAt != null)) counts.unaccounted++;
}

function studentOf(entry: TodayRosterEntry, door: TodayRecord | undefined): TodayStudent {
  return {
    studentId: entry.studentId,
    name: entry.name,
    homeroom: entry.homeroom,
    status: door?.status ?? null,
    checkInAt: door?.checkInAt ?? null,
    checkOutAt: door?.checkOutAt ?? null,
    version: door?.version ?? 0,
    ...(door?.reasonText ? { reason: door.reasonText } : {}),
    ...(door?.checkOutReason ? { checkOutReason: door.checkOutReason } : {}),
  };
}

export function todaySummary(input: TodayInput): TodayView {
  const { now, rule } = input;
  const moment = localMoment(now, rule.timeZone);
  const schoolDay = isSchoolDay(moment.date, input.calendar);
  const periods = rule.periods ?? [];
  const sessions = [DAY_SESSION, ...periods.map((p) => p.name)];

  const onRoll = input.roster.filter((s) => s.leftAt === null);
  const known = new Set(onRoll.map((s) => s.studentId));
  /** session → student → record */
  const records = new Map<string, Map<string, TodayRecord>>(sessions.map((s) => [s, new Map()]));
  for (const record of input.records) if (known.has(record.studentId)) records.get(record.session)?.set(record.studentId, record);
  const day = records.get(DAY_SESSION) ?? new Map<string, TodayRecord>();

  const teachersOf = new Map<string, string[]>();
  for (const t of input.teachers) teachersOf.set(t.homeroom, [...(teachersOf.get(t.homeroom) ?? []), t.name]);
  for (const names of teachersOf.values()) names.sort(byText);

  const school = zeroCounts();
  const homeroomCounts = new Map<string, TodayCounts>();
  const periodCounts = new Map<string, TodayCounts>(periods.map((p) => [p.name, zeroCounts()]));
  /** `${session}\n${homeroom}` of registers a person has marked someone in. */
  const marked = new Set<string>();
  const late: TodayStudent[] = [];
  const missing: TodayStudent[] = [];
  const leftEarly: TodayStudent[] = [];

  for (const student of onRoll) {
    const door = day.get(student.studentId);
    let counts = homeroomCounts.get(student.homeroom);
    if (!counts) homeroomCounts.set(student.homeroom, (counts = zeroCounts()));
    tally(school, schoolDay, door, door, true);
    tally(counts, schoolDay, door, door, true);
    for (const period of periods) {
      const own = records.get(period.name)?.get(student.studentId);
      tally(periodCounts.get(period.name) ?? zeroCounts(), schoolDay, door, own, false);
    }
    for (const session of sessions) {
      const record = records.get(session)?.get(student.studentId);
      if (record && record.status !== null && record.statusBy !== 'door') marked.add(`${session}\n${student.homeroom}`);
    }
    const status = door?.status ?? null;
    if (status === 'late') late.push(studentOf(student, door));
    if (door?.checkOutAt != null) leftEarly.push(studentOf(student, door));
    if (schoolDay && door?.checkInAt == null && status !== 'present' && status !== 'late' && status !== 'excused')
      missing.push(studentOf(student, door));
  }

  const homeroomNames = [...homeroomCounts.keys()].sort(byText);
  const homerooms: HomeroomToday[] = homeroomNames.map((name) => ({
    name,
    teachers: teachersOf.get(name) ?? [],
    counts: homeroomCounts.get(name) ?? zeroCounts(),
  }));
  const periodViews: PeriodToday[] = periods.map((p) => ({
    name: p.name,
    startsAt: p.startsAt,
    endsAt: p.endsAt,
    counts: periodCounts.get(p.name) ?? zeroCounts(),
  }));

  const rollsNotTaken: RollNotTaken[] = [];
  if (schoolDay) {
    for (const session of sessions) {
      // The roll is due from the bell or the period's start; the grace is for students, not for the register.
      const due = session === DAY_SESSION ? parseBellTime(rule.bellTime) : lateAfter({ ...rule, lateGraceMinutes: 0 }, session);
      if (moment.secondOfDay <= due) continue;
      const minutesLate = Math.floor((moment.secondOfDay - due) / 60);
      for (const homeroom of homeroomNames) {
        if (!marked.has(`${session}\n${homeroom}`))
          rollsNotTaken.push({ homeroom, session, teachers: teachersOf.get(homeroom) ?? [], minutesLate });
      }
    }
  }
  rollsNotTaken.sort((a, b) => b.minutesLate - a.minutesLate || byText(a.homeroom, b.homeroom));

  const byName = (a: TodayStudent, b: TodayStudent): number => byText(a.name, b.name) || byText(a.studentId, b.studentId);
  late.sort((a, b) => (a.checkInAt ?? Infinity) - (b.checkInAt ?? Infinity) || byName(a, b));
  missing.sort((a, b) => byText(a.homeroom, b.homeroom) || byName(a, b));
  leftEarly.sort((a, b) => (b.checkOutAt ?? 0) - (a.checkOutAt ?? 0) || byName(a, b));

  return {
    v: PROTOCOL_VERSION,
    type: 'today',
    date: moment.date,
    schoolDay,
    asOf: now,
    school,
    homerooms,
    periods: periodViews,
    rollsNotTaken,
    late,
    missing,
    leftEarly,
  };
}
