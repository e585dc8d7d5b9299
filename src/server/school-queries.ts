/** Reads about schools, kiosks and rosters that several routes share. */
import type { Kysely, Transaction } from 'kysely';
import { DoorlineError } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import {
  PROTOCOL_VERSION,
  type KioskConfig,
  type KioskInfo,
  type Roster,
  type SchoolClosure,
  type SchoolInfo,
  type SchoolPeriod,
} from '../shared/protocol.ts';
import { DEFAULT_ABSENCE_REASONS, type AbsenceReason } from '../shared/reasons.ts';
import type { LatenessRule } from '../shared/school-time.ts';
import { databaseKind } from './db/open-database.ts';
import type { Database, School } from './db/schema.ts';

type Reader = Kysely<Database>;

export async function findKiosk(db: Reader, kioskId: string): Promise<{ school: School; kiosk: KioskInfo }> {
  const row = await db
    .selectFrom('kiosks')
    .innerJoin('schools', 'schools.id', 'kiosks.school_id')
    .selectAll('schools')
    .select([
      'kiosks.id as kiosk_id',
      'kiosks.name as kiosk_name',
      'kiosks.scan_mode as kiosk_scan_mode',
      'kiosks.direction as kiosk_direction',
    ])
    .where('kiosks.id', '=', kioskId)
    .executeTakeFirst();
  if (!row) throw new DoorlineError('kiosk-not-found', { kioskId });
  const { kiosk_id, kiosk_name, kiosk_scan_mode, kiosk_direction, ...school } = row;
  // Said only for the camera and the exit: absent means the keyboard and the entrance, and most kiosks' configurations stay as small as they were.
  return {
    school,
    kiosk: {
      id: kiosk_id,
      name: kiosk_name,
      ...(kiosk_scan_mode === 'camera' ? { scanMode: kiosk_scan_mode } : {}),
      ...(kiosk_direction === 'exit' ? { direction: 'exit' as const } : {}),
    },
  };
}

export async function findSchool(db: Reader, schoolId: string): Promise<School> {
  const school = await db.selectFrom('schools').selectAll().where('id', '=', schoolId).executeTakeFirst();
  if (!school) throw new DoorlineError('no-school', { schoolId });
  return school;
}

/**
 * The school, locked for the rest of `trx`: the first statement of every
 * transaction that changes a school's records. Writers of one school then
 * run one after another, as they do on SQLite (one writer at a time), so
 * none reads a record another is about to change, and the change feed's
 * sequence numbers become visible in the order they were drawn: a reader's
 * cursor can never pass a number whose change is still being written.
 * `for no key update` leaves other schools, and inserts that only refer to
 * this school (a sign-in's session), free to go on.
 */
export async function findSchoolForWriting(trx: Transaction<Database>, schoolId: string): Promise<School> {
  if (databaseKind(trx) === 'sqlite') return findSchool(trx, schoolId);
  const school = await trx.selectFrom('schools').selectAll().where('id', '=', schoolId).forNoKeyUpdate().executeTakeFirst();
  if (!school) throw new DoorlineError('no-school', { schoolId });
  return school;
}

/** The school's timetable, in order. */
export async function schoolPeriods(db: Reader, school: School): Promise<SchoolPeriod[]> {
  const rows = await db
    .selectFrom('school_periods')
    .select(['name', 'starts_at', 'ends_at'])
    .where('school_id', '=', school.id)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ name: r.name, startsAt: r.starts_at, endsAt: r.ends_at }));
}

/** The school's days without school, earliest first. */
export async function schoolClosures(db: Reader, school: School): Promise<SchoolClosure[]> {
  const rows = await db
    .selectFrom('school_closures')
    .select(['first_day', 'last_day', 'reason'])
    .where('school_id', '=', school.id)
    .orderBy('first_day')
    .orderBy('last_day')
    .execute();
  return rows.map((r) => ({ firstDay: r.first_day, lastDay: r.last_day, reason: r.reason }));
}

/** "6,7" → [6, 7]; the column's own format (schema.ts). */
export function weekdaysOffOf(school: Pick<School, 'weekdays_off'>): number[] {
  return school.weekdays_off
    .split(',')
    .filter((d) => d !== '')
    .map(Number);
}

/**
 * Every reason the school has had, in order, retired ones too. A school whose
 * list was never written (made before reasons, or by the demo or an import)
 * has DEFAULT_ABSENCE_REASONS; once its list is saved, the rows say it all.
 */
export async function storedReasons(db: Reader, schoolId: string): Promise<Array<AbsenceReason & { retired: boolean }>> {
  const rows = await db
    .selectFrom('absence_reasons')
    .select(['code', 'label', 'retired'])
    .where('school_id', '=', schoolId)
    .orderBy('position')
    .execute();
  if (rows.length === 0) return DEFAULT_ABSENCE_REASONS.map((r) => ({ ...r, retired: false }));
  return rows.map((r) => ({ code: r.code, label: r.label, retired: Number(r.retired) === 1 }));
}

/** The school's absence reasons as the roll offers them: in their order, without the retired ones. */
export async function absenceReasons(db: Reader, schoolId: string): Promise<AbsenceReason[]> {
  return (await storedReasons(db, schoolId)).filter((r) => !r.retired).map(({ code, label }) => ({ code, label }));
}

/** Every reason the school has had, retired ones too, by code: what a mark's reason is checked against and named by. */
export async function reasonLabels(db: Reader, schoolId: string): Promise<Map<string, string>> {
  return new Map((await storedReasons(db, schoolId)).map((r) => [r.code, r.label]));
}

/** `withReasons`: staff devices mark absences and get the school's reasons; a kiosk never does, and its install stays as small. */
async function toSchoolInfo(db: Reader, school: School, withReasons = true): Promise<SchoolInfo> {
  const info: SchoolInfo = { id: school.id, name: school.name, timeZone: school.time_zone, bellTime: school.bell_time };
  const [periods, closures, reasons] = await Promise.all([
    schoolPeriods(db, school),
    schoolClosures(db, school),
    withReasons ? absenceReasons(db, school.id) : undefined,
  ]);
  return {
    ...info,
    dayStart: school.day_start,
    lateGraceMinutes: Number(school.late_grace_minutes),
    periods,
    weekdaysOff: weekdaysOffOf(school),
    closures,
    settingsVersion: Number(school.settings_version),
    keepRefusedDays: Number(school.refused_keep_days),
    ...(reasons ? { absenceReasons: reasons } : {}),
  };
}

/** What lateness is judged by at this school (src/shared/school-time.ts). */
export function latenessRule(school: School, periods: readonly SchoolPeriod[]): LatenessRule {
  return {
    timeZone: school.time_zone,
    bellTime: school.bell_time,
    lateGraceMinutes: Number(school.late_grace_minutes),
    periods,
  };
}

export async function schoolInfo(db: Reader, schoolId: string): Promise<SchoolInfo> {
  return toSchoolInfo(db, await findSchool(db, schoolId));
}

/** The schools a person works for, oldest first: the first is where a sign-in lands. */
export async function staffSchools(db: Reader, staffId: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom('staff_schools')
    .innerJoin('schools', 'schools.id', 'staff_schools.school_id')
    .select(['schools.id', 'schools.name'])
    .where('staff_schools.staff_id', '=', staffId)
    .orderBy('schools.created_at')
    .orderBy('schools.id')
    .execute();
}

/**
 * What a device needs before its first mark: its school, and for a paired
 * kiosk the kiosk it stands at (null for a staff browser).
 */
export async function deviceConfig(db: Reader, schoolId: string, kioskId: string | null): Promise<KioskConfig> {
  const { school, kiosk } = kioskId === null ? { school: await findSchool(db, schoolId), kiosk: null } : await findKiosk(db, kioskId);
  if (school.id !== schoolId) throw new DoorlineError('kiosk-not-found', { kioskId });
  return {
    v: PROTOCOL_VERSION,
    type: 'kiosk-config',
    school: await toSchoolInfo(db, school, kiosk === null),
    kiosk,
    rosterVersion: String(school.roster_version),
    syncLimits: { maxBodyBytes: LIMITS.maxBodyBytes, maxOps: LIMITS.maxOpsPerBatch },
  };
}

/** The students a kiosk knows: those who left are kept with their history but are not on it. */
export async function roster(db: Reader, schoolId: string): Promise<Roster> {
  const school = await findSchool(db, schoolId);
  const rows = await db
    .selectFrom('students')
    .select(['student_number', 'name', 'homeroom'])
    .where('school_id', '=', school.id)
    .where('left_at', 'is', null)
    .orderBy('student_number')
    .execute();
  return {
    v: PROTOCOL_VERSION,
    type: 'roster',
    version: String(school.roster_version),
    studentIds: rows.map((r) => r.student_number),
    names: rows.map((r) => r.name),
    homerooms: rows.map((r) => r.homeroom),
  };
}
