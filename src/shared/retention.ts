/**
 * How long a school keeps its records: wire types for `GET`/`PUT
 * /api/school/retention`, their guards, and the one rule that turns the
 * setting into the first day kept.
 *
 * The server keeps attendance, its audit log and the admin log for a number
 * of school years (the current one counts as one), each starting on the
 * school's chosen day; what is older is deleted. Kiosks and staff browsers
 * keep the check-ins and marks the server refused, for staff to see, for a
 * number of days.
 */
import { expectFields, expectInteger, expectRecord, expectString, fail } from './guard.ts';
import type { ProtocolVersion } from './protocol.ts';
import { expectReadableVersion, expectVersion } from './protocol-guards.ts';

export interface Retention {
  /** School years kept, the current one included: 2 keeps this year and the last. */
  schoolYears: number;
  /** "MM-DD": the first day of each school year. */
  yearStarts: string;
  /** Days a device keeps a check-in or mark the server refused, for staff to see, before deleting it. */
  refusedDays: number;
}

export const DEFAULT_RETENTION: Retention = { schoolYears: 2, yearStarts: '08-01', refusedDays: 30 };
export const RETENTION_LIMITS = { schoolYears: { min: 1, max: 20 }, refusedDays: { min: 7, max: 365 } } as const;

/** `PUT /api/school/retention`. */
export type RetentionInput = Retention & { v: ProtocolVersion };

/** The answer to `GET` and `PUT /api/school/retention`. */
export interface RetentionView {
  v: ProtocolVersion;
  type: 'retention';
  retention: Retention;
  /** YYYY-MM-DD: the first day whose records are kept today. */
  keptFrom: string;
}

const YEAR_START_PATTERN = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const FIELDS = ['schoolYears', 'yearStarts', 'refusedDays'] as const;

/**
 * The first day kept on `today` (the school's local date, YYYY-MM-DD): the
 * start of the school year `schoolYears - 1` years before the current one.
 * A start day the month lacks (02-30) falls on the month's last day.
 */
export function keptFrom(today: string, retention: Pick<Retention, 'schoolYears' | 'yearStarts'>): string {
  const year = Number(today.slice(0, 4));
  const startOf = (y: number): string => {
    const [month, day] = retention.yearStarts.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, month, 0)).getUTCDate();
    return `${String(y).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
  };
  const current = startOf(year) <= today ? year : year - 1;
  return startOf(current - (retention.schoolYears - 1));
}

function checkRetention(value: Record<string, unknown>): asserts value is Record<string, unknown> & Retention {
  expectInteger(value.schoolYears, '$.schoolYears', RETENTION_LIMITS.schoolYears);
  expectString(value.yearStarts, '$.yearStarts', { max: 5 });
  const [month, day] = value.yearStarts.split('-').map(Number);
  if (
    !YEAR_START_PATTERN.test(value.yearStarts) ||
    day === undefined ||
    month === undefined ||
    day > new Date(Date.UTC(2024, month, 0)).getUTCDate()
  )
    fail('invalid-body', '$.yearStarts', 'must be a day of the year, MM-DD');
  expectInteger(value.refusedDays, '$.refusedDays', RETENTION_LIMITS.refusedDays);
}

export function assertRetentionInput(value: unknown): asserts value is RetentionInput {
  expectRecord(value, '$', ['v', ...FIELDS]);
  expectVersion(value, '$');
  checkRetention(value);
}

export function assertRetentionView(value: unknown): asserts value is RetentionView {
  expectFields(value, '$', ['v', 'type', 'retention', 'keptFrom']);
  expectReadableVersion(value, '$');
  if (value.type !== 'retention') fail('bad-response', '$.type', 'must be "retention"');
  expectFields(value.retention, '$.retention', FIELDS);
  expectInteger(value.retention.schoolYears, '$.retention.schoolYears', RETENTION_LIMITS.schoolYears, 'bad-response');
  expectString(value.retention.yearStarts, '$.retention.yearStarts', { max: 5, pattern: YEAR_START_PATTERN }, 'bad-response');
  expectInteger(value.retention.refusedDays, '$.retention.refusedDays', RETENTION_LIMITS.refusedDays, 'bad-response');
  expectString(value.keptFrom, '$.keptFrom', { max: 10 }, 'bad-response');
}
