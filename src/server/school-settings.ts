/**
 * A school's settings: creating a school with them, reading them, changing
 * them. Every change is one transaction that takes the school's row first
 * (as every writer does), raises `settings_version`, writes an `admin_log`
 * row saying what changed and who changed it, and puts a `settings` change
 * on the feed so kiosks and staff browsers read their configuration again.
 */
import { changedFields, logAdminAction } from './admin-log.ts';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { DEFAULT_ABSENCE_REASONS, reasonCodeOf, type AbsenceReason } from '../shared/reasons.ts';
import type { SchoolSettings, SchoolSettingsInput, SchoolSettingsView } from '../shared/school-settings.ts';
import { actFor, linkToSchool } from './auth/accounts.ts';
import type { AccountPrincipal, StaffPrincipal } from './auth/principal.ts';
import { feedChange } from './change-feed.ts';
import type { Db } from './db/open-database.ts';
import type { Database } from './db/schema.ts';
import {
  absenceReasons,
  findSchool,
  storedReasons,
  findSchoolForWriting,
  schoolClosures,
  schoolPeriods,
  weekdaysOffOf,
} from './school-queries.ts';

type Trx = Transaction<Database>;

type StoredReason = AbsenceReason & { retired: boolean };

/**
 * The list as submitted, each reason with its code. A known code keeps it (its
 * words may change); new words take the code of a reason the school had with
 * the same words, else a new code. Left out (a page from before reasons): the
 * list as it is.
 */
function resolveReasons(input: SchoolSettingsInput['absenceReasons'], stored: readonly StoredReason[]): AbsenceReason[] {
  if (input === undefined) return stored.filter((r) => !r.retired).map(({ code, label }) => ({ code, label }));
  const taken = new Set([...stored.map((r) => r.code), ...input.flatMap((r) => (r.code === undefined ? [] : [r.code]))]);
  const inList = new Set(input.flatMap((r) => (r.code === undefined ? [] : [r.code])));
  return input.map((reason) => {
    const label = reason.label.trim();
    if (reason.code !== undefined) return { code: reason.code, label };
    const words = label.toLocaleLowerCase('en');
    const before = stored.find((r) => r.label.toLocaleLowerCase('en') === words && !inList.has(r.code));
    const code = before ? before.code : reasonCodeOf(label, taken);
    taken.add(code);
    inList.add(code);
    return { code, label };
  });
}

/** The school's reasons replaced by `list`; the ones it no longer has stay, retired, so old marks and offline devices still name them. */
async function writeReasons(trx: Trx, schoolId: string, list: readonly AbsenceReason[], stored: readonly StoredReason[]): Promise<void> {
  const listed = new Set(list.map((r) => r.code));
  const retired = stored.filter((r) => !listed.has(r.code));
  await trx.deleteFrom('absence_reasons').where('school_id', '=', schoolId).execute();
  const rows = [
    ...list.map((r, position) => ({ school_id: schoolId, code: r.code, label: r.label, position, retired: 0 })),
    ...retired.map((r, i) => ({ school_id: schoolId, code: r.code, label: r.label, position: list.length + i, retired: 1 })),
  ];
  if (rows.length > 0) await trx.insertInto('absence_reasons').values(rows).execute();
}

/** The settings as they were submitted, without the envelope, names trimmed, days off in order and reasons with their codes. */
function settingsOf(input: SchoolSettingsInput, stored: readonly StoredReason[]): SchoolSettings {
  return {
    name: input.name.trim(),
    timeZone: input.timeZone,
    dayStart: input.dayStart,
    bellTime: input.bellTime,
    lateGraceMinutes: input.lateGraceMinutes,
    periods: input.periods.map((p) => ({ name: p.name, startsAt: p.startsAt, endsAt: p.endsAt })),
    weekdaysOff: [...input.weekdaysOff].sort((a, b) => a - b),
    closures: input.closures.map((c) => ({ firstDay: c.firstDay, lastDay: c.lastDay, reason: c.reason.trim() })),
    absenceReasons: resolveReasons(input.absenceReasons, stored),
  };
}

export async function readSettings(db: Db, schoolId: string): Promise<SchoolSettingsView> {
  const school = await findSchool(db, schoolId);
  const [periods, closures, reasons] = await Promise.all([
    schoolPeriods(db, school),
    schoolClosures(db, school),
    absenceReasons(db, school.id),
  ]);
  return {
    v: PROTOCOL_VERSION,
    type: 'school-settings',
    id: school.id,
    settingsVersion: Number(school.settings_version),
    settings: {
      name: school.name,
      timeZone: school.time_zone,
      dayStart: school.day_start,
      bellTime: school.bell_time,
      lateGraceMinutes: Number(school.late_grace_minutes),
      periods,
      weekdaysOff: weekdaysOffOf(school),
      closures,
      absenceReasons: reasons,
    },
  };
}

/** The school's periods and closures replaced by these. */
async function writeTimetable(trx: Trx, schoolId: string, settings: SchoolSettings): Promise<void> {
  await trx.deleteFrom('school_periods').where('school_id', '=', schoolId).execute();
  if (settings.periods.length > 0)
    await trx
      .insertInto('school_periods')
      .values(
        settings.periods.map((p, position) => ({ school_id: schoolId, name: p.name, starts_at: p.startsAt, ends_at: p.endsAt, position })),
      )
      .execute();
  await trx.deleteFrom('school_closures').where('school_id', '=', schoolId).execute();
  if (settings.closures.length > 0)
    await trx
      .insertInto('school_closures')
      .values(
        settings.closures.map((c) => ({
          id: randomUUID(),
          school_id: schoolId,
          first_day: c.firstDay,
          last_day: c.lastDay,
          reason: c.reason,
        })),
      )
      .execute();
}

/**
 * A new school with these settings; the admin who made it works for it, and
 * their session acts for it from now on. Its roster starts empty.
 */
export async function createSchool(db: Db, actor: AccountPrincipal, input: SchoolSettingsInput, now: number): Promise<SchoolSettingsView> {
  const settings = settingsOf(
    input,
    DEFAULT_ABSENCE_REASONS.map((r) => ({ ...r, retired: false })),
  );
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('schools')
      .values({
        id,
        name: settings.name,
        time_zone: settings.timeZone,
        bell_time: settings.bellTime,
        day_start: settings.dayStart,
        late_grace_minutes: settings.lateGraceMinutes,
        weekdays_off: settings.weekdaysOff.join(','),
        roster_version: 1,
        settings_version: 1,
        created_at: now,
      })
      .execute();
    await writeTimetable(trx, id, settings);
    await writeReasons(trx, id, settings.absenceReasons, []);
    await linkToSchool(trx, actor.staffId, id);
    await actFor(trx, actor.sessionHash, id);
    await logAdminAction(
      trx,
      { staffId: actor.staffId, name: actor.name, schoolId: id },
      { action: 'school-created', subject: settings.name, details: { settings } },
      now,
    );
  });
  return readSettings(db, id);
}

/**
 * The current school's settings replaced by these. Settings identical to the
 * stored ones change nothing: no version, no log row, no news for devices.
 */
export async function changeSettings(
  db: Db,
  actor: StaffPrincipal,
  input: SchoolSettingsInput,
  now: number,
): Promise<{ view: SchoolSettingsView; changed: boolean }> {
  const stored = await storedReasons(db, actor.schoolId);
  const settings = settingsOf(input, stored);
  const before = (await readSettings(db, actor.schoolId)).settings;
  const changed = changedFields(before, settings);
  if (Object.keys(changed).length === 0) return { view: await readSettings(db, actor.schoolId), changed: false };
  await db.transaction().execute(async (trx) => {
    const school = await findSchoolForWriting(trx, actor.schoolId);
    const version = Number(school.settings_version) + 1;
    await trx
      .updateTable('schools')
      .set({
        name: settings.name,
        time_zone: settings.timeZone,
        bell_time: settings.bellTime,
        day_start: settings.dayStart,
        late_grace_minutes: settings.lateGraceMinutes,
        weekdays_off: settings.weekdaysOff.join(','),
        settings_version: version,
      })
      .where('id', '=', school.id)
      .execute();
    await writeTimetable(trx, school.id, settings);
    if (changed.absenceReasons) await writeReasons(trx, school.id, settings.absenceReasons, await storedReasons(trx, school.id));
    await logAdminAction(
      trx,
      { staffId: actor.staffId, name: actor.name, schoolId: school.id },
      { action: 'settings-changed', subject: settings.name, details: { version, changed } },
      now,
    );
    await feedChange(trx, school.id, { kind: 'settings', version }, now);
  });
  return { view: await readSettings(db, actor.schoolId), changed: true };
}
