/**
 * Ingest: applies a batch of ops in one transaction and answers one receipt
 * per op. Idempotent on (deviceId, seq) and on opId: an op seen before is
 * answered `duplicate` with the outcome it got the first time, and is never
 * applied twice. A bad op is rejected alone; the ops around it still apply.
 */
import { insertInSlices, selectInSlices } from './db/in-slices.ts';
import type { Transaction, Updateable } from 'kysely';
import { DAY_SESSION, isRollCallKind, type RecordOpKind, type RollCallOpKind } from '../shared/attendance-model.ts';
import { DoorlineError, type OpErrorCode } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import { assertOp, normalizeOp } from '../shared/protocol-guards.ts';
import {
  PROTOCOL_VERSION,
  type MarkInput,
  type Op,
  type Outcome,
  type Receipt,
  type StudentSummary,
  type SyncResponse,
} from '../shared/protocol.ts';
import { toRuns } from '../shared/receipts.ts';
import { isLateFor, localMoment, localMoments } from '../shared/school-time.ts';
import type { Db } from './db/open-database.ts';
import type { StaffRole } from '../shared/account-protocol.ts';
import type { Database, OpsTable, School } from './db/schema.ts';
import { RecordBook, type OpActor, type RecordKey } from './record-book.ts';
import { RollCallBook } from './roll-calls.ts';
import { findSchoolForWriting, latenessRule, reasonLabels, schoolPeriods } from './school-queries.ts';
import { countBatch } from './sync-stats.ts';

type Trx = Transaction<Database>;
type Student = StudentSummary & { id: string };

/** One op as it arrived: identity checked, the rest still unknown. */
interface IncomingOp {
  seq: number | null;
  opId: string;
  raw: unknown;
}

interface Settled {
  receipt: Receipt;
  student: Student | null;
}

function outcomeOf(row: Pick<OpsTable, 'status' | 'code' | 'rule' | 'conflict_id'>): Outcome {
  if (row.status === 'applied') return { status: 'applied' };
  if (row.status === 'merged') return { status: 'merged', rule: row.rule ?? '' };
  if (row.status === 'conflict') return { status: 'conflict', conflictId: row.conflict_id ?? '' };
  return { status: 'rejected', code: (row.code ?? 'invalid-body') as OpErrorCode };
}

const rejected = (code: OpErrorCode): Outcome => ({ status: 'rejected', code });

/**
 * The op id a device's op is stored under. Ops sent by the compact codec carry
 * no ULID; (deviceId, seq) is their identity, so it names them.
 */
function storedOpId(deviceId: string | null, seq: number | null, opId: string | undefined): string {
  if (opId !== undefined) return opId;
  if (deviceId === null || seq === null) throw new DoorlineError('invalid-body', { problem: 'an op without a device needs an opId' });
  return derivedOpId(deviceId, seq);
}

const derivedOpId = (deviceId: string, seq: number): string => `${deviceId}/${seq}`;

/** Applies ops from one device (or from a page posting directly, device null) inside `trx`. */
async function applyOps(
  trx: Trx,
  school: School,
  deviceId: string | null,
  actor: OpActor,
  ops: IncomingOp[],
  clockOffset: number | null,
  now: number,
): Promise<Settled[]> {
  type Seen = Pick<OpsTable, 'op_id' | 'status' | 'code' | 'rule' | 'conflict_id'>;
  const seenColumns = ['op_id', 'status', 'code', 'rule', 'conflict_id'] as const;
  const bySeq = new Map<number, Seen>();
  const seqs = ops.flatMap((op) => (op.seq === null ? [] : [op.seq]));
  if (deviceId !== null && seqs.length > 0) {
    // Asked by (device, seq) alone and kept to this school's rows here: with the school in the query, SQLite
    // (no statistics) walks the school's ops by its received_at index for three seqs or more, a read that grows
    // with every day of history, instead of one look-up per seq in the (device_id, seq) key.
    const rows = await selectInSlices<Seen & { seq: number; school_id: string }>(trx, {
      table: 'ops',
      columns: ['seq', 'school_id', ...seenColumns],
      where: [['device_id', deviceId]],
      in: ['seq', seqs],
    });
    for (const row of rows) if (row.school_id === school.id) bySeq.set(Number(row.seq), row);
  }
  // An op id made from (device, seq) is stored only under that device and seq, so the seq lookup has found it;
  // an op id a device chose (a ULID, never one of those) may have come under another seq or device.
  const chosenIds = ops.flatMap((op) =>
    op.seq !== null && deviceId !== null && op.opId === derivedOpId(deviceId, op.seq) ? [] : [op.opId],
  );
  const byOpId = new Map<string, Seen>();
  const opIdRows = await selectInSlices<Seen>(trx, {
    table: 'ops',
    columns: seenColumns,
    where: [['school_id', school.id]],
    in: ['op_id', chosenIds],
  });
  for (const row of opIdRows) byOpId.set(row.op_id, row);

  const students = await studentsByNumber(trx, school.id, ops);
  // The periods judge lateness only in a period's register; the day's is judged by the bell.
  const periodRegister = ops.some((op) => {
    const session = (op.raw as { session?: unknown }).session;
    return session !== undefined && session !== DAY_SESSION;
  });
  // The school's reasons are read only for a batch that names one.
  const named = ops.some((op) => (op.raw as { reason?: unknown }).reason !== undefined);
  const book = new RecordBook(
    trx,
    school,
    now,
    periodRegister ? await schoolPeriods(trx, school) : [],
    named ? await reasonLabels(trx, school.id) : new Map(),
  );
  const rollCalls = new RollCallBook(trx, school, now);
  const dateOf = localDates(school.time_zone);
  const keyOf = (op: Partial<Op>, student: Student | undefined): RecordKey | null => {
    if (!student || typeof op.at !== 'number' || !Number.isSafeInteger(op.at)) return null;
    const at = correctedTime(op, clockOffset);
    return {
      student_id: student.id,
      student_number: op.studentId ?? '',
      date: dateOf(at),
      session: typeof op.session === 'string' ? op.session : DAY_SESSION,
    };
  };
  // Each op's record, as far as its fields can be read before the op is checked; an op that passes the check
  // has the same fields normalized (normalizeOp fills only a missing session and base), so the same key.
  const keys = ops.map((incoming) => {
    const raw = incoming.raw as Partial<Op>;
    return keyOf(raw, typeof raw.studentId === 'string' ? students.get(raw.studentId) : undefined);
  });
  await book.load(keys.filter((key) => key !== null));
  const settled: Settled[] = [];
  const newRows: OpsTable[] = [];
  for (const [i, incoming] of ops.entries()) {
    const bySeqRow = incoming.seq !== null ? bySeq.get(incoming.seq) : undefined;
    const seen = bySeqRow ?? byOpId.get(incoming.opId);
    if (seen) {
      const receipt: Receipt =
        seen.op_id === incoming.opId ? { status: 'duplicate', original: outcomeOf(seen) } : rejected('op-identity-mismatch');
      settled.push({ receipt, student: null });
      continue;
    }
    let outcome: Outcome;
    let student: Student | null = null;
    let op: Op | null = null;
    try {
      assertOp(incoming.raw, '$');
      op = normalizeOp(incoming.raw);
      student = students.get(op.studentId) ?? null;
      const key = student ? (keys[i] ?? null) : null;
      const at = correctedTime(op, clockOffset);
      if (Math.abs(at - now) > LIMITS.maxClockSkewMs) outcome = rejected('time-out-of-range');
      else if (isRollCallKind(op.kind)) {
        outcome =
          (op.kind === 'roll-call-found' || op.kind === 'roll-call-undo') && !student
            ? rejected('unknown-student')
            : await rollCalls.apply(op as Op & { kind: RollCallOpKind }, at, dateOf(at), actor);
      } else if (!student || !key) outcome = rejected('unknown-student');
      else outcome = await book.apply(key, op as Op & { kind: RecordOpKind }, incoming.opId, at, actor);
    } catch (error) {
      if (!(error instanceof DoorlineError)) throw error;
      outcome = rejected('invalid-body');
    }
    const row = opRow(incoming, op, school.id, deviceId, actor, outcome, clockOffset, now);
    newRows.push(row);
    if (incoming.seq !== null) bySeq.set(incoming.seq, row);
    byOpId.set(incoming.opId, row);
    settled.push({ receipt: outcome, student });
  }
  await book.flush();
  await insertInSlices(trx, 'ops', newRows, OPS_COLUMNS);
  return settled;
}

const MINUTE_MS = 60_000;

/**
 * The school's date at a moment, for many moments (a batch's ops, often
 * seconds apart): a minute whose first and last millisecond fall on one date
 * is on that date throughout, so its date is worked out once.
 */
export function localDates(timeZone: string): (epochMs: number) => string {
  const local = localMoments(timeZone);
  const byMinute = new Map<number, string | null>();
  return (epochMs) => {
    const minute = Math.floor(epochMs / MINUTE_MS);
    let date = byMinute.get(minute);
    if (date === undefined) {
      const first = local(minute * MINUTE_MS).date;
      date = first === local((minute + 1) * MINUTE_MS - 1).date ? first : null;
      byMinute.set(minute, date);
    }
    return date ?? local(epochMs).date;
  };
}

/**
 * The op's time on the server's clock: the device's own time plus the offset
 * the device measured at its last sync, or else the offset measured on this
 * batch (the device's clock as it sent, against ours as it arrived).
 */
function correctedTime(op: Partial<Pick<Op, 'at' | 'offset'>>, batchOffset: number | null): number {
  return (op.at ?? 0) + (op.offset ?? batchOffset ?? 0);
}

async function studentsByNumber(trx: Trx, schoolId: string, ops: IncomingOp[]): Promise<Map<string, Student>> {
  const numbers = new Set<string>();
  for (const op of ops) {
    const id = (op.raw as { studentId?: unknown }).studentId;
    if (typeof id === 'string' && id.length <= LIMITS.maxStudentIdLength) numbers.add(id);
  }
  const rows = await selectInSlices<{ id: string; student_number: string; name: string; homeroom: string }>(trx, {
    table: 'students',
    columns: ['id', 'student_number', 'name', 'homeroom'],
    where: [['school_id', schoolId]],
    in: ['student_number', [...numbers]],
  });
  return new Map(rows.map((row) => [row.student_number, { id: row.id, name: row.name, homeroom: row.homeroom }]));
}

/** Every column opRow fills. */
const OPS_COLUMNS = [
  'op_id',
  'device_id',
  'seq',
  'school_id',
  'kind',
  'student_number',
  'device_time',
  'received_at',
  'status',
  'code',
  'session',
  'mark_status',
  'note_text',
  'base_version',
  'actor_kind',
  'actor_id',
  'corrected_time',
  'clock_offset',
  'rule',
  'conflict_id',
  'reason',
] as const satisfies ReadonlyArray<keyof OpsTable>;

/** What is stored of an op, valid or not, so that a replay finds its first outcome. */
function opRow(
  incoming: IncomingOp,
  op: Op | null,
  schoolId: string,
  deviceId: string | null,
  actor: OpActor,
  outcome: Outcome,
  clockOffset: number | null,
  now: number,
): OpsTable {
  const raw = (op ?? incoming.raw) as Partial<Op>;
  const text = (value: unknown, max: number): string => (typeof value === 'string' ? value.slice(0, max) : '');
  return {
    op_id: incoming.opId,
    device_id: deviceId,
    seq: incoming.seq,
    school_id: schoolId,
    kind: text(raw.kind, 32),
    student_number: text(raw.studentId, LIMITS.maxStudentIdLength),
    device_time: typeof raw.at === 'number' && Number.isSafeInteger(raw.at) ? raw.at : 0,
    received_at: now,
    status: outcome.status,
    code: outcome.status === 'rejected' ? outcome.code : null,
    session: op?.session ?? DAY_SESSION,
    mark_status: op?.status ?? null,
    note_text: op?.text ?? null,
    base_version: op?.base ?? 0,
    actor_kind: actor.kind,
    actor_id: actor.id,
    corrected_time: op ? correctedTime(op, clockOffset) : null,
    clock_offset: op ? (op.offset ?? clockOffset) : null,
    rule: outcome.status === 'merged' ? outcome.rule : null,
    conflict_id: outcome.status === 'conflict' ? outcome.conflictId : null,
    reason: op?.reason ?? null,
  };
}

/**
 * Who sends a batch: a paired kiosk (its token), a person's browser (their
 * session), or the office importing a revoked kiosk's queue file.
 */
export type Sender =
  | { kind: 'kiosk'; schoolId: string; deviceId: string; kioskId: string; name: string }
  | { kind: 'staff'; schoolId: string; deviceId: string | null; staffId: string; role: StaffRole; name: string }
  | { kind: 'import'; schoolId: string; deviceId: string; kioskId: string | null; actorId: string; name: string; importedBy: string };

/** What a device says about itself at each sync, for the admin's device list. */
export interface DeviceReport {
  appVersion?: string;
  /** What it still holds once this request is through (sync-headers.ts QUEUE_HEADER). */
  queueDepth?: number;
  oldestWaitingAt?: number;
  /** Sent with a batch only; a pull leaves the last batch's in place. */
  health?: DeviceHealth;
}

export interface DeviceHealth {
  linkScore: number;
  linkLabel: 'good' | 'fair' | 'poor' | 'offline';
  storageFree: number | null;
  /** "code@epoch ms", newest first, as the device sent them. */
  failures: string[];
}

export interface SyncBatch {
  deviceId: string;
  ops: Array<{ seq: number; opId?: string }>;
}

function actorOf(sender: Sender): OpActor {
  if (sender.kind === 'staff') return { kind: sender.role, id: sender.staffId, name: sender.name, deviceId: sender.deviceId };
  // A kiosk's ops are the door's, also when the office imports them from a file; the audit names who imported.
  if (sender.kind === 'import')
    return { kind: 'door', id: sender.deviceId, name: `${sender.name} (imported by ${sender.importedBy})`, deviceId: sender.deviceId };
  return { kind: 'door', id: sender.deviceId, name: sender.name, deviceId: sender.deviceId };
}

/** A paired kiosk's visit without a batch (a change-feed pull): when it was seen, and its report. */
export async function noteVisit(db: Db, deviceId: string, report: DeviceReport, now: number): Promise<void> {
  await db
    .updateTable('devices')
    .set({ last_seen_at: now, ...reportColumns(report) })
    .where('id', '=', deviceId)
    .execute();
}

type ReportColumns = Pick<
  Updateable<Database['devices']>,
  'app_version' | 'queue_depth' | 'oldest_waiting_at' | 'link_score' | 'link_label' | 'storage_free' | 'recent_failures'
>;

/** The device's report as columns; an empty queue has no oldest op. */
function reportColumns(report: DeviceReport): ReportColumns {
  const health = report.health;
  return {
    ...(report.appVersion !== undefined ? { app_version: report.appVersion } : {}),
    ...(report.queueDepth !== undefined
      ? { queue_depth: report.queueDepth, oldest_waiting_at: report.queueDepth === 0 ? null : (report.oldestWaitingAt ?? null) }
      : {}),
    ...(health
      ? {
          link_score: health.linkScore,
          link_label: health.linkLabel,
          storage_free: health.storageFree,
          recent_failures: health.failures.join(','),
        }
      : {}),
  };
}

/** Records the device's visit; refuses a device id that belongs to someone else (another person, kind or school). */
async function noteDevice(trx: Trx, sender: Sender, deviceId: string, maxSeq: number, report: DeviceReport, now: number): Promise<void> {
  const device = await trx
    .selectFrom('devices')
    .select(['school_id', 'kind', 'last_seq', 'staff_id'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  const lastSeq = Math.max(Number(device?.last_seq ?? 0), maxSeq);
  const reported = reportColumns(report);
  if (sender.kind === 'staff') {
    if (device && device.kind !== 'staff') throw new DoorlineError('device-unauthorized', { deviceId });
    // A staff device id belongs to the first person who sent under it; someone else's ops under it are refused
    // before any is applied. Another school's device answers the same, so it says nothing of that school.
    if (device && (device.school_id !== sender.schoolId || (device.staff_id !== null && device.staff_id !== sender.staffId)))
      throw new DoorlineError('device-taken', { deviceId });
    if (!device) {
      await trx
        .insertInto('devices')
        .values({
          id: deviceId,
          school_id: sender.schoolId,
          kiosk_id: null,
          kind: 'staff',
          first_seen_at: now,
          last_seen_at: now,
          last_seq: lastSeq,
          staff_id: sender.staffId,
          ...reported,
        })
        .execute();
      return;
    }
    await trx
      .updateTable('devices')
      .set({ last_seen_at: now, last_seq: lastSeq, staff_id: sender.staffId, ...reported })
      .where('id', '=', deviceId)
      .execute();
    return;
  }
  // Kiosks are known: the token (or the importing office) already found this device in this school.
  if (!device || device.school_id !== sender.schoolId) throw new DoorlineError('device-not-found', { deviceId });
  const visit = sender.kind === 'kiosk' ? { last_seen_at: now, ...reported } : {};
  await trx
    .updateTable('devices')
    .set({ last_seq: lastSeq, ...visit })
    .where('id', '=', deviceId)
    .execute();
}

/**
 * A long batch (a kiosk's backlog) is applied in slices of
 * OPS_PER_TRANSACTION, each committed on its own, with the event loop free
 * between them: another school's kiosk, a health check or the office's
 * screens wait for one slice, not for the whole batch. A batch cut off
 * between slices loses nothing: its receipts were never sent, so the device
 * sends it again, and the ops already stored are answered `duplicate` with
 * their first outcome (their op id and seq are stored with them).
 *
 * On the stall bench (2,000-op batches) slices of 600 left another school's
 * kiosk at 1.6 s p95 and slices of 200 at 34-136 ms. But each commit writes
 * the same hot index pages to the WAL again: a 600-op batch in three
 * transactions ran at about half the rate of one on the ingest bench. So a
 * batch up to a school's morning (WHOLE_BATCH_OPS) stays one transaction.
 */
export const OPS_PER_TRANSACTION = 200;
export const WHOLE_BATCH_OPS = 600;

const eventLoopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `POST /api/sync`: a device's batch, in one transaction or a slice at a time (see above), receipts in batch order. */
/** `clockOffset`: ours minus the device's clock as it sent the batch, for ops that carry no offset of their own. */
/** `bytes`: the body as it came over the wire, for the device's statistics (device_stats). */
export async function ingestBatch(
  db: Db,
  sender: Sender,
  batch: SyncBatch,
  report: DeviceReport = {},
  now = Date.now(),
  clockOffset: number | null = null,
  bytes = 0,
): Promise<SyncResponse> {
  if (sender.deviceId !== null && sender.deviceId !== batch.deviceId)
    throw new DoorlineError('device-unauthorized', { deviceId: batch.deviceId, problem: 'the batch names another device' });
  const incoming = batch.ops.map((op) => ({ seq: op.seq, opId: storedOpId(batch.deviceId, op.seq, op.opId), raw: op }));
  const actor = { ...actorOf(sender), deviceId: batch.deviceId };
  const receipts: Receipt[] = [];
  // An empty batch still records the device's visit.
  const sliceLength = incoming.length <= WHOLE_BATCH_OPS ? WHOLE_BATCH_OPS : OPS_PER_TRANSACTION;
  for (let start = 0; start < incoming.length || start === 0; start += sliceLength) {
    if (start > 0) await eventLoopTurn();
    const slice = incoming.slice(start, start + sliceLength);
    const settled = await db.transaction().execute(async (trx) => {
      const school = await findSchoolForWriting(trx, sender.schoolId);
      // The highest seq stored so far: a batch cut off after this slice has sent no more than this.
      const maxSeq = slice.reduce((max, op) => Math.max(max, op.seq ?? 0), 0);
      await noteDevice(trx, sender, batch.deviceId, maxSeq, report, now);
      const applied = await applyOps(trx, school, batch.deviceId, actor, slice, clockOffset, now);
      // One upsert per transaction, not per op; the body's bytes go with the first slice.
      await countBatch(trx, {
        schoolId: school.id,
        date: localMoment(now, school.time_zone).date,
        deviceId: batch.deviceId,
        receipts: applied.map((s) => s.receipt),
        bytes: start === 0 ? bytes : 0,
      });
      return applied;
    });
    for (const s of settled) receipts.push(s.receipt);
  }
  return { v: PROTOCOL_VERSION, type: 'sync-result', receipts: toRuns(receipts), serverTime: now };
}

export interface DirectMarkResult {
  outcome: Outcome;
  duplicate: boolean;
  student: StudentSummary | null;
  localTime: string;
  late: boolean;
}

/**
 * `POST /api/marks` reaching the server itself (no worker controls the page
 * yet): the same ingest, keyed by the page's opId.
 */
export async function ingestDirectMark(db: Db, sender: Sender, input: MarkInput, now = Date.now()): Promise<DirectMarkResult> {
  return db.transaction().execute(async (trx) => {
    const school = await findSchoolForWriting(trx, sender.schoolId);
    const { v: _v, kioskId: _kiosk, ...fields } = input;
    const op: Op = normalizeOp({ ...fields, seq: 1 });
    // A page posting straight to the server does so the moment the mark is made: our clock is its time.
    const offset = input.offset ?? now - input.at;
    const [settled] = (await applyOps(
      trx,
      school,
      null,
      { ...actorOf(sender), deviceId: null },
      [{ seq: null, opId: input.opId, raw: op }],
      offset,
      now,
    )) as [Settled];
    const student = settled.student ?? (await findStudent(trx, school.id, input.studentId));
    const duplicate = settled.receipt.status === 'duplicate';
    return {
      outcome: settled.receipt.status === 'duplicate' ? settled.receipt.original : settled.receipt,
      duplicate,
      student: student ? { name: student.name, homeroom: student.homeroom } : null,
      localTime: localMoment(input.at + offset, school.time_zone).time,
      late: isLateFor(input.at + offset, latenessRule(school, await schoolPeriods(trx, school)), op.session),
    };
  });
}

async function findStudent(trx: Trx, schoolId: string, studentNumber: string) {
  return trx
    .selectFrom('students')
    .select(['name', 'homeroom'])
    .where('school_id', '=', schoolId)
    .where('student_number', '=', studentNumber)
    .executeTakeFirst();
}
