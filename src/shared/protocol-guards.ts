/** `asserts` guards for every wire type in ./protocol.ts. Data is `unknown` until one of these has passed. */
import { DoorlineError, isErrorCode, OP_ERROR_CODES, type OpErrorCode } from './error-codes.ts';
import { expectArray, expectInteger, expectOneOf, expectRecord, expectString, fail } from './guard.ts';
import { LIMITS } from './limits.ts';
import {
  MARK_KINDS,
  PROTOCOL_VERSION,
  type KioskConfig,
  type MarkAnswer,
  type MarkInput,
  type Op,
  type Outcome,
  type Receipt,
  type Roster,
  type SyncRequest,
  type SyncResponse,
} from './protocol.ts';

/** Crockford base32 ULID. */
export const OP_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** IDs printed on cards and typed at the door: letters, digits and a few separators. */
export const STUDENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** 2000-01-01 to 2100-01-01: anything outside is a broken clock, not a check-in. */
const TIME_RANGE = { min: 946_684_800_000, max: 4_102_444_800_000 };

function expectVersion(value: Record<string, unknown>, path: string): void {
  if (value.v !== PROTOCOL_VERSION) {
    if (typeof value.v === 'number') fail('unsupported-version', `${path}.v`, `version ${value.v} is not supported`);
    fail('invalid-body', `${path}.v`, `must be ${PROTOCOL_VERSION}`);
  }
}

export function assertMarkInput(value: unknown): asserts value is MarkInput {
  expectRecord(value, '$', ['v', 'opId', 'kind', 'kioskId', 'studentId', 'at']);
  expectVersion(value, '$');
  expectString(value.opId, '$.opId', { min: LIMITS.opIdLength, max: LIMITS.opIdLength, pattern: OP_ID_PATTERN });
  expectOneOf(value.kind, '$.kind', MARK_KINDS);
  expectString(value.kioskId, '$.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  expectString(value.studentId, '$.studentId', { max: LIMITS.maxStudentIdLength, pattern: STUDENT_ID_PATTERN });
  expectInteger(value.at, '$.at', TIME_RANGE);
}

/** The parts of an op that identify it. A batch whose identities are broken is refused whole. */
export function assertOpIdentity(value: unknown, path: string): asserts value is Record<string, unknown> & { seq: number; opId: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('invalid-body', path, 'must be an object');
  const op = value as Record<string, unknown>;
  expectInteger(op.seq, `${path}.seq`, { min: 1, max: MAX_SEQ });
  expectString(op.opId, `${path}.opId`, { min: LIMITS.opIdLength, max: LIMITS.opIdLength, pattern: OP_ID_PATTERN });
}

/** The rest of an op; a failure here rejects only this op. */
export function assertOp(value: unknown, path: string): asserts value is Op {
  assertOpIdentity(value, path);
  expectRecord(value, path, ['seq', 'opId', 'kind', 'studentId', 'at']);
  expectOneOf(value.kind, `${path}.kind`, MARK_KINDS);
  expectString(value.studentId, `${path}.studentId`, { max: LIMITS.maxStudentIdLength, pattern: STUDENT_ID_PATTERN });
  expectInteger(value.at, `${path}.at`, TIME_RANGE);
}

/**
 * Checks a sync batch's envelope and every op's identity. Ops are left
 * `unknown` beyond that: the server checks each with `assertOp` and rejects
 * a malformed one alone, so one bad op never blocks a queue.
 */
export function assertSyncRequest(value: unknown): asserts value is Omit<SyncRequest, 'ops'> & { ops: Array<{ seq: number; opId: string }> } {
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

function assertOutcome(value: unknown, path: string): asserts value is Outcome {
  expectRecord(value, path, ['status'], ['code'], 'bad-response');
  expectOneOf(value.status, `${path}.status`, ['applied', 'rejected'], 'bad-response');
  if (value.status === 'rejected') expectOneOf<OpErrorCode>(value.code, `${path}.code`, OP_ERROR_CODES, 'bad-response');
}

function assertReceipt(value: unknown, path: string): asserts value is Receipt {
  expectRecord(value, path, ['seq', 'opId', 'status'], ['code', 'original'], 'bad-response');
  expectInteger(value.seq, `${path}.seq`, { min: 1, max: MAX_SEQ }, 'bad-response');
  expectString(value.opId, `${path}.opId`, { max: 64 }, 'bad-response');
  if (value.status === 'duplicate') assertOutcome(value.original, `${path}.original`);
  else assertOutcome({ status: value.status, ...(value.code === undefined ? {} : { code: value.code }) }, path);
}

/** Checks a server answer before the worker deletes anything because of it. */
export function assertSyncResponse(value: unknown): asserts value is SyncResponse {
  expectRecord(value, '$', ['v', 'type', 'receipts', 'serverTime'], [], 'bad-response');
  if (value.v !== PROTOCOL_VERSION) fail('bad-response', '$.v', `must be ${PROTOCOL_VERSION}`);
  expectOneOf(value.type, '$.type', ['sync-result'], 'bad-response');
  expectInteger(value.serverTime, '$.serverTime', TIME_RANGE, 'bad-response');
  expectArray(value.receipts, '$.receipts', 'bad-response');
  value.receipts.forEach((r, i) => assertReceipt(r, `$.receipts[${i}]`));
}

export function assertMarkAnswer(value: unknown): asserts value is MarkAnswer {
  expectRecord(value, '$', ['v', 'type', 'opId', 'queued', 'studentId', 'student', 'at', 'localTime', 'late'], [], 'bad-response');
  expectOneOf(value.type, '$.type', ['mark-answer'], 'bad-response');
  if (typeof value.queued !== 'boolean' || typeof value.late !== 'boolean') fail('bad-response', '$', 'flags must be booleans');
  if (value.student !== null) expectRecord(value.student, '$.student', ['name', 'homeroom'], [], 'bad-response');
}

export function assertKioskConfig(value: unknown): asserts value is KioskConfig {
  expectRecord(value, '$', ['v', 'type', 'school', 'kiosk', 'rosterVersion'], [], 'bad-response');
  expectOneOf(value.type, '$.type', ['kiosk-config'], 'bad-response');
  expectRecord(value.school, '$.school', ['id', 'name', 'timeZone', 'bellTime'], [], 'bad-response');
  expectRecord(value.kiosk, '$.kiosk', ['id', 'name'], [], 'bad-response');
  expectString(value.rosterVersion, '$.rosterVersion', { max: 128 }, 'bad-response');
}

export function assertRoster(value: unknown): asserts value is Roster {
  expectRecord(value, '$', ['v', 'type', 'version', 'studentIds', 'names', 'homerooms'], [], 'bad-response');
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
