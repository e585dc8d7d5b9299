/**
 * The office's side of conflicts: listing them, settling one or many (each
 * a new record version, an audit entry with the person and the note, and a
 * change-feed entry so every device learns of it), and a record's history.
 */
import type { Kysely } from 'kysely';
import { ATTENDANCE_STATUSES, type MergeField, type RecordState } from '../shared/attendance-model.ts';
import { DoorlineError } from '../shared/error-codes.ts';
import { expectArray, expectInteger, expectOneOf, expectRecord, expectString, fail } from '../shared/guard.ts';
import { LIMITS } from '../shared/limits.ts';
import { previewResolution } from '../shared/merge.ts';
import type { ActorRef, ConflictView, HistoryEntry, ResolvableField, ResolveRequest, ResolveResult } from '../shared/office-protocol.ts';
import { expectVersion, TIME_RANGE } from '../shared/protocol-guards.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import type { StaffPrincipal } from './auth/principal.ts';
import { conflictSides, type ConflictSides } from './conflict-sides.ts';
import type { Db } from './db/open-database.ts';
import type { ConflictsTable, Database } from './db/schema.ts';
import { parseStored, RecordBook, toRecordState, withReasonsKept, type FeedEntry, type StoredRecord } from './record-book.ts';
import { findSchoolForWriting, reasonLabels, schoolPeriods } from './school-queries.ts';

const RESOLVABLE: readonly ResolvableField[] = ['status', 'checkInAt', 'checkOutAt'];
/** How many conflicts one request may settle. */
const MAX_RESOLUTIONS = 500;

export function assertResolveRequest(value: unknown): asserts value is ResolveRequest {
  expectRecord(value, '$', ['v', 'resolutions']);
  expectVersion(value, '$');
  expectArray(value.resolutions, '$.resolutions');
  if (value.resolutions.length === 0 || value.resolutions.length > MAX_RESOLUTIONS)
    fail('invalid-body', '$.resolutions', `must hold 1 to ${MAX_RESOLUTIONS} resolutions`);
  value.resolutions.forEach((r, i) => {
    const path = `$.resolutions[${i}]`;
    expectRecord(r, path, ['conflictId', 'choices', 'note']);
    expectString(r.conflictId, `${path}.conflictId`, { max: 64, pattern: /^[0-9a-f-]{36}$/ });
    expectString(r.note, `${path}.note`, { max: LIMITS.maxNoteLength });
    expectRecord(r.choices, `${path}.choices`, [], RESOLVABLE);
    for (const [field, choice] of Object.entries(r.choices)) {
      const at = `${path}.choices.${field}`;
      expectRecord(choice, at, ['take'], ['value']);
      expectOneOf(choice.take, `${at}.take`, ['local', 'server', 'custom']);
      if (choice.take !== 'custom') {
        if (choice.value !== undefined) fail('invalid-body', `${at}.value`, 'goes only with take "custom"');
      } else if (field === 'status') expectOneOf(choice.value, `${at}.value`, ATTENDANCE_STATUSES);
      else if (choice.value !== null) expectInteger(choice.value, `${at}.value`, TIME_RANGE);
    }
  });
}

function conflictView(
  row: ConflictsTable & { student_number: string; name: string; homeroom: string },
  sides: ConflictSides | undefined,
): ConflictView {
  const fields = JSON.parse(row.fields) as MergeField[];
  const local = JSON.parse(row.local) as RecordState;
  const server = JSON.parse(row.server) as RecordState;
  const localBy = JSON.parse(row.local_by) as ActorRef;
  const serverBy = JSON.parse(row.server_by) as ActorRef;
  return {
    id: row.id,
    studentId: row.student_number,
    studentName: row.name,
    homeroom: row.homeroom,
    date: row.date,
    session: row.session,
    fields,
    base: JSON.parse(row.base) as RecordState,
    local,
    server,
    localBy: { ...localBy, device: sides?.localDevice ?? null },
    serverBy: { ...serverBy, device: sides?.serverDevice ?? null },
    suggestion: JSON.parse(row.suggestion) as RecordState,
    confidence: row.confidence,
    rule: row.rule,
    reason: row.reason,
    createdAt: Number(row.created_at),
    status: row.status,
    // Same fields, same rule, same two values from the same kinds of people: one decision settles them all.
    similarKey: [row.date, row.session, fields.join('+'), row.rule, local.status, server.status, localBy.kind, serverBy.kind].join('|'),
    doorCheckInAt: sides?.doorCheckInAt ?? null,
  };
}

export async function listConflicts(db: Kysely<Database>, schoolId: string, status: 'open' | 'resolved'): Promise<ConflictView[]> {
  const rows = await db
    .selectFrom('conflicts')
    .innerJoin('students', 'students.id', 'conflicts.student_id')
    .selectAll('conflicts')
    .select(['students.student_number', 'students.name', 'students.homeroom'])
    .where('conflicts.school_id', '=', schoolId)
    .where('conflicts.status', '=', status)
    .orderBy('conflicts.created_at')
    .orderBy('conflicts.id')
    .limit(1000)
    .execute();
  const sides = await conflictSides(db, schoolId, rows);
  return rows.map((row) => conflictView(row, sides.get(row.id)));
}

/** Settles every resolution in one transaction: all of them, or none when one cannot be. */
export async function resolveConflicts(db: Db, staff: StaffPrincipal, request: ResolveRequest, now: number): Promise<ResolveResult> {
  return db.transaction().execute(async (trx) => {
    const school = await findSchoolForWriting(trx, staff.schoolId);
    const book = new RecordBook(trx, school, now, await schoolPeriods(trx, school));
    const person = { kind: staff.role, id: staff.staffId, name: staff.name, deviceId: null };
    const results: ResolveResult['results'] = [];
    const resolved: FeedEntry[] = [];
    /** The school's reasons, read once and only when a resolution takes a device's status that came with one. */
    let labels: Map<string, string> | null = null;
    for (const resolution of request.resolutions) {
      const conflict = await trx
        .selectFrom('conflicts')
        .innerJoin('students', 'students.id', 'conflicts.student_id')
        .selectAll('conflicts')
        .select('students.student_number')
        .where('conflicts.id', '=', resolution.conflictId)
        .where('conflicts.school_id', '=', staff.schoolId)
        .executeTakeFirst();
      if (!conflict) throw new DoorlineError('conflict-not-found', { conflictId: resolution.conflictId });
      if (conflict.status !== 'open')
        throw new DoorlineError('conflict-already-resolved', {
          conflictId: resolution.conflictId,
          resolvedAt: Number(conflict.resolved_at),
        });
      const local = JSON.parse(conflict.local) as RecordState;
      // The device's status came with the op's reason (absent: illness); the conflict keeps the op, not the reason.
      const op = await trx
        .selectFrom('ops')
        .select('reason')
        .where('school_id', '=', staff.schoolId)
        .where('op_id', '=', conflict.op_id)
        .executeTakeFirst();
      const opReason = op?.reason ?? null;
      if (opReason !== null && labels === null) labels = await reasonLabels(trx, staff.schoolId);
      const key = {
        student_id: conflict.student_id,
        student_number: conflict.student_number,
        date: conflict.date,
        session: conflict.session,
      };
      const version = await book.resolve(
        key,
        (current) => {
          // The same code the office's dialog previews with, against the record as it stands now.
          const chosen = previewResolution({ local, server: toRecordState(current) }, resolution.choices);
          const next: StoredRecord = {
            ...current,
            status: chosen.status ?? current.status,
            checkInAt: chosen.checkInAt,
            checkOutAt: chosen.checkOutAt,
          };
          if (next.status === current.status) return next;
          // A reason goes with the status it came with: the op's when the device's status is taken, none otherwise.
          const fromDevice = next.status === local.status && opReason !== null;
          return withReasonsKept({
            ...next,
            statusReason: fromDevice ? opReason : null,
            statusReasonText: fromDevice ? (labels?.get(opReason) ?? null) : null,
            statusBy: staff.role,
            statusByName: staff.name,
            statusSawCheckIn: true,
          });
        },
        person,
        conflict.op_id,
        resolution.note,
      );
      await trx
        .updateTable('conflicts')
        .set({
          status: 'resolved',
          resolved_at: now,
          resolved_by: staff.staffId,
          resolution: JSON.stringify(resolution.choices),
          note: resolution.note,
        })
        .where('id', '=', conflict.id)
        .execute();
      resolved.push({
        change: {
          kind: 'conflict-resolved',
          conflictId: conflict.id,
          studentId: conflict.student_number,
          date: conflict.date,
          session: conflict.session,
        },
        origin: null,
        echo: false,
      });
      results.push({ conflictId: conflict.id, version });
    }
    await book.flush(resolved);
    return { v: PROTOCOL_VERSION, type: 'resolutions', results };
  });
}

export async function recordHistory(
  db: Kysely<Database>,
  schoolId: string,
  key: { studentId: string; date: string; session: string },
): Promise<HistoryEntry[]> {
  const student = await db
    .selectFrom('students')
    .select('id')
    .where('school_id', '=', schoolId)
    .where('student_number', '=', key.studentId)
    .executeTakeFirst();
  if (!student) throw new DoorlineError('student-not-found', { studentId: key.studentId });
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('student_id', '=', student.id)
    .where('date', '=', key.date)
    .where('session', '=', key.session)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    at: Number(row.at),
    version: Number(row.version),
    action: row.action,
    actor: { kind: row.actor_kind as ActorRef['kind'], name: row.actor_name },
    deviceId: row.device_id,
    opId: row.op_id,
    rule: row.rule,
    note: row.note,
    before: toRecordState(parseStored(row.before)),
    after: toRecordState(parseStored(row.after)),
  }));
}
