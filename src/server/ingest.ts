/**
 * Ingest: applies a batch of ops in one transaction and answers one receipt
 * per op. Idempotent on (deviceId, seq) and on opId: an op seen before is
 * answered `duplicate` with the outcome it got the first time, and is never
 * applied twice. A bad op is rejected alone; the ops around it still apply.
 */
import { DoorlineError, type OpErrorCode } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import { assertOp } from '../shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type MarkInput, type Op, type Outcome, type Receipt, type StudentSummary, type SyncResponse } from '../shared/protocol.ts';
import { isLate, localMoment } from '../shared/school-time.ts';
import type { Db } from './db/open-database.ts';
import type { Database, OpsTable, School } from './db/schema.ts';
import type { Transaction } from 'kysely';
import { findKiosk } from './school-queries.ts';

type Trx = Transaction<Database>;

/** One op as it arrived: identity checked, the rest still unknown. */
interface IncomingOp {
  seq: number | null;
  opId: string;
  raw: unknown;
}

interface Settled {
  outcome: Outcome;
  duplicate: boolean;
  student: (StudentSummary & { id: string }) | null;
  op: Op | null;
}

/** Lists larger than this are queried in slices, well under SQLite's bound-variable limit. */
const IN_LIST_SLICE = 500;

async function inSlices<T, R>(items: readonly T[], run: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += IN_LIST_SLICE) out.push(...(await run(items.slice(i, i + IN_LIST_SLICE))));
  return out;
}

function outcomeOf(row: Pick<OpsTable, 'status' | 'code'>): Outcome {
  return row.status === 'applied' ? { status: 'applied' } : { status: 'rejected', code: (row.code ?? 'invalid-body') as OpErrorCode };
}

function rejected(code: OpErrorCode): Outcome {
  return { status: 'rejected', code };
}

/** Applies ops from one device (or from a page posting directly, device null) inside `trx`. */
async function applyOps(trx: Trx, school: School, deviceId: string | null, ops: IncomingOp[], now: number): Promise<Settled[]> {
  const seqs = ops.flatMap((op) => (op.seq === null ? [] : [op.seq]));
  const bySeq = new Map<number, Pick<OpsTable, 'op_id' | 'status' | 'code'>>();
  if (deviceId !== null && seqs.length > 0) {
    const rows = await inSlices(seqs, (slice) =>
      trx.selectFrom('ops').select(['seq', 'op_id', 'status', 'code']).where('device_id', '=', deviceId).where('seq', 'in', slice).execute(),
    );
    for (const row of rows) bySeq.set(Number(row.seq), row);
  }
  const byOpId = new Map<string, Pick<OpsTable, 'status' | 'code'>>();
  const opIdRows = await inSlices(
    ops.map((op) => op.opId),
    (slice) => trx.selectFrom('ops').select(['op_id', 'status', 'code']).where('op_id', 'in', slice).execute(),
  );
  for (const row of opIdRows) byOpId.set(row.op_id, row);

  const numbers = new Set<string>();
  for (const op of ops) {
    const id = (op.raw as { studentId?: unknown }).studentId;
    if (typeof id === 'string' && id.length <= LIMITS.maxStudentIdLength) numbers.add(id);
  }
  const students = new Map<string, StudentSummary & { id: string }>();
  const studentRows = await inSlices([...numbers], (slice) =>
    trx
      .selectFrom('students')
      .select(['id', 'student_number', 'name', 'homeroom'])
      .where('school_id', '=', school.id)
      .where('student_number', 'in', slice)
      .execute(),
  );
  for (const row of studentRows) students.set(row.student_number, { id: row.id, name: row.name, homeroom: row.homeroom });

  const settled: Settled[] = [];
  const newRows: OpsTable[] = [];
  for (const incoming of ops) {
    const seen = (incoming.seq !== null ? bySeq.get(incoming.seq) : undefined) ?? byOpId.get(incoming.opId);
    if (seen) {
      const sameOp = !('op_id' in seen) || seen.op_id === incoming.opId;
      settled.push(
        sameOp
          ? { outcome: outcomeOf(seen), duplicate: true, student: null, op: null }
          : { outcome: rejected('op-identity-mismatch'), duplicate: false, student: null, op: null },
      );
      continue;
    }
    let outcome: Outcome;
    let student: (StudentSummary & { id: string }) | null = null;
    let op: Op | null = null;
    try {
      assertOp(incoming.raw, '$');
      op = incoming.raw;
      student = students.get(op.studentId) ?? null;
      if (Math.abs(op.at - now) > LIMITS.maxClockSkewMs) outcome = rejected('time-out-of-range');
      else if (!student) outcome = rejected('unknown-student');
      else {
        await applyCheckIn(trx, school, student.id, op, now);
        outcome = { status: 'applied' };
      }
    } catch (error) {
      if (!(error instanceof DoorlineError)) throw error;
      outcome = rejected('invalid-body');
    }
    const raw = incoming.raw as Partial<Op>;
    const row: OpsTable = {
      op_id: incoming.opId,
      device_id: deviceId,
      seq: incoming.seq,
      school_id: school.id,
      kind: typeof raw.kind === 'string' ? raw.kind.slice(0, 32) : '',
      student_number: typeof raw.studentId === 'string' ? raw.studentId.slice(0, LIMITS.maxStudentIdLength) : '',
      device_time: typeof raw.at === 'number' && Number.isSafeInteger(raw.at) ? raw.at : 0,
      received_at: now,
      status: outcome.status,
      code: outcome.status === 'rejected' ? outcome.code : null,
    };
    newRows.push(row);
    if (incoming.seq !== null) bySeq.set(incoming.seq, row);
    byOpId.set(incoming.opId, row);
    settled.push({ outcome, duplicate: false, student, op });
  }
  for (let i = 0; i < newRows.length; i += 50) {
    await trx.insertInto('ops').values(newRows.slice(i, i + 50)).execute();
  }
  return settled;
}

/** A check-in makes the student present (or late) for the day; the earliest check-in wins. */
async function applyCheckIn(trx: Trx, school: School, studentId: string, op: Op, now: number): Promise<void> {
  const date = localMoment(op.at, school.time_zone).date;
  const status = isLate(op.at, school.time_zone, school.bell_time) ? 'late' : 'present';
  const current = await trx
    .selectFrom('attendance')
    .select(['check_in_at'])
    .where('school_id', '=', school.id)
    .where('student_id', '=', studentId)
    .where('date', '=', date)
    .where('session', '=', 'day')
    .executeTakeFirst();
  if (!current) {
    await trx
      .insertInto('attendance')
      .values({ school_id: school.id, student_id: studentId, date, session: 'day', status, check_in_at: op.at, check_in_op_id: op.opId, updated_at: now })
      .execute();
  } else if (current.check_in_at === null || op.at < Number(current.check_in_at)) {
    await trx
      .updateTable('attendance')
      .set((eb) => ({ status, check_in_at: op.at, check_in_op_id: op.opId, updated_at: now, version: eb('version', '+', 1) }))
      .where('school_id', '=', school.id)
      .where('student_id', '=', studentId)
      .where('date', '=', date)
      .where('session', '=', 'day')
      .execute();
  }
}

function receiptFor(seq: number, opId: string, settled: Settled): Receipt {
  return settled.duplicate ? { seq, opId, status: 'duplicate', original: settled.outcome } : { seq, opId, ...settled.outcome };
}

export interface SyncBatch {
  deviceId: string;
  kioskId: string;
  ops: Array<{ seq: number; opId: string }>;
}

/** `POST /api/sync`: a device's batch, applied in one transaction. */
export async function ingestBatch(db: Db, batch: SyncBatch, now = Date.now()): Promise<SyncResponse> {
  const receipts = await db.transaction().execute(async (trx) => {
    const { school, kiosk } = await findKiosk(trx, batch.kioskId);
    const maxSeq = batch.ops.reduce((max, op) => Math.max(max, op.seq), 0);
    const device = await trx.selectFrom('devices').select(['school_id', 'last_seq']).where('id', '=', batch.deviceId).executeTakeFirst();
    if (!device) {
      await trx
        .insertInto('devices')
        .values({ id: batch.deviceId, school_id: school.id, kiosk_id: kiosk.id, first_seen_at: now, last_seen_at: now, last_seq: maxSeq })
        .execute();
    } else {
      if (device.school_id !== school.id) throw new DoorlineError('kiosk-not-found', { kioskId: batch.kioskId });
      await trx
        .updateTable('devices')
        .set({ kiosk_id: kiosk.id, last_seen_at: now, last_seq: Math.max(Number(device.last_seq), maxSeq) })
        .where('id', '=', batch.deviceId)
        .execute();
    }
    const incoming = batch.ops.map((op) => ({ seq: op.seq, opId: op.opId, raw: op }));
    const settled = await applyOps(trx, school, batch.deviceId, incoming, now);
    return batch.ops.map((op, i) => receiptFor(op.seq, op.opId, settled[i] as Settled));
  });
  return { v: PROTOCOL_VERSION, type: 'sync-result', receipts, serverTime: now };
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
export async function ingestDirectMark(db: Db, input: MarkInput, now = Date.now()): Promise<DirectMarkResult> {
  return db.transaction().execute(async (trx) => {
    const { school } = await findKiosk(trx, input.kioskId);
    const op: Op = { seq: 1, opId: input.opId, kind: input.kind, studentId: input.studentId, at: input.at };
    const [settled] = (await applyOps(trx, school, null, [{ seq: null, opId: op.opId, raw: op }], now)) as [Settled];
    const student = settled.student ?? (await findStudent(trx, school.id, input.studentId));
    return {
      outcome: settled.outcome,
      duplicate: settled.duplicate,
      student: student ? { name: student.name, homeroom: student.homeroom } : null,
      localTime: localMoment(input.at, school.time_zone).time,
      late: isLate(input.at, school.time_zone, school.bell_time),
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
