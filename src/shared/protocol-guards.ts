/** `asserts` guards for every wire type in ./protocol.ts. Data is `unknown` until one of these has passed. */
import { ATTENDANCE_STATUSES, DAY_SESSION, OP_KINDS, withoutStudent, type AttendanceStatus } from './attendance-model.ts';
import { DoorlineError, isErrorCode, OP_ERROR_CODES, type OpErrorCode } from './error-codes.ts';
import { expectArray, expectFields, expectInteger, expectOneOf, expectRecord, expectString, fail } from './guard.ts';
import { LIMITS } from './limits.ts';
import { CHECK_OUT_REASONS, REASON_CODE_PATTERN, REASON_STATUSES } from './reasons.ts';
import {
  OLDEST_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type KioskConfig,
  type MarkAnswer,
  type MarkInput,
  type Op,
  type Outcome,
  type ReceiptRun,
  type Roster,
  type SchoolInfo,
  type SyncRequest,
  type SyncResponse,
} from './protocol.ts';

/** Crockford base32 ULID. */
export const OP_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** IDs printed on cards and typed at the door: letters, digits and a few separators. */
export const STUDENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
/** "day", or a period's name such as "P3" or "Maths 2". */
export const SESSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const MAX_VERSION = Number.MAX_SAFE_INTEGER;
/** 2100-01-01, epoch ms: no time Doorline reads or writes is later. */
export const LATEST_TIME = 4_102_444_800_000;
/** 2000-01-01 to 2100-01-01: anything outside is a broken clock, not a check-in. */
export const TIME_RANGE = { min: 946_684_800_000, max: LATEST_TIME };
/** Letters, digits and `.+-`, as a release's version is written ("0.2.0", "0.3.0-rc.1"). */
export const APP_VERSION_PATTERN = /^[0-9A-Za-z.+-]{1,40}$/;

/**
 * The version of a request. A device older than the oldest version the server
 * takes is told to update (`update-required`); one newer than the server is
 * told the server does not speak its version yet (`unsupported-version`).
 */
export function expectVersion(value: Record<string, unknown>, path: string): void {
  const { v } = value;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail('invalid-body', `${path}.v`, `must be ${PROTOCOL_VERSION}`);
  if (v < OLDEST_PROTOCOL_VERSION)
    fail('update-required', `${path}.v`, `version ${v} is older than ${OLDEST_PROTOCOL_VERSION}, the oldest this server takes`);
  if (v > PROTOCOL_VERSION) fail('unsupported-version', `${path}.v`, `version ${v} is not supported`);
}

/**
 * The version of something a peer sent us. A newer version is a breaking
 * change this code cannot read: the device needs an update, and retrying
 * will not help.
 */
export function expectReadableVersion(value: Record<string, unknown>, path: string): void {
  if (value.v === PROTOCOL_VERSION) return;
  if (typeof value.v === 'number' && value.v > PROTOCOL_VERSION)
    fail('update-required', `${path}.v`, `version ${value.v} is newer than ${PROTOCOL_VERSION}`);
  fail('bad-response', `${path}.v`, `must be ${PROTOCOL_VERSION}`);
}

const OP_FIELDS = ['kind', 'studentId', 'at'] as const;
const OPTIONAL_OP_FIELDS = ['session', 'status', 'text', 'reason', 'base', 'offset'] as const;
/**
 * Workers up to 0.2 stamped each op with a hybrid logical clock that nothing
 * ever read; their queues still carry it, so it is checked and ignored.
 */
const LEGACY_OP_FIELDS = ['hlc'] as const;
/** A device clock may be wrong by this much and still be corrected (a year either way). */
export const MAX_CLOCK_OFFSET_MS = 366 * 24 * 60 * 60 * 1000;
/** An older worker's logical clock reading: 15 digits of ms, a colon, 4 digits of counter. */
const HLC_PATTERN = /^[0-9]{15}:[0-9]{4}$/;

/** The fields every op shares, wherever it comes from; `status` and `text` go with their kinds only. */
function checkOpFields(value: Record<string, unknown>, path: string): void {
  expectOneOf(value.kind, `${path}.kind`, OP_KINDS);
  // A roll call's start and end name no student; every other op names one.
  if (withoutStudent(value.kind)) expectString(value.studentId, `${path}.studentId`, { min: 0, max: 0 });
  else expectString(value.studentId, `${path}.studentId`, { max: LIMITS.maxStudentIdLength, pattern: STUDENT_ID_PATTERN });
  expectInteger(value.at, `${path}.at`, TIME_RANGE);
  if (value.session !== undefined)
    expectString(value.session, `${path}.session`, { max: LIMITS.maxSessionLength, pattern: SESSION_PATTERN });
  if (value.base !== undefined) expectInteger(value.base, `${path}.base`, { min: 0, max: MAX_VERSION });
  if (value.offset !== undefined) expectInteger(value.offset, `${path}.offset`, { min: -MAX_CLOCK_OFFSET_MS, max: MAX_CLOCK_OFFSET_MS });
  if (value.hlc !== undefined) expectString(value.hlc, `${path}.hlc`, { min: 20, max: 20, pattern: HLC_PATTERN });
  if (value.kind === 'status') expectOneOf(value.status, `${path}.status`, ATTENDANCE_STATUSES);
  else if (value.status !== undefined) fail('invalid-body', `${path}.status`, 'goes only with kind "status"');
  if (value.kind === 'note') expectString(value.text, `${path}.text`, { max: LIMITS.maxNoteLength });
  else if (value.text !== undefined) fail('invalid-body', `${path}.text`, 'goes only with kind "note"');
  // Whether a status's reason is on the school's list is the server's to say (`unknown-reason`).
  if (value.reason !== undefined) {
    const at = `${path}.reason`;
    expectString(value.reason, at, { max: LIMITS.maxReasonLength, pattern: REASON_CODE_PATTERN });
    if (value.kind === 'check-out') expectOneOf(value.reason, at, CHECK_OUT_REASONS);
    else if (!REASON_STATUSES.includes(value.status as AttendanceStatus))
      fail('invalid-body', at, 'goes only with an absent or excused status, or a check-out');
  }
}

export function assertMarkInput(value: unknown): asserts value is MarkInput {
  expectRecord(value, '$', ['v', 'opId', ...OP_FIELDS], ['kioskId', ...OPTIONAL_OP_FIELDS]);
  expectVersion(value, '$');
  expectString(value.opId, '$.opId', { min: LIMITS.opIdLength, max: LIMITS.opIdLength, pattern: OP_ID_PATTERN });
  if (value.kioskId !== undefined) expectString(value.kioskId, '$.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  checkOpFields(value, '$');
}

/** An op with its defaults filled in: session "day", base 0. */
export function normalizeOp<T extends { session?: string; base?: number }>(op: T): T & { session: string; base: number } {
  return { ...op, session: op.session ?? DAY_SESSION, base: op.base ?? 0 };
}

/** The parts of an op that identify it. A batch whose identities are broken is refused whole. */
function assertOpIdentity(value: unknown, path: string): asserts value is Record<string, unknown> & { seq: number; opId?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('invalid-body', path, 'must be an object');
  const op = value as Record<string, unknown>;
  expectInteger(op.seq, `${path}.seq`, { min: 1, max: MAX_SEQ });
  if (op.opId !== undefined)
    expectString(op.opId, `${path}.opId`, { min: LIMITS.opIdLength, max: LIMITS.opIdLength, pattern: OP_ID_PATTERN });
}

/** The rest of an op; a failure here rejects only this op. */
export function assertOp(value: unknown, path: string): asserts value is Op {
  assertOpIdentity(value, path);
  expectRecord(value, path, ['seq', ...OP_FIELDS], ['opId', ...OPTIONAL_OP_FIELDS, ...LEGACY_OP_FIELDS]);
  checkOpFields(value, path);
}

/**
 * Checks a sync batch's envelope and every op's identity. Ops are left
 * `unknown` beyond that: the server checks each with `assertOp` and rejects
 * a malformed one alone, so one bad op never blocks a queue.
 */
export function assertSyncRequest(
  value: unknown,
): asserts value is Omit<SyncRequest, 'ops'> & { ops: Array<{ seq: number; opId?: string }> } {
  expectRecord(value, '$', ['v', 'type', 'deviceId', 'kioskId', 'ops']);
  expectVersion(value, '$');
  expectOneOf(value.type, '$.type', ['sync']);
  expectString(value.deviceId, '$.deviceId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  expectString(value.kioskId, '$.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  expectArray(value.ops, '$.ops');
  if (value.ops.length > LIMITS.maxOpsPerBatch) {
    throw new DoorlineError('too-many-ops', { max: LIMITS.maxOpsPerBatch, got: value.ops.length });
  }
  const seqs = new Set<number>();
  value.ops.forEach((op, i) => {
    assertOpIdentity(op, `$.ops[${i}]`);
    if (seqs.has(op.seq)) fail('invalid-body', `$.ops[${i}].seq`, 'is repeated in this batch');
    seqs.add(op.seq);
  });
}

const OUTCOME_FIELDS = { applied: [], rejected: ['code'], merged: ['rule'], conflict: ['conflictId'] } as const;

function assertOutcome(value: unknown, path: string): asserts value is Outcome {
  expectFields(value, path, ['status']);
  expectOneOf(value.status, `${path}.status`, ['applied', 'rejected', 'merged', 'conflict'] as const, 'bad-response');
  expectFields(value, path, OUTCOME_FIELDS[value.status]);
  if (value.status === 'rejected') expectOneOf<OpErrorCode>(value.code, `${path}.code`, OP_ERROR_CODES, 'bad-response');
  if (value.status === 'merged') expectString(value.rule, `${path}.rule`, { max: 64 }, 'bad-response');
  if (value.status === 'conflict') expectString(value.conflictId, `${path}.conflictId`, { max: 64 }, 'bad-response');
}

function assertReceiptRun(value: unknown, path: string): asserts value is ReceiptRun {
  expectFields(value, path, ['n', 'status']);
  expectInteger(value.n, `${path}.n`, { min: 1, max: LIMITS.maxOpsPerBatch }, 'bad-response');
  if (value.status === 'duplicate') assertOutcome(value.original, `${path}.original`);
  else assertOutcome(value, path);
}

/**
 * Checks a server answer before the worker deletes anything because of it.
 * Fields a newer server adds are ignored; a newer protocol version is not.
 */
export function assertSyncResponse(value: unknown): asserts value is SyncResponse {
  expectFields(value, '$', ['v', 'type', 'receipts', 'serverTime']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['sync-result'], 'bad-response');
  expectInteger(value.serverTime, '$.serverTime', TIME_RANGE, 'bad-response');
  expectArray(value.receipts, '$.receipts', 'bad-response');
  value.receipts.forEach((r, i) => assertReceiptRun(r, `$.receipts[${i}]`));
}

/** The worker's (or the server's) answer to a mark, as the page reads it. */
export function assertMarkAnswer(value: unknown): asserts value is MarkAnswer {
  expectFields(value, '$', ['v', 'type', 'opId', 'queued', 'studentId', 'student', 'at', 'localTime', 'late']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['mark-answer'], 'bad-response');
  if (typeof value.queued !== 'boolean' || typeof value.late !== 'boolean') fail('bad-response', '$', 'flags must be booleans');
  if (value.student !== null) expectFields(value.student, '$.student', ['name', 'homeroom']);
}

export function assertKioskConfig(value: unknown): asserts value is KioskConfig {
  expectFields(value, '$', ['v', 'type', 'school', 'kiosk', 'rosterVersion', 'syncLimits']);
  expectReadableVersion(value, '$');
  expectFields(value.syncLimits, '$.syncLimits', ['maxBodyBytes', 'maxOps']);
  expectInteger(value.syncLimits.maxBodyBytes, '$.syncLimits.maxBodyBytes', { min: 1024, max: 1024 ** 3 }, 'bad-response');
  expectInteger(value.syncLimits.maxOps, '$.syncLimits.maxOps', { min: 1, max: 1_000_000 }, 'bad-response');
  expectOneOf(value.type, '$.type', ['kiosk-config'], 'bad-response');
  assertSchoolInfo(value.school, '$.school');
  if (value.kiosk !== null) {
    expectFields(value.kiosk, '$.kiosk', ['id', 'name']);
    // A mode a newer server adds is read as the keyboard, which every kiosk has (see kiosk.ts).
    if (value.kiosk.scanMode !== undefined) expectString(value.kiosk.scanMode, '$.kiosk.scanMode', { max: 32 }, 'bad-response');
    if (value.kiosk.direction !== undefined) expectString(value.kiosk.direction, '$.kiosk.direction', { max: 32 }, 'bad-response');
  }
  expectString(value.rosterVersion, '$.rosterVersion', { max: 128 }, 'bad-response');
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A school as a server describes it. The fields school set-up added are
 * optional (an older server sends none), but a device acts on them, so when
 * present they must be what it can use.
 */
export function assertSchoolInfo(value: unknown, path: string): asserts value is SchoolInfo {
  expectFields(value, path, ['id', 'name', 'timeZone', 'bellTime']);
  expectString(value.timeZone, `${path}.timeZone`, { max: 100 }, 'bad-response');
  expectString(value.bellTime, `${path}.bellTime`, { max: 5, pattern: CLOCK_TIME }, 'bad-response');
  if (value.dayStart !== undefined) expectString(value.dayStart, `${path}.dayStart`, { max: 5, pattern: CLOCK_TIME }, 'bad-response');
  if (value.lateGraceMinutes !== undefined)
    expectInteger(value.lateGraceMinutes, `${path}.lateGraceMinutes`, { min: 0, max: 24 * 60 }, 'bad-response');
  if (value.settingsVersion !== undefined)
    expectInteger(value.settingsVersion, `${path}.settingsVersion`, { min: 0, max: MAX_VERSION }, 'bad-response');
  if (value.keepRefusedDays !== undefined)
    expectInteger(value.keepRefusedDays, `${path}.keepRefusedDays`, { min: 1, max: 3650 }, 'bad-response');
  if (value.absenceReasons !== undefined) {
    expectArray(value.absenceReasons, `${path}.absenceReasons`, 'bad-response');
    value.absenceReasons.forEach((reason, i) => {
      expectFields(reason, `${path}.absenceReasons[${i}]`, ['code', 'label']);
      expectString(reason.code, `${path}.absenceReasons[${i}].code`, { max: LIMITS.maxReasonLength }, 'bad-response');
      expectString(reason.label, `${path}.absenceReasons[${i}].label`, { max: 200 }, 'bad-response');
    });
  }
  if (value.periods !== undefined) {
    expectArray(value.periods, `${path}.periods`, 'bad-response');
    value.periods.forEach((period, i) => {
      const at = `${path}.periods[${i}]`;
      expectFields(period, at, ['name', 'startsAt', 'endsAt']);
      expectString(period.name, `${at}.name`, { max: LIMITS.maxSessionLength, pattern: SESSION_PATTERN }, 'bad-response');
      expectString(period.startsAt, `${at}.startsAt`, { max: 5, pattern: CLOCK_TIME }, 'bad-response');
      expectString(period.endsAt, `${at}.endsAt`, { max: 5, pattern: CLOCK_TIME }, 'bad-response');
    });
  }
  if (value.weekdaysOff !== undefined) {
    expectArray(value.weekdaysOff, `${path}.weekdaysOff`, 'bad-response');
    value.weekdaysOff.forEach((day, i) => expectInteger(day, `${path}.weekdaysOff[${i}]`, { min: 1, max: 7 }, 'bad-response'));
  }
  if (value.closures !== undefined) {
    expectArray(value.closures, `${path}.closures`, 'bad-response');
    value.closures.forEach((closure, i) => {
      const at = `${path}.closures[${i}]`;
      expectFields(closure, at, ['firstDay', 'lastDay']);
      expectString(closure.firstDay, `${at}.firstDay`, { max: 10, pattern: DAY }, 'bad-response');
      expectString(closure.lastDay, `${at}.lastDay`, { max: 10, pattern: DAY }, 'bad-response');
    });
  }
}

export function assertRoster(value: unknown): asserts value is Roster {
  expectFields(value, '$', ['v', 'type', 'version', 'studentIds', 'names', 'homerooms']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['roster'], 'bad-response');
  expectArray(value.studentIds, '$.studentIds', 'bad-response');
  expectArray(value.names, '$.names', 'bad-response');
  expectArray(value.homerooms, '$.homerooms', 'bad-response');
  const n = value.studentIds.length;
  if (value.names.length !== n || value.homerooms.length !== n) fail('bad-response', '$', 'columns differ in length');
}

/** The error code inside an error response body, if it has one we know. */
export function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return isErrorCode(code) ? code : undefined;
}
