/**
 * `GET /api/today`: the office's day at a glance. Counts for the school, per
 * homeroom and per period; the rolls not yet taken, the late arrivals and
 * the missing list. Read leniently: a newer server may add fields.
 */
import type { AttendanceStatus } from './attendance-model.ts';
import { expectArray, expectFields, expectInteger, expectOneOf, expectString, fail } from './guard.ts';
import type { ProtocolVersion } from './protocol.ts';

export interface TodayCounts {
  /** On the roster, not left, and today is a school day. */
  expected: number;
  /** Checked in at the door and not checked out. */
  inBuilding: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  /** Expected, with no door scan and no mark yet. */
  unaccounted: number;
  /** Checked out at the door. */
  leftEarly: number;
}

export interface HomeroomToday {
  name: string;
  teachers: string[];
  counts: TodayCounts;
}

export interface PeriodToday {
  name: string;
  startsAt: string;
  endsAt: string;
  /** The period's own register; in the building and left early are the door's, as for the day. */
  counts: TodayCounts;
}

/** A register whose start has passed with no mark by a person in it. */
export interface RollNotTaken {
  homeroom: string;
  /** "day" for the homeroom's roll, else the period's name. */
  session: string;
  teachers: string[];
  /** Since the bell (for the day) or the period's start. */
  minutesLate: number;
}

export interface TodayStudent {
  studentId: string;
  name: string;
  homeroom: string;
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  /** The day record's version: a mark made from the list is based on it. */
  version: number;
  /** An absent or excused mark's reason, in the words it was marked with; absent when none. */
  reason?: string;
  /** Why the student checked out, a CHECK_OUT_REASONS code; absent when they did not say. */
  checkOutReason?: string;
}

export interface TodayView {
  v: ProtocolVersion;
  type: 'today';
  /** YYYY-MM-DD in the school's time zone. */
  date: string;
  schoolDay: boolean;
  /** When the server counted. */
  asOf: number;
  school: TodayCounts;
  homerooms: HomeroomToday[];
  periods: PeriodToday[];
  rollsNotTaken: RollNotTaken[];
  /** Late today, earliest check-in first. */
  late: TodayStudent[];
  /** Expected, no door scan, no present mark, not excused. */
  missing: TodayStudent[];
  /** Checked out, latest first. */
  leftEarly: TodayStudent[];
}

export const COUNT_FIELDS = ['expected', 'inBuilding', 'present', 'late', 'absent', 'excused', 'unaccounted', 'leftEarly'] as const;

const TIME = { min: 0, max: 8_640_000_000_000_000 };
const COUNT = { min: 0, max: 10_000_000 };
const STATUSES = ['present', 'late', 'absent', 'excused'] as const;

function expectCounts(value: unknown, path: string): asserts value is TodayCounts {
  expectFields(value, path, COUNT_FIELDS);
  for (const field of COUNT_FIELDS) expectInteger(value[field], `${path}.${field}`, COUNT, 'bad-response');
}

function expectNames(value: unknown, path: string): asserts value is string[] {
  expectArray(value, path, 'bad-response');
  value.forEach((name, i) => expectString(name, `${path}[${i}]`, { min: 0, max: 200 }, 'bad-response'));
}

function expectTimeOrNull(value: unknown, path: string): void {
  if (value !== null) expectInteger(value, path, TIME, 'bad-response');
}

function expectStudent(value: unknown, path: string): asserts value is TodayStudent {
  expectFields(value, path, ['studentId', 'name', 'homeroom', 'status', 'checkInAt', 'checkOutAt', 'version']);
  expectString(value.studentId, `${path}.studentId`, { max: 64 }, 'bad-response');
  expectString(value.name, `${path}.name`, { min: 0, max: 200 }, 'bad-response');
  expectString(value.homeroom, `${path}.homeroom`, { min: 0, max: 64 }, 'bad-response');
  if (value.status !== null) expectOneOf(value.status, `${path}.status`, STATUSES, 'bad-response');
  expectTimeOrNull(value.checkInAt, `${path}.checkInAt`);
  expectTimeOrNull(value.checkOutAt, `${path}.checkOutAt`);
  expectInteger(value.version, `${path}.version`, COUNT, 'bad-response');
  if (value.reason !== undefined) expectString(value.reason, `${path}.reason`, { max: 200 }, 'bad-response');
  if (value.checkOutReason !== undefined) expectString(value.checkOutReason, `${path}.checkOutReason`, { max: 32 }, 'bad-response');
}

function expectStudents(value: unknown, path: string): asserts value is TodayStudent[] {
  expectArray(value, path, 'bad-response');
  value.forEach((student, i) => expectStudent(student, `${path}[${i}]`));
}

export function assertTodayView(value: unknown): asserts value is TodayView {
  expectFields(value, '$', [
    'type',
    'date',
    'schoolDay',
    'asOf',
    'school',
    'homerooms',
    'periods',
    'rollsNotTaken',
    'late',
    'missing',
    'leftEarly',
  ]);
  expectOneOf(value.type, '$.type', ['today'], 'bad-response');
  expectString(value.date, '$.date', { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ }, 'bad-response');
  if (typeof value.schoolDay !== 'boolean') fail('bad-response', '$.schoolDay', 'must be true or false');
  expectInteger(value.asOf, '$.asOf', TIME, 'bad-response');
  expectCounts(value.school, '$.school');
  expectArray(value.homerooms, '$.homerooms', 'bad-response');
  value.homerooms.forEach((h, i) => {
    const path = `$.homerooms[${i}]`;
    expectFields(h, path, ['name', 'teachers', 'counts']);
    expectString(h.name, `${path}.name`, { min: 0, max: 64 }, 'bad-response');
    expectNames(h.teachers, `${path}.teachers`);
    expectCounts(h.counts, `${path}.counts`);
  });
  expectArray(value.periods, '$.periods', 'bad-response');
  value.periods.forEach((p, i) => {
    const path = `$.periods[${i}]`;
    expectFields(p, path, ['name', 'startsAt', 'endsAt', 'counts']);
    expectString(p.name, `${path}.name`, { max: 32 }, 'bad-response');
    expectString(p.startsAt, `${path}.startsAt`, { max: 5 }, 'bad-response');
    expectString(p.endsAt, `${path}.endsAt`, { max: 5 }, 'bad-response');
    expectCounts(p.counts, `${path}.counts`);
  });
  expectArray(value.rollsNotTaken, '$.rollsNotTaken', 'bad-response');
  value.rollsNotTaken.forEach((r, i) => {
    const path = `$.rollsNotTaken[${i}]`;
    expectFields(r, path, ['homeroom', 'session', 'teachers', 'minutesLate']);
    expectString(r.homeroom, `${path}.homeroom`, { min: 0, max: 64 }, 'bad-response');
    expectString(r.session, `${path}.session`, { max: 32 }, 'bad-response');
    expectNames(r.teachers, `${path}.teachers`);
    expectInteger(r.minutesLate, `${path}.minutesLate`, COUNT, 'bad-response');
  });
  expectStudents(value.late, '$.late');
  expectStudents(value.missing, '$.missing');
  expectStudents(value.leftEarly, '$.leftEarly');
}

/** One change to one of the student's records: a mark, a merge, a conflict or its settling. */
export interface StudentHistoryEntry {
  date: string;
  session: string;
  at: number;
  action: 'mark' | 'merge' | 'conflict' | 'resolve';
  /** Who: a person's name or the kiosk's. */
  by: string;
  /** The kiosk the change came from, when a kiosk sent it. */
  kiosk: string | null;
  /** The record after the change. */
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  /** Why the student checked out (CHECK_OUT_REASONS), when they said; absent from an older server. */
  checkOutReason?: string;
  note: string | null;
}

export interface StudentNoteEntry {
  date: string;
  session: string;
  at: number;
  by: string;
  text: string;
}

/** `GET /api/today/student?studentId=`: a student's recent days, newest first. */
export interface StudentHistory {
  v: ProtocolVersion;
  type: 'student-history';
  studentId: string;
  name: string;
  homeroom: string;
  /** The first day shown, YYYY-MM-DD. */
  since: string;
  entries: StudentHistoryEntry[];
  notes: StudentNoteEntry[];
}

export function assertStudentHistory(value: unknown): asserts value is StudentHistory {
  expectFields(value, '$', ['type', 'studentId', 'name', 'homeroom', 'since', 'entries', 'notes']);
  expectOneOf(value.type, '$.type', ['student-history'], 'bad-response');
  expectString(value.name, '$.name', { min: 0, max: 200 }, 'bad-response');
  expectString(value.homeroom, '$.homeroom', { min: 0, max: 64 }, 'bad-response');
  expectArray(value.entries, '$.entries', 'bad-response');
  value.entries.forEach((e, i) => {
    const path = `$.entries[${i}]`;
    expectFields(e, path, ['date', 'session', 'at', 'action', 'by', 'kiosk', 'status', 'checkInAt', 'checkOutAt', 'note']);
    expectString(e.date, `${path}.date`, { max: 10 }, 'bad-response');
    expectString(e.session, `${path}.session`, { max: 32 }, 'bad-response');
    expectInteger(e.at, `${path}.at`, TIME, 'bad-response');
    expectString(e.by, `${path}.by`, { min: 0, max: 200 }, 'bad-response');
    if (e.kiosk !== null) expectString(e.kiosk, `${path}.kiosk`, { min: 0, max: 200 }, 'bad-response');
    if (e.status !== null) expectOneOf(e.status, `${path}.status`, STATUSES, 'bad-response');
    expectTimeOrNull(e.checkInAt, `${path}.checkInAt`);
    expectTimeOrNull(e.checkOutAt, `${path}.checkOutAt`);
    if (e.checkOutReason !== undefined) expectString(e.checkOutReason, `${path}.checkOutReason`, { max: 32 }, 'bad-response');
    if (e.note !== null) expectString(e.note, `${path}.note`, { min: 0, max: 10_000 }, 'bad-response');
  });
  expectArray(value.notes, '$.notes', 'bad-response');
  value.notes.forEach((n, i) => {
    const path = `$.notes[${i}]`;
    expectFields(n, path, ['date', 'session', 'at', 'by', 'text']);
    expectInteger(n.at, `${path}.at`, TIME, 'bad-response');
    expectString(n.by, `${path}.by`, { min: 0, max: 200 }, 'bad-response');
    expectString(n.text, `${path}.text`, { min: 0, max: 10_000 }, 'bad-response');
  });
}
