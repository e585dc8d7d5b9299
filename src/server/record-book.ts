/**
 * The attendance records one transaction touches, read in a few queries up
 * front and written back once at the end (with their audit entries, change
 * feed entries, conflicts and notes), so a morning's batch costs tens of
 * queries, not thousands. Ops apply in batch order through the shared merge
 * (src/shared/merge.ts), the same code the office's dialog previews with.
 *
 * An op whose base is the record's current version applies as made. An op
 * based on an older version is merged three ways against the record as it
 * stood at that version (read back from the audit log).
 */
import { randomUUID } from 'node:crypto';
import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Actor, AttendanceStatus, RecordOpKind, RecordState } from '../shared/attendance-model.ts';
import { applyChange, asKept, changeOf, type Lateness } from '../shared/attendance-rules.ts';
import { mergeRecord } from '../shared/merge.ts';
import { REASON_STATUSES } from '../shared/reasons.ts';
import type { ActorRef } from '../shared/office-protocol.ts';
import type { Change, Op, Outcome, SchoolPeriod } from '../shared/protocol.ts';
import { latenessOf } from '../shared/school-time.ts';
import { changeNumbers, reasonFields } from './change-feed.ts';
import { insertInSlices, selectInSlices } from './db/in-slices.ts';
import { latenessRule } from './school-queries.ts';
import type { AttendanceTable, AuditLogTable, ConflictsTable, Database, NotesTable, School } from './db/schema.ts';

type Trx = Transaction<Database>;

export interface RecordKey {
  student_id: string;
  /** The ID on the student's card: what devices and the change feed speak of. */
  student_number: string;
  date: string;
  session: string;
}

/** A record as stored: its fields, and who set the status knowing what. */
export interface StoredRecord {
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  statusBy: Actor;
  statusByName: string;
  statusSawCheckIn: boolean;
  /** An absent or excused status's reason: its code and its words when it was marked (src/shared/reasons.ts). */
  statusReason: string | null;
  statusReasonText: string | null;
  /** Why the latest check-out left. */
  checkOutReason: string | null;
}

/** A record before its first change, as the audit log's `before` keeps it. */
export const NO_RECORD: StoredRecord = {
  status: null,
  checkInAt: null,
  checkOutAt: null,
  statusBy: 'door',
  statusByName: '',
  statusSawCheckIn: false,
  statusReason: null,
  statusReasonText: null,
  checkOutReason: null,
};

export interface OpActor {
  kind: Actor;
  /** The staff member's id, or the kiosk device's. */
  id: string;
  name: string;
  deviceId: string | null;
}

interface Entry {
  key: RecordKey;
  record: StoredRecord;
  version: number;
  checkInOpId: string | null;
  checkOutOpId: string | null;
  lastActorId: string | null;
  stored: boolean;
  changed: boolean;
  /** Records this transaction made, by version, for ops based on them later in the batch. */
  made: Map<number, StoredRecord>;
}

const LOADED_COLUMNS = [
  'student_id',
  'date',
  'session',
  'status',
  'check_in_at',
  'check_in_op_id',
  'check_out_at',
  'check_out_op_id',
  'version',
  'status_by',
  'status_by_name',
  'status_saw_check_in',
  'last_actor_id',
  'status_reason',
  'status_reason_text',
  'check_out_reason',
] as const;
type LoadedRow = Pick<Selectable<AttendanceTable>, (typeof LOADED_COLUMNS)[number]>;

/** The columns flush writes, each row having every one. */
const ATTENDANCE_COLUMNS = [
  'school_id',
  'student_id',
  'date',
  'session',
  'status',
  'check_in_at',
  'check_in_op_id',
  'check_out_at',
  'check_out_op_id',
  'status_by',
  'status_by_name',
  'status_saw_check_in',
  'last_actor_id',
  'version',
  'updated_at',
  'status_reason',
  'status_reason_text',
  'check_out_reason',
] as const;
const AUDIT_COLUMNS = [
  'school_id',
  'student_id',
  'date',
  'session',
  'version',
  'at',
  'action',
  'actor_kind',
  'actor_id',
  'actor_name',
  'device_id',
  'op_id',
  'rule',
  'note',
  'before',
  'after',
] as const;
const CHANGE_COLUMNS = ['school_id', 'school_seq', 'at', 'payload', 'origin_device', 'echo'] as const;

const toNumber = (value: number | null): number | null => (value === null ? null : Number(value));

/** An `attendance` row's record fields, as the record book works with them. */
function storedOf(
  row: Pick<
    Selectable<AttendanceTable>,
    | 'status'
    | 'check_in_at'
    | 'check_out_at'
    | 'status_by'
    | 'status_by_name'
    | 'status_saw_check_in'
    | 'status_reason'
    | 'status_reason_text'
    | 'check_out_reason'
  >,
): StoredRecord {
  return {
    status: row.status,
    checkInAt: toNumber(row.check_in_at),
    checkOutAt: toNumber(row.check_out_at),
    statusBy: row.status_by as Actor,
    statusByName: row.status_by_name,
    statusSawCheckIn: Number(row.status_saw_check_in) === 1,
    statusReason: row.status_reason,
    statusReasonText: row.status_reason_text,
    checkOutReason: row.check_out_reason,
  };
}

/** A reason stands only beside an absent or excused status, and a check-out's beside a check-out. */
export function withReasonsKept(record: StoredRecord): StoredRecord {
  const keeps = record.status !== null && REASON_STATUSES.includes(record.status);
  if (keeps && (record.checkOutAt !== null || record.checkOutReason === null)) return record;
  return {
    ...record,
    ...(keeps ? {} : { statusReason: null, statusReasonText: null }),
    ...(record.checkOutAt === null ? { checkOutReason: null } : {}),
  };
}

const sameReasons = (a: StoredRecord, b: StoredRecord): boolean =>
  a.statusReason === b.statusReason && a.statusReasonText === b.statusReasonText && a.checkOutReason === b.checkOutReason;

/** Who wrote a record last, for "follows on from its own change": the sending device; none for a page posting directly. */
function writerOf(actor: OpActor): string | null {
  return actor.deviceId;
}

/**
 * A record as the audit log keeps it. A record's `after` is the next
 * change's `before`, and every new record starts from NO_RECORD: each is
 * written out once. Stored records are never changed once made.
 */
const recordJsons = new WeakMap<StoredRecord, string>();
function recordJson(record: StoredRecord): string {
  let json = recordJsons.get(record);
  if (json === undefined) {
    json = JSON.stringify(record);
    recordJsons.set(record, json);
  }
  return json;
}

export function toRecordState(record: StoredRecord): RecordState {
  return { status: record.status, checkInAt: record.checkInAt, checkOutAt: record.checkOutAt, notes: [] };
}

export function parseStored(json: string): StoredRecord {
  return { ...NO_RECORD, ...(JSON.parse(json) as Partial<StoredRecord>) };
}

export class RecordBook {
  private readonly entries = new Map<string, Entry>();
  private readonly notes: Insertable<NotesTable>[] = [];
  private readonly audit: Insertable<AuditLogTable>[] = [];
  private readonly changes: FeedEntry[] = [];
  private readonly conflicts: Insertable<ConflictsTable>[] = [];
  private readonly lateness = new Map<string, Lateness>();

  /**
   * `periods`: the school's timetable, whose starts judge lateness in a period's register; without it, the bell does.
   * `reasons`: every absence reason the school has had, by code (retired ones too), with its words.
   */
  constructor(
    private readonly trx: Trx,
    private readonly school: School,
    private readonly now: number,
    private readonly periods: readonly SchoolPeriod[] = [],
    private readonly reasons: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** As isLateFor decides it: later than the session's start (the bell for the day) plus the school's grace. */
  private latenessFor(session: string): Lateness {
    let lateness = this.lateness.get(session);
    if (!lateness) {
      lateness = latenessOf(latenessRule(this.school, this.periods), session);
      this.lateness.set(session, lateness);
    }
    return lateness;
  }

  static id(key: Pick<RecordKey, 'student_id' | 'date' | 'session'>): string {
    return `${key.student_id}\u0000${key.date}\u0000${key.session}`;
  }

  async load(keys: RecordKey[]): Promise<void> {
    // Records already in the book may hold this transaction's changes: they are not read again.
    const wanted = new Map(keys.filter((k) => !this.entries.has(RecordBook.id(k))).map((k) => [RecordBook.id(k), k]));
    const students = [...new Set([...wanted.values()].map((k) => k.student_id))];
    const dates = [...new Set([...wanted.values()].map((k) => k.date))];
    const sessions = [...new Set([...wanted.values()].map((k) => k.session))];
    if (students.length === 0) return;
    // Every key column named, so the lookup walks the key (school, date, session, student) instead of a day's records.
    const rows = await selectInSlices<LoadedRow>(this.trx, {
      table: 'attendance',
      columns: LOADED_COLUMNS,
      where: [
        ['school_id', this.school.id],
        ['date', dates],
        ['session', sessions],
      ],
      in: ['student_id', students],
    });
    for (const row of rows) {
      const key = wanted.get(RecordBook.id(row));
      if (!key) continue;
      this.entries.set(RecordBook.id(key), {
        key,
        record: storedOf(row),
        version: Number(row.version),
        checkInOpId: row.check_in_op_id,
        checkOutOpId: row.check_out_op_id,
        lastActorId: row.last_actor_id,
        stored: true,
        changed: false,
        made: new Map(),
      });
    }
  }

  private entry(key: RecordKey): Entry {
    const id = RecordBook.id(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = {
        key,
        record: NO_RECORD,
        version: 0,
        checkInOpId: null,
        checkOutOpId: null,
        lastActorId: null,
        stored: false,
        changed: false,
        made: new Map(),
      };
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** The record as it stood at `version`: made in this transaction, or read back from the audit log. */
  private async snapshot(entry: Entry, version: number): Promise<StoredRecord> {
    if (version <= 0) return NO_RECORD;
    const made = entry.made.get(version);
    if (made) return made;
    const row = await this.trx
      .selectFrom('audit_log')
      .select('after')
      .where('school_id', '=', this.school.id)
      .where('student_id', '=', entry.key.student_id)
      .where('date', '=', entry.key.date)
      .where('session', '=', entry.key.session)
      .where('version', '=', version)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    // A base the server never issued is treated as knowing nothing.
    return row ? parseStored(row.after) : NO_RECORD;
  }

  /** Applies one valid op at `at` (its corrected time) and says how it was settled. */
  async apply(key: RecordKey, op: Op & { kind: RecordOpKind }, opId: string, at: number, actor: OpActor): Promise<Outcome> {
    if (op.kind === 'note') {
      this.notes.push({
        op_id: opId,
        school_id: this.school.id,
        student_id: key.student_id,
        date: key.date,
        session: key.session,
        text: op.text ?? '',
        device_id: actor.deviceId,
        written_at: at,
        author: actor.name,
      });
      return { status: 'applied' };
    }
    const reasonText = op.kind === 'status' && op.reason !== undefined ? this.reasons.get(op.reason) : undefined;
    if (op.kind === 'status' && op.reason !== undefined && reasonText === undefined) return { status: 'rejected', code: 'unknown-reason' };
    const entry = this.entry(key);
    // Versions only grow: a base past the record's own was never issued, and taking it as current would skip the merge.
    if (op.base > entry.version) return { status: 'rejected', code: 'base-from-the-future' };
    const server = entry.record;
    const change = changeOf(op, at, { id: opId, by: actor.name });
    // A device's own earlier change is one it knows of: its next op follows on from it, not against
    // it. Keyed on the device, not the person: the same teacher on another tablet did not see it.
    const writer = writerOf(actor);
    const current = op.base >= entry.version || (writer !== null && entry.lastActorId === writer);
    const base = current ? server : await this.snapshot(entry, op.base);
    const lateness = this.latenessFor(key.session);
    const local = applyChange(toRecordState(base), change, lateness);
    const localSide = { actor: actor.kind, sawCheckIn: actor.kind === 'door' || base.checkInAt !== null };
    const merged = current
      ? null
      : mergeRecord({
          base: toRecordState(base),
          local,
          server: toRecordState(server),
          localSide,
          serverSide: { actor: server.statusBy, sawCheckIn: server.statusSawCheckIn },
          lateness,
        });
    const value = merged ? merged.value : local;

    let outcome: Outcome = { status: 'applied' };
    let action: AuditLogTable['action'] = 'mark';
    let rule: string | null = null;
    if (merged?.outcome === 'merged' && merged.rule) {
      outcome = { status: 'merged', rule: merged.rule };
      action = 'merge';
      rule = merged.rule;
    } else if (merged?.outcome === 'conflict') {
      const conflictId = randomUUID();
      outcome = { status: 'conflict', conflictId };
      action = 'conflict';
      rule = merged.rule;
      const serverBy: ActorRef = { kind: server.statusBy, name: server.statusByName };
      this.conflicts.push({
        id: conflictId,
        school_id: this.school.id,
        student_id: key.student_id,
        date: key.date,
        session: key.session,
        op_id: opId,
        status: 'open',
        fields: JSON.stringify(merged.conflictFields),
        base: JSON.stringify(toRecordState(base)),
        local: JSON.stringify(local),
        server: JSON.stringify(toRecordState(server)),
        suggestion: JSON.stringify(merged.suggestion),
        confidence: merged.confidence,
        rule: merged.rule ?? 'same-base-different-status',
        reason: merged.reason,
        local_by: JSON.stringify({ kind: actor.kind, name: actor.name } satisfies ActorRef),
        server_by: JSON.stringify(serverBy),
        created_at: this.now,
      });
      this.changes.push({
        change: { kind: 'conflict-opened', conflictId, studentId: key.student_number, date: key.date, session: key.session },
        origin: actor.deviceId,
        echo: false,
      });
    }

    const kept = asKept(value);
    let next: StoredRecord = { ...server, status: kept.status, checkInAt: kept.checkInAt, checkOutAt: kept.checkOutAt };
    // A reason goes with the value it came with: this op's, when its status or its check-out is the one kept.
    if (op.kind === 'status' && next.status === op.status) {
      next.statusReason = op.reason ?? null;
      next.statusReasonText = reasonText ?? null;
    } else if (next.status !== server.status) {
      next.statusReason = null;
      next.statusReasonText = null;
    }
    if (op.kind === 'check-out' && next.checkOutAt === at && next.checkOutAt !== server.checkOutAt) next.checkOutReason = op.reason ?? null;
    next = withReasonsKept(next);
    if (next.status !== server.status) {
      // Whoever's value won sets the provenance; a status derived from the door's times is the door's.
      const fromLocal = next.status === local.status;
      next.statusBy = fromLocal ? actor.kind : 'door';
      next.statusByName = fromLocal ? actor.name : server.statusByName;
      next.statusSawCheckIn = next.statusBy === 'door' || (fromLocal ? localSide.sawCheckIn : server.statusSawCheckIn);
    }
    const differs =
      next.status !== server.status ||
      next.checkInAt !== server.checkInAt ||
      next.checkOutAt !== server.checkOutAt ||
      !sameReasons(next, server);
    if (differs || action === 'conflict') {
      if (differs) {
        if (next.checkInAt !== server.checkInAt && op.kind === 'check-in') entry.checkInOpId = opId;
        if (next.checkOutAt !== server.checkOutAt && op.kind === 'check-out') entry.checkOutOpId = opId;
        // The sending device already shows this result when its op applied as made.
        const echo =
          outcome.status === 'applied' &&
          next.status === local.status &&
          next.checkInAt === local.checkInAt &&
          next.checkOutAt === local.checkOutAt;
        this.advance(entry, next, writer, { origin: actor.deviceId, echo });
      }
      this.audited(entry, { action, actor, opId, rule, note: null, before: server, after: next });
    }
    return outcome;
  }

  /**
   * A person's settlement of a conflict on a stored record: `choose` picks
   * the new fields from the record as it stands; a new version with its
   * audit entry and feed entry follows. Returns the new version.
   */
  async resolve(
    key: RecordKey,
    choose: (current: StoredRecord) => StoredRecord,
    person: OpActor,
    opId: string,
    note: string,
  ): Promise<number> {
    await this.load([key]);
    const entry = this.entries.get(RecordBook.id(key));
    if (!entry?.stored) throw new Error(`A conflict refers to a record that is not stored: ${RecordBook.id(key)}`);
    const current = entry.record;
    const chosen = choose(current);
    // `choose` says which reason goes with the status it chose (conflicts.ts: the device's op's, or none).
    const next = withReasonsKept(chosen);
    this.advance(entry, next, null, { origin: null, echo: false });
    this.audited(entry, { action: 'resolve', actor: { ...person, deviceId: null }, opId, rule: null, note, before: current, after: next });
    return entry.version;
  }

  /** A new version of the record, and its entry in the change feed. */
  private advance(entry: Entry, next: StoredRecord, writer: string | null, feed: Omit<FeedEntry, 'change'>): void {
    entry.version += 1;
    entry.record = next;
    entry.lastActorId = writer;
    entry.changed = true;
    entry.made.set(entry.version, next);
    const { key } = entry;
    this.changes.push({
      change: {
        kind: 'record',
        studentId: key.student_number,
        date: key.date,
        session: key.session,
        status: next.status,
        checkInAt: next.checkInAt,
        checkOutAt: next.checkOutAt,
        version: entry.version,
        ...reasonFields(next),
      },
      ...feed,
    });
  }

  /** The audit entry for what happened to the record at its current version. */
  private audited(
    entry: Entry,
    what: {
      action: AuditLogTable['action'];
      actor: OpActor;
      opId: string;
      rule: string | null;
      note: string | null;
      before: StoredRecord;
      after: StoredRecord;
    },
  ): void {
    this.audit.push({
      school_id: this.school.id,
      student_id: entry.key.student_id,
      date: entry.key.date,
      session: entry.key.session,
      version: entry.version,
      at: this.now,
      action: what.action,
      actor_kind: what.actor.kind,
      actor_id: what.actor.id,
      actor_name: what.actor.name,
      device_id: what.actor.deviceId,
      op_id: what.opId,
      rule: what.rule,
      note: what.note,
      before: recordJson(what.before),
      after: recordJson(what.after),
    });
  }

  /** Writes what the transaction changed; `after`: feed entries to follow this book's own. */
  async flush(after: readonly FeedEntry[] = []): Promise<void> {
    const changed = [...this.entries.values()].filter((e) => e.changed);
    const row = (e: Entry) => ({
      status: e.record.status ?? 'present',
      check_in_at: e.record.checkInAt,
      check_in_op_id: e.checkInOpId,
      check_out_at: e.record.checkOutAt,
      check_out_op_id: e.checkOutOpId,
      status_by: e.record.statusBy,
      status_by_name: e.record.statusByName,
      status_saw_check_in: e.record.statusSawCheckIn ? 1 : 0,
      last_actor_id: e.lastActorId,
      version: e.version,
      updated_at: this.now,
      status_reason: e.record.statusReason,
      status_reason_text: e.record.statusReasonText,
      check_out_reason: e.record.checkOutReason,
    });
    await insertInSlices(
      this.trx,
      'attendance',
      changed
        .filter((e) => !e.stored)
        .map((e) => ({ school_id: this.school.id, student_id: e.key.student_id, date: e.key.date, session: e.key.session, ...row(e) })),
      ATTENDANCE_COLUMNS,
    );
    for (const e of changed) {
      if (!e.stored) continue;
      await this.trx
        .updateTable('attendance')
        .set(row(e))
        .where('school_id', '=', this.school.id)
        .where('student_id', '=', e.key.student_id)
        .where('date', '=', e.key.date)
        .where('session', '=', e.key.session)
        .execute();
    }
    await insertInSlices(this.trx, 'notes', this.notes);
    await insertInSlices(this.trx, 'conflicts', this.conflicts);
    await insertInSlices(this.trx, 'audit_log', this.audit, AUDIT_COLUMNS);
    const feed = [...this.changes, ...after];
    const numbers = await changeNumbers(this.trx, this.school.id, feed.length);
    await insertInSlices(
      this.trx,
      'changes',
      feed.map((e, i) => ({
        school_id: this.school.id,
        school_seq: numbers[i] ?? 0,
        at: this.now,
        payload: JSON.stringify(e.change),
        origin_device: e.origin,
        echo: e.echo ? 1 : 0,
      })),
      CHANGE_COLUMNS,
    );
  }
}

/** A change for the feed, with the device whose op made it (null for a person at the office). */
export interface FeedEntry {
  change: Change;
  origin: string | null;
  echo: boolean;
}
