/**
 * What the office needs to tell a conflict's two sides apart and to weigh
 * them against the door: the device each side came from, and the student's
 * door check-in that day. Read from what is already kept (the audit log, the
 * devices, the whole day's record), so conflicts opened before these were
 * asked for are described as well.
 *
 *   local side  → the device of the conflict's own audit entry (the op that disagreed)
 *   server side → the device of the latest earlier entry that set the status it kept
 */
import type { Kysely } from 'kysely';
import { DAY_SESSION } from '../shared/attendance-model.ts';
import type { DeviceRef } from '../shared/office-protocol.ts';
import { inSlices } from './db/in-slices.ts';
import type { ConflictsTable, Database } from './db/schema.ts';
import { parseStored, type StoredRecord } from './record-book.ts';

export interface ConflictSides {
  localDevice: DeviceRef | null;
  serverDevice: DeviceRef | null;
  doorCheckInAt: number | null;
}

type Conflict = Pick<ConflictsTable, 'id' | 'student_id' | 'date' | 'session' | 'op_id'>;

interface AuditRow {
  id: number;
  action: string;
  op_id: string | null;
  device_id: string | null;
  before: StoredRecord;
  after: StoredRecord;
}

const keyOf = (c: { student_id: string; date: string; session: string }): string => `${c.student_id}|${c.date}|${c.session}`;

const setsStatus = (row: AuditRow): boolean =>
  row.before.status !== row.after.status ||
  row.before.statusBy !== row.after.statusBy ||
  row.before.statusByName !== row.after.statusByName;

/** The device ids behind each side: null when a side came from no device. */
function deviceIdsOf(conflict: Conflict, history: readonly AuditRow[]): { local: string | null; server: string | null } {
  const own = history.findIndex((row) => row.action === 'conflict' && row.op_id === conflict.op_id);
  if (own < 0) return { local: null, server: null };
  const setter = history
    .slice(0, own)
    .reverse()
    .find((row) => row.action !== 'conflict' && setsStatus(row));
  return { local: history[own]?.device_id ?? null, server: setter?.device_id ?? null };
}

export async function conflictSides(
  db: Kysely<Database>,
  schoolId: string,
  conflicts: readonly Conflict[],
): Promise<Map<string, ConflictSides>> {
  const sides = new Map<string, ConflictSides>();
  if (conflicts.length === 0) return sides;
  const studentIds = [...new Set(conflicts.map((c) => c.student_id))];
  const dates = [...new Set(conflicts.map((c) => c.date))];
  const keys = new Set(conflicts.map(keyOf));

  const audit = await inSlices(studentIds, (slice) =>
    db
      .selectFrom('audit_log')
      .select(['id', 'student_id', 'date', 'session', 'action', 'op_id', 'device_id', 'before', 'after'])
      .where('school_id', '=', schoolId)
      .where('student_id', 'in', slice)
      .where('date', 'in', dates)
      .orderBy('id')
      .execute(),
  );
  const histories = new Map<string, AuditRow[]>();
  for (const row of audit) {
    const key = keyOf(row);
    if (!keys.has(key)) continue;
    const entry: AuditRow = { ...row, id: Number(row.id), before: parseStored(row.before), after: parseStored(row.after) };
    const history = histories.get(key);
    if (history) history.push(entry);
    else histories.set(key, [entry]);
  }
  // Audit ids grow with every write, on both databases: their order is the record's.
  for (const history of histories.values()) history.sort((a, b) => a.id - b.id);

  const dayRecords = await inSlices(studentIds, (slice) =>
    db
      .selectFrom('attendance')
      .select(['student_id', 'date', 'check_in_at'])
      .where('school_id', '=', schoolId)
      .where('session', '=', DAY_SESSION)
      .where('student_id', 'in', slice)
      .where('date', 'in', dates)
      .execute(),
  );
  const checkIns = new Map(dayRecords.map((r) => [`${r.student_id}|${r.date}`, r.check_in_at === null ? null : Number(r.check_in_at)]));

  const ids = conflicts.map((c) => ({ conflict: c, ...deviceIdsOf(c, histories.get(keyOf(c)) ?? []) }));
  const deviceIds = [...new Set(ids.flatMap((i) => [i.local, i.server]).filter((id): id is string => id !== null))];
  const devices = await inSlices(deviceIds, (slice) =>
    db
      .selectFrom('devices')
      .leftJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
      .select(['devices.id', 'devices.kind', 'kiosks.name'])
      .where('devices.school_id', '=', schoolId)
      .where('devices.id', 'in', slice)
      .execute(),
  );
  const deviceRefs = new Map<string, DeviceRef>(
    devices.map((d) => [d.id, d.kind === 'kiosk' ? { kind: 'kiosk', name: d.name } : { kind: 'staff', name: null }]),
  );
  const refOf = (id: string | null): DeviceRef | null => (id === null ? null : (deviceRefs.get(id) ?? null));
  for (const { conflict, local, server } of ids)
    sides.set(conflict.id, {
      localDevice: refOf(local),
      serverDevice: refOf(server),
      doorCheckInAt: checkIns.get(`${conflict.student_id}|${conflict.date}`) ?? null,
    });
  return sides;
}
