/**
 * A school's settings as an admin sets them up and changes them: wire types
 * for `POST /api/schools`, `GET`/`PUT /api/school/settings` and the school
 * switch, with their guards. The request guard is strict and checks the
 * settings make sense, each problem with its own code and the path to it.
 */
import { DAY_SESSION } from './attendance-model.ts';
import { DoorlineError, type ErrorCode } from './error-codes.ts';
import { expectArray, expectFields, expectInteger, expectRecord, expectString, fail } from './guard.ts';
import { LIMITS } from './limits.ts';
import type { ProtocolVersion, SchoolClosure, SchoolPeriod } from './protocol.ts';
import { DEVICE_ID_PATTERN, expectReadableVersion, expectVersion, SESSION_PATTERN } from './protocol-guards.ts';
import { MAX_ABSENCE_REASONS, MAX_REASON_LABEL, REASON_CODE_PATTERN, type AbsenceReason } from './reasons.ts';
import { CLOCK_TIME_PATTERN, isValidTimeZone, parseBellTime } from './school-time.ts';

export interface SchoolSettings {
  name: string;
  /** IANA time zone, such as "Europe/London". */
  timeZone: string;
  /** "HH:MM": when the school day begins. */
  dayStart: string;
  /** "HH:MM": lessons start; later than the bell plus the grace is late. */
  bellTime: string;
  lateGraceMinutes: number;
  /** In timetable order. */
  periods: SchoolPeriod[];
  /** ISO weekdays without school: 1 Monday … 7 Sunday. */
  weekdaysOff: number[];
  closures: SchoolClosure[];
  /** The absence reasons the roll offers, in order (src/shared/reasons.ts). */
  absenceReasons: AbsenceReason[];
}

/** A reason as a form sends it: a new one has no code yet, and the server makes one from its words. */
export interface AbsenceReasonInput {
  code?: string;
  label: string;
}

/** The settings as a form holds them. */
export type SchoolSettingsDraft = Omit<SchoolSettings, 'absenceReasons'> & { absenceReasons: AbsenceReasonInput[] };

/**
 * `POST /api/schools` (a new school) and `PUT /api/school/settings` (the current
 * one's). `absenceReasons` left out: a page from before reasons, which keeps the
 * school's list as it is (a new school gets DEFAULT_ABSENCE_REASONS).
 */
export type SchoolSettingsInput = Omit<SchoolSettings, 'absenceReasons'> & { v: ProtocolVersion; absenceReasons?: AbsenceReasonInput[] };

/** The answer to both, and `GET /api/school/settings`. */
export interface SchoolSettingsView {
  v: ProtocolVersion;
  type: 'school-settings';
  id: string;
  settingsVersion: number;
  settings: SchoolSettings;
}

/** `GET /api/schools`: the schools an admin works for, and the one the session acts for. */
export interface SchoolList {
  v: ProtocolVersion;
  type: 'schools';
  current: string | null;
  schools: Array<{ id: string; name: string }>;
}

/** `POST /api/session/school`: act for another of one's schools. */
export interface SchoolSwitch {
  v: ProtocolVersion;
  schoolId: string;
}

export const SCHOOL_ID_PATTERN = DEVICE_ID_PATTERN;
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const MAX_PERIODS = 20;
export const MAX_CLOSURES = 200;
export const MAX_GRACE_MINUTES = 120;
const MAX_NAME = 200;

const SETTINGS_FIELDS = ['name', 'timeZone', 'dayStart', 'bellTime', 'lateGraceMinutes', 'periods', 'weekdaysOff', 'closures'] as const;

function problem(code: ErrorCode, path: string, what: string): never {
  throw new DoorlineError(code, { path, problem: what });
}

function expectClockTime(value: unknown, path: string): asserts value is string {
  if (typeof value !== 'string' || !CLOCK_TIME_PATTERN.test(value)) problem('invalid-time', path, 'must be HH:MM (24-hour)');
}

function expectDate(value: unknown, path: string): asserts value is string {
  expectString(value, path, { max: 10 });
  if (!DATE_PATTERN.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) fail('invalid-body', path, 'must be a date, YYYY-MM-DD');
}

function checkPeriods(periods: unknown[]): void {
  if (periods.length > MAX_PERIODS) fail('invalid-body', '$.periods', `must have at most ${MAX_PERIODS} periods`);
  const names = new Set<string>([DAY_SESSION]);
  periods.forEach((period, i) => {
    const path = `$.periods[${i}]`;
    expectRecord(period, path, ['name', 'startsAt', 'endsAt']);
    expectString(period.name, `${path}.name`, { max: LIMITS.maxSessionLength, pattern: SESSION_PATTERN });
    expectClockTime(period.startsAt, `${path}.startsAt`);
    expectClockTime(period.endsAt, `${path}.endsAt`);
    if (names.has(period.name))
      problem(
        'duplicate-period',
        `${path}.name`,
        period.name === DAY_SESSION ? 'is the whole day’s own name' : 'is used by another period',
      );
    names.add(period.name);
    if (parseBellTime(period.endsAt) <= parseBellTime(period.startsAt))
      problem('period-ends-before-start', `${path}.endsAt`, `must be after ${period.startsAt}`);
  });
  const ordered = (periods as SchoolPeriod[])
    .map((period, index) => ({ index, start: parseBellTime(period.startsAt), end: parseBellTime(period.endsAt) }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < ordered.length; i++) {
    const before = ordered[i - 1] as (typeof ordered)[number];
    const after = ordered[i] as (typeof ordered)[number];
    if (after.start < before.end)
      problem('periods-overlap', `$.periods[${after.index}].startsAt`, `starts before $.periods[${before.index}] ends`);
  }
}

function checkReasons(reasons: unknown[]): void {
  if (reasons.length > MAX_ABSENCE_REASONS) fail('invalid-body', '$.absenceReasons', `must have at most ${MAX_ABSENCE_REASONS} reasons`);
  const codes = new Set<string>();
  const labels = new Set<string>();
  reasons.forEach((reason, i) => {
    const path = `$.absenceReasons[${i}]`;
    expectRecord(reason, path, ['label'], ['code']);
    expectString(reason.label, `${path}.label`, { max: MAX_REASON_LABEL });
    const words = reason.label.trim().toLocaleLowerCase('en');
    if (words === '') fail('invalid-body', `${path}.label`, 'must not be empty');
    if (labels.has(words)) problem('duplicate-reason', `${path}.label`, 'is on the list already');
    labels.add(words);
    if (reason.code === undefined) return;
    expectString(reason.code, `${path}.code`, { max: LIMITS.maxReasonLength, pattern: REASON_CODE_PATTERN });
    if (codes.has(reason.code)) problem('duplicate-reason', `${path}.code`, 'is on the list already');
    codes.add(reason.code);
  });
}

function checkClosures(closures: unknown[]): void {
  if (closures.length > MAX_CLOSURES) fail('invalid-body', '$.closures', `must have at most ${MAX_CLOSURES} closures`);
  closures.forEach((closure, i) => {
    const path = `$.closures[${i}]`;
    expectRecord(closure, path, ['firstDay', 'lastDay', 'reason']);
    expectDate(closure.firstDay, `${path}.firstDay`);
    expectDate(closure.lastDay, `${path}.lastDay`);
    expectString(closure.reason, `${path}.reason`, { min: 0, max: MAX_NAME });
    if (closure.lastDay < closure.firstDay)
      problem('closure-ends-before-start', `${path}.lastDay`, `must not be before ${closure.firstDay}`);
  });
}

/** A new school's settings, or the current one's as changed: every field, each checked. */
export function assertSchoolSettingsInput(value: unknown): asserts value is SchoolSettingsInput {
  expectRecord(value, '$', ['v', ...SETTINGS_FIELDS], ['absenceReasons']);
  expectVersion(value, '$');
  expectString(value.name, '$.name', { max: MAX_NAME });
  if (value.name.trim() === '') fail('invalid-body', '$.name', 'must not be empty');
  expectString(value.timeZone, '$.timeZone', { max: 100 });
  if (!isValidTimeZone(value.timeZone)) problem('invalid-time-zone', '$.timeZone', `"${value.timeZone}" is not an IANA time zone`);
  expectClockTime(value.dayStart, '$.dayStart');
  expectClockTime(value.bellTime, '$.bellTime');
  expectInteger(value.lateGraceMinutes, '$.lateGraceMinutes', { min: 0, max: MAX_GRACE_MINUTES });
  expectArray(value.periods, '$.periods');
  checkPeriods(value.periods);
  expectArray(value.weekdaysOff, '$.weekdaysOff');
  const days = new Set<number>();
  value.weekdaysOff.forEach((day, i) => {
    expectInteger(day, `$.weekdaysOff[${i}]`, { min: 1, max: 7 });
    if (days.has(day)) fail('invalid-body', `$.weekdaysOff[${i}]`, 'is repeated');
    days.add(day);
  });
  if (days.size === 7) fail('invalid-body', '$.weekdaysOff', 'must leave at least one school day');
  expectArray(value.closures, '$.closures');
  checkClosures(value.closures);
  if (value.absenceReasons !== undefined) {
    expectArray(value.absenceReasons, '$.absenceReasons');
    checkReasons(value.absenceReasons);
  }
}

export function assertSchoolSwitch(value: unknown): asserts value is SchoolSwitch {
  expectRecord(value, '$', ['v', 'schoolId']);
  expectVersion(value, '$');
  expectString(value.schoolId, '$.schoolId', { max: 64, pattern: SCHOOL_ID_PATTERN });
}

/** A server's answer, read as a page reads it: the fields it shows, anything newer ignored. */
export function assertSchoolSettingsView(value: unknown): asserts value is SchoolSettingsView {
  expectFields(value, '$', ['v', 'type', 'id', 'settingsVersion', 'settings']);
  expectReadableVersion(value, '$');
  expectFields(value.settings, '$.settings', [...SETTINGS_FIELDS]);
  expectArray(value.settings.periods, '$.settings.periods', 'bad-response');
  expectArray(value.settings.weekdaysOff, '$.settings.weekdaysOff', 'bad-response');
  expectArray(value.settings.closures, '$.settings.closures', 'bad-response');
  // An older server sends no reasons: the page shows the list empty rather than failing.
  const settings = value.settings;
  if (!Array.isArray(settings.absenceReasons)) settings.absenceReasons = [];
  (settings.absenceReasons as unknown[]).forEach((reason, i) => expectFields(reason, `$.settings.absenceReasons[${i}]`, ['code', 'label']));
}

export function assertSchoolList(value: unknown): asserts value is SchoolList {
  expectFields(value, '$', ['v', 'type', 'current', 'schools']);
  expectReadableVersion(value, '$');
  expectArray(value.schools, '$.schools', 'bad-response');
  value.schools.forEach((school, i) => {
    expectFields(school, `$.schools[${i}]`, ['id', 'name']);
    expectString(school.name, `$.schools[${i}].name`, { max: MAX_NAME }, 'bad-response');
  });
}
