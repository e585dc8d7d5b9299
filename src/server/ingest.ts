/**
 * Ingest: applies a batch of ops in one transaction and answers one receipt
 * per op. Idempotent on (deviceId, seq) and on opId: an op seen before is
 * answered `duplicate` with the outcome it got the first time, and is never
 * applied twice. A bad op is rejected alone; the ops around it still apply.
 */
import type { Insertable, Transaction } from 'kysely';
import { DoorlineError, type OpErrorCode } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import { assertOp, normalizeOp } from '../shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type MarkInput, type Op, type Outcome, type Receipt, type StudentSummary, type SyncResponse } from '../shared/protocol.ts';
import { toRuns } from '../shared/receipts.ts';
import { isLate, localMoment } from '../shared/school-time.ts';
import type { Db } from './db/open-database.ts';
import type { AttendanceTable, Database, NotesTable, OpsTable, School, StaffRole } from './db/schema.ts';
import { findSchool } from './school-queries.ts';

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

const rejected = (code: OpErrorCode): Outcome => ({ status: 'rejected', code });

/**
 * The op id a device's op is stored under. Ops sent by the compact codec carry
 * no ULID; (deviceId, seq) is their identity, so it names them.
 */
export function storedOpId(deviceId: string | null, seq: number | null, opId: string | undefined): string {
  if (opId !== undefined) return opId;
  if (deviceId === null || seq === null) throw new DoorlineError('invalid-body', { problem: 'an op without a device needs an opId' });
  return `${deviceId}/${seq}`;
}

/** Applies ops from one device (or from a page posting directly, device null) inside `trx`. */
async function applyOps(trx: Trx, school: School, deviceId: string | null, actor: { kind: string; id: string }, ops: IncomingOp[], now: number): Promise<Settled[]> {
  const bySeq = new Map<number, Pick<OpsTable, 'op_id' | 'status' | 'code'>>();
  const seqs = ops.flatMap((op) => (op.seq === null ? [] : [op.seq]));
  if (deviceId !== null && seqs.length > 0) {
    const rows = await inSlices(seqs, (slice) =>
      trx.selectFrom('ops').select(['seq', 'op_id', 'status', 'code']).where('device_id', '=', deviceId).where('seq', 'in', slice).execute(),
    );
    for (const row of rows) bySeq.set(Number(row.seq), row);
  }
  const byOpId = new Map<string, Pick<OpsTable, 'op_id' | 'status' | 'code'>>();
  const opIdRows = await inSlices(
    ops.map((op) => op.opId),
    (slice) => trx.selectFrom('ops').select(['op_id', 'status', 'code']).where('op_id', 'in', slice).execute(),
  );
  for (const row of opIdRows) byOpId.set(row.op_id, row);

  const students = await studentsByNumber(trx, school.id, ops);
  const records = new RecordCache(trx, school);
  await records.load(ops.flatMap((incoming) => {
    const raw = incoming.raw as Partial<Op>;
    const student = typeof raw.studentId === 'string' ? students.get(raw.studentId) : undefined;
    if (!student || typeof raw.at !== 'number' || !Number.isFinite(raw.at)) return [];
    return [{ school_id: school.id, student_id: student.id, date: localMoment(raw.at, school.time_zone).date, session: typeof raw.session === 'string' ? raw.session : 'day' }];
  }));
  const settled: Settled[] = [];
  const newRows: OpsTable[] = [];
  for (const incoming of ops) {
    const bySeqRow = incoming.seq !== null ? bySeq.get(incoming.seq) : undefined;
    const seen = bySeqRow ?? byOpId.get(incoming.opId);
    if (seen) {
      const receipt: Receipt = seen.op_id === incoming.opId ? { status: 'duplicate', original: outcomeOf(seen) } : rejected('op-identity-mismatch');
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
      if (Math.abs(op.at - now) > LIMITS.maxClockSkewMs) outcome = rejected('time-out-of-range');
      else if (!student) outcome = rejected('unknown-student');
      else {
        records.apply({ school_id: school.id, student_id: student.id, date: localMoment(op.at, school.time_zone).date, session: op.session }, op, incoming.opId, deviceId);
        outcome = { status: 'applied' };
      }
    } catch (error) {
      if (!(error instanceof DoorlineError)) throw error;
      outcome = rejected('invalid-body');
    }
    const row = opRow(incoming, op, school.id, deviceId, actor, outcome, now);
    newRows.push(row);
    if (incoming.seq !== null) bySeq.set(incoming.seq, row);
    byOpId.set(incoming.opId, row);
    settled.push({ receipt: outcome, student });
  }
  await records.flush(now);
  for (let i = 0; i < newRows.length; i += 50) {
    await trx.insertInto('ops').values(newRows.slice(i, i + 50)).execute();
  }
  return settled;
}

async function studentsByNumber(trx: Trx, schoolId: string, ops: IncomingOp[]): Promise<Map<string, Student>> {
  const numbers = new Set<string>();
  for (const op of ops) {
    const id = (op.raw as { studentId?: unknown }).studentId;
    if (typeof id === 'string' && id.length <= LIMITS.maxStudentIdLength) numbers.add(id);
  }
  const rows = await inSlices([...numbers], (slice) =>
    trx.selectFrom('students').select(['id', 'student_number', 'name', 'homeroom']).where('school_id', '=', schoolId).where('student_number', 'in', slice).execute(),
  );
  return new Map(rows.map((row) => [row.student_number, { id: row.id, name: row.name, homeroom: row.homeroom }]));
}

/** What is stored of an op, valid or not, so that a replay finds its first outcome. */
function opRow(incoming: IncomingOp, op: Op | null, schoolId: string, deviceId: string | null, actor: { kind: string; id: string }, outcome: Outcome, now: number): OpsTable {
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
    session: op?.session ?? 'day',
    mark_status: op?.status ?? null,
    note_text: op?.text ?? null,
    base_version: op?.base ?? 0,
    actor_kind: actor.kind,
    actor_id: actor.id,
  };
}

interface RecordKey {
  school_id: string;
  student_id: string;
  date: string;
  session: string;
}

type RecordFields = Pick<AttendanceTable, 'status' | 'check_in_at' | 'check_in_op_id' | 'check_out_at' | 'check_out_op_id'>;

interface RecordState {
  key: RecordKey;
  fields: RecordFields;
  /** False for a record this batch creates. */
  stored: boolean;
  changed: boolean;
}

/**
 * The attendance records a batch touches, read in a few queries up front and
 * written back once at the end, so a morning's batch costs tens of queries,
 * not thousands. Ops apply to it in batch order.
 */
class RecordCache {
  private readonly records = new Map<string, RecordState>();
  private readonly notes: Insertable<NotesTable>[] = [];

  constructor(
    private readonly trx: Trx,
    private readonly school: School,
  ) {}

  static keyOf(key: RecordKey): string {
    return `${key.student_id}\u0000${key.date}\u0000${key.session}`;
  }

  async load(keys: RecordKey[]): Promise<void> {
    const dates = [...new Set(keys.map((k) => k.date))];
    const students = [...new Set(keys.map((k) => k.student_id))];
    if (students.length === 0) return;
    const rows = await inSlices(students, (slice) =>
      this.trx
        .selectFrom('attendance')
        .select(['student_id', 'date', 'session', 'status', 'check_in_at', 'check_in_op_id', 'check_out_at', 'check_out_op_id'])
        .where('school_id', '=', this.school.id)
        .where('student_id', 'in', slice)
        .where('date', 'in', dates)
        .execute(),
    );
    for (const row of rows) {
      const { student_id, date, session, ...fields } = row;
      const key = { school_id: this.school.id, student_id, date, session };
      this.records.set(RecordCache.keyOf(key), { key, fields: { ...fields, check_in_at: toNumber(fields.check_in_at), check_out_at: toNumber(fields.check_out_at) }, stored: true, changed: false });
    }
  }

  /**
   * Applies one valid op. Door evidence: the earliest check-in and the latest
   * check-out win, and a check-in turns an `absent` into present or late. A
   * person's mark sets the status. Notes are all kept.
   */
  apply(key: RecordKey, op: Op, opId: string, deviceId: string | null): void {
    if (op.kind === 'note') {
      this.notes.push({ op_id: opId, ...key, text: op.text ?? '', device_id: deviceId, written_at: op.at });
      return;
    }
    const id = RecordCache.keyOf(key);
    let record = this.records.get(id);
    const arrival = isLate(op.at, this.school.time_zone, this.school.bell_time) ? 'late' : 'present';
    if (!record) {
      record = { key, fields: { status: arrival, check_in_at: null, check_in_op_id: null, check_out_at: null, check_out_op_id: null }, stored: false, changed: true };
      this.records.set(id, record);
    }
    const f = record.fields;
    const before = JSON.stringify(f);
    if (op.kind === 'check-in') {
      if (f.check_in_at === null || op.at < f.check_in_at) Object.assign(f, { check_in_at: op.at, check_in_op_id: opId });
      const status = isLate(f.check_in_at ?? op.at, this.school.time_zone, this.school.bell_time) ? 'late' : 'present';
      // Evidence beats assumption: a check-in turns `absent` into present or late; the office's `excused` stands.
      if (f.status !== 'excused') f.status = status;
    } else if (op.kind === 'check-out') {
      if (f.check_out_at === null || op.at > f.check_out_at) Object.assign(f, { check_out_at: op.at, check_out_op_id: opId });
    } else if (op.status) {
      f.status = op.status;
    }
    if (JSON.stringify(f) !== before) record.changed = true;
  }

  async flush(now: number): Promise<void> {
    const created = [...this.records.values()].filter((r) => !r.stored);
    for (let i = 0; i < created.length; i += 50) {
      await this.trx
        .insertInto('attendance')
        .values(created.slice(i, i + 50).map((r) => ({ ...r.key, ...r.fields, updated_at: now })))
        .execute();
    }
    for (const record of this.records.values()) {
      if (!record.stored || !record.changed) continue;
      await this.trx
        .updateTable('attendance')
        .set((eb) => ({ ...record.fields, updated_at: now, version: eb('version', '+', 1) }))
        .where('school_id', '=', record.key.school_id)
        .where('student_id', '=', record.key.student_id)
        .where('date', '=', record.key.date)
        .where('session', '=', record.key.session)
        .execute();
    }
    for (let i = 0; i < this.notes.length; i += 50) {
      await this.trx.insertInto('notes').values(this.notes.slice(i, i + 50)).execute();
    }
  }
}

function toNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

/**
 * Who sends a batch: a paired kiosk (its token), a person's browser (their
 * session), or the office importing a revoked kiosk's queue file.
 */
export type Sender =
  | { kind: 'kiosk'; schoolId: string; deviceId: string; kioskId: string }
  | { kind: 'staff'; schoolId: string; deviceId: string | null; staffId: string; role: StaffRole }
  | { kind: 'import'; schoolId: string; deviceId: string; kioskId: string | null; actorId: string };

/** What a device says about itself at each sync, for the admin's device list. */
export interface DeviceReport {
  appVersion?: string;
  queueDepth?: number;
  oldestWaitingAt?: number;
}

export interface SyncBatch {
  deviceId: string;
  ops: Array<{ seq: number; opId?: string }>;
}

function actorOf(sender: Sender): { kind: string; id: string } {
  if (sender.kind === 'staff') return { kind: sender.role, id: sender.staffId };
  // A kiosk's ops are the door's, also when the office imports them from a file.
  return { kind: 'door', id: sender.deviceId };
}

/** Records the device's visit; refuses a device id that belongs to someone else. */
async function noteDevice(trx: Trx, sender: Sender, deviceId: string, maxSeq: number, report: DeviceReport, now: number): Promise<void> {
  const device = await trx.selectFrom('devices').select(['school_id', 'kind', 'last_seq']).where('id', '=', deviceId).executeTakeFirst();
  const lastSeq = Math.max(Number(device?.last_seq ?? 0), maxSeq);
  const reported = {
    ...(report.appVersion !== undefined ? { app_version: report.appVersion } : {}),
    ...(report.queueDepth !== undefined ? { queue_depth: report.queueDepth } : {}),
    ...(report.oldestWaitingAt !== undefined ? { oldest_waiting_at: report.oldestWaitingAt } : {}),
  };
  if (sender.kind === 'staff') {
    if (device && device.kind !== 'staff') throw new DoorlineError('device-unauthorized', { deviceId });
    if (device && device.school_id !== sender.schoolId) throw new DoorlineError('device-in-other-school', { deviceId });
    if (!device) {
      await trx
        .insertInto('devices')
        .values({ id: deviceId, school_id: sender.schoolId, kiosk_id: null, kind: 'staff', first_seen_at: now, last_seen_at: now, last_seq: lastSeq, staff_id: sender.staffId, ...reported })
        .execute();
      return;
    }
    await trx.updateTable('devices').set({ last_seen_at: now, last_seq: lastSeq, staff_id: sender.staffId, ...reported }).where('id', '=', deviceId).execute();
    return;
  }
  // Kiosks are known: the token (or the importing office) already found this device in this school.
  if (!device || device.school_id !== sender.schoolId) throw new DoorlineError('device-not-found', { deviceId });
  const visit = sender.kind === 'kiosk' ? { last_seen_at: now, ...reported } : {};
  await trx.updateTable('devices').set({ last_seq: lastSeq, ...visit }).where('id', '=', deviceId).execute();
}

/** `POST /api/sync`: a device's batch, applied in one transaction. */
export async function ingestBatch(db: Db, sender: Sender, batch: SyncBatch, report: DeviceReport = {}, now = Date.now()): Promise<SyncResponse> {
  if (sender.deviceId !== null && sender.deviceId !== batch.deviceId) throw new DoorlineError('device-unauthorized', { deviceId: batch.deviceId, problem: 'the batch names another device' });
  const receipts = await db.transaction().execute(async (trx) => {
    const school = await findSchool(trx, sender.schoolId);
    const maxSeq = batch.ops.reduce((max, op) => Math.max(max, op.seq), 0);
    await noteDevice(trx, sender, batch.deviceId, maxSeq, report, now);
    const incoming = batch.ops.map((op) => ({ seq: op.seq, opId: storedOpId(batch.deviceId, op.seq, op.opId), raw: op }));
    const settled = await applyOps(trx, school, batch.deviceId, actorOf(sender), incoming, now);
    return settled.map((s) => s.receipt);
  });
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
    const school = await findSchool(trx, sender.schoolId);
    const { v: _v, kioskId: _kiosk, ...fields } = input;
    const op: Op = normalizeOp({ ...fields, seq: 1 });
    const [settled] = (await applyOps(trx, school, null, actorOf(sender), [{ seq: null, opId: input.opId, raw: op }], now)) as [Settled];
    const student = settled.student ?? (await findStudent(trx, school.id, input.studentId));
    const duplicate = settled.receipt.status === 'duplicate';
    return {
      outcome: settled.receipt.status === 'duplicate' ? settled.receipt.original : settled.receipt,
      duplicate,
      student: student ? { name: student.name, homeroom: student.homeroom } : null,
      localTime: localMoment(input.at, school.time_zone).time,
      late: isLate(input.at, school.time_zone, school.bell_time),
    };
  });
}

async function findStudent(trx: Trx, schoolId: string, studentNumber: string) {
  return trx.selectFrom('students').select(['name', 'homeroom']).where('school_id', '=', schoolId).where('student_number', '=', studentNumber).executeTakeFirst();
}
