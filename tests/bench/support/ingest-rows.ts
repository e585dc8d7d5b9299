/**
 * The rows Doorline writes for a door check-in, made without the app: an
 * `ops` row, a new `attendance` record, its `audit_log` entry and its
 * `changes` entry numbered by the school's counter, plus once a batch the
 * sending device's `devices` row, the counter on the `schools` row and the
 * device's `device_stats` row for the day.
 * The ingest benchmark writes a school's history with them (the same shape
 * the app would have left), and times them as the raw loop the app is
 * measured against: better-sqlite3 prepared statements, or one multi-row
 * `pg` statement per table.
 */
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { isLate, localMoment } from '../../../src/shared/school-time.ts';
import { NO_RECORD } from '../../../src/server/record-book.ts';

export interface Kiosk {
  schoolId: string;
  deviceId: string;
  name: string;
  timeZone: string;
  /** The school's bell: a check-in after it is late. */
  bellTime: string;
}

type Row = Record<string, string | number | null>;

export interface DayRows {
  ops: Row[];
  attendance: Row[];
  audit_log: Row[];
  changes: Row[];
  maxSeq: number;
}

/** One check-in per student at `at` (a minute apart), from `kiosk`, with seqs after `lastSeq`. */
export function checkInRows(kiosk: Kiosk, students: readonly { id: string; number: string }[], at: number, lastSeq: number): DayRows {
  const rows: DayRows = { ops: [], attendance: [], audit_log: [], changes: [], maxSeq: lastSeq };
  students.forEach((student, i) => {
    const seq = lastSeq + i + 1;
    const opId = `${kiosk.deviceId}/${seq}`;
    const time = at + i * 1000;
    const date = localMoment(time, kiosk.timeZone).date;
    const status = isLate(time, kiosk.timeZone, kiosk.bellTime) ? 'late' : 'present';
    const after = { ...NO_RECORD, status, checkInAt: time, statusByName: kiosk.name, statusSawCheckIn: true };
    rows.ops.push({
      op_id: opId,
      device_id: kiosk.deviceId,
      seq,
      school_id: kiosk.schoolId,
      kind: 'check-in',
      student_number: student.number,
      device_time: time,
      received_at: time,
      status: 'applied',
      code: null,
      session: 'day',
      mark_status: null,
      note_text: null,
      base_version: 0,
      actor_kind: 'door',
      actor_id: kiosk.deviceId,
      corrected_time: time,
      clock_offset: null,
      rule: null,
      conflict_id: null,
    });
    rows.attendance.push({
      school_id: kiosk.schoolId,
      student_id: student.id,
      date,
      session: 'day',
      status,
      check_in_at: time,
      check_in_op_id: opId,
      check_out_at: null,
      check_out_op_id: null,
      version: 1,
      updated_at: time,
      status_by: 'door',
      status_saw_check_in: 1,
      status_by_name: kiosk.name,
      last_actor_id: kiosk.deviceId,
    });
    rows.audit_log.push({
      school_id: kiosk.schoolId,
      student_id: student.id,
      date,
      session: 'day',
      version: 1,
      at: time,
      action: 'mark',
      actor_kind: 'door',
      actor_id: kiosk.deviceId,
      actor_name: kiosk.name,
      device_id: kiosk.deviceId,
      op_id: opId,
      rule: null,
      note: null,
      before: JSON.stringify(NO_RECORD),
      after: JSON.stringify(after),
    });
    rows.changes.push({
      school_id: kiosk.schoolId,
      at: time,
      payload: JSON.stringify({
        kind: 'record',
        studentId: student.number,
        date,
        session: 'day',
        status,
        checkInAt: time,
        checkOutAt: null,
        version: 1,
      }),
      origin_device: kiosk.deviceId,
      echo: 1,
      // Numbered as the batch is written, from the school's counter.
      school_seq: 0,
    });
    rows.maxSeq = seq;
  });
  return rows;
}

const TABLES = ['ops', 'attendance', 'audit_log', 'changes'] as const;

/** The school's next `count` change numbers, from its counter as the update left it. */
function numberChanges(changes: Row[], last: number): void {
  changes.forEach((row, i) => (row.school_seq = last - changes.length + 1 + i));
}

/** The device's count for the school day, added to what its earlier batches that day counted. */
const STATS_UPSERT = (marks: (n: number) => string): string =>
  `insert into device_stats (school_id, date, device_id, ops_received, duplicates, refusals, conflicts, bytes_received)
   values (${[1, 2, 3, 4, 5, 6, 7, 8].map(marks).join(', ')})
   on conflict (school_id, date, device_id) do update set
     ops_received = device_stats.ops_received + excluded.ops_received, duplicates = device_stats.duplicates + excluded.duplicates,
     refusals = device_stats.refusals + excluded.refusals, conflicts = device_stats.conflicts + excluded.conflicts,
     bytes_received = device_stats.bytes_received + excluded.bytes_received`;
const COUNTER_UPDATE = (marks: (n: number) => string): string =>
  `update schools set change_seq = change_seq + ${marks(1)} where id = ${marks(2)} returning change_seq`;

const statsValues = (kiosk: Kiosk, rows: DayRows, now: number): unknown[] => [
  kiosk.schoolId,
  localMoment(now, kiosk.timeZone).date,
  kiosk.deviceId,
  rows.ops.length,
  0,
  0,
  0,
  0,
];

/** Writes a day's rows on SQLite in one transaction, one prepared statement per table. */
export function sqliteWriter(sqlite: SQLite.Database, kiosk: Kiosk): (rows: DayRows, now: number) => void {
  const statements = new Map<string, SQLite.Statement>();
  const statementFor = (table: string, row: Row): SQLite.Statement => {
    let statement = statements.get(table);
    if (!statement) {
      const columns = Object.keys(row);
      statement = sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      statements.set(table, statement);
    }
    return statement;
  };
  const device = sqlite.prepare('update devices set last_seq = ?, last_seen_at = ? where id = ?');
  const counter = sqlite.prepare(COUNTER_UPDATE(() => '?'));
  const stats = sqlite.prepare(STATS_UPSERT(() => '?'));
  return sqlite.transaction((rows: DayRows, now: number) => {
    device.run(rows.maxSeq, now, kiosk.deviceId);
    const { change_seq: last } = counter.get(rows.changes.length, kiosk.schoolId) as { change_seq: number };
    numberChanges(rows.changes, last);
    for (const table of TABLES) for (const row of rows[table]) statementFor(table, row).run(Object.values(row));
    stats.run(statsValues(kiosk, rows, now));
  });
}

/** Writes a day's rows on PostgreSQL in one transaction, one multi-row insert per table. */
export async function writePostgres(client: pg.ClientBase, kiosk: Kiosk, rows: DayRows, now: number): Promise<void> {
  await client.query('begin');
  try {
    await client.query('update devices set last_seq = $1, last_seen_at = $2 where id = $3', [rows.maxSeq, now, kiosk.deviceId]);
    const counted = await client.query<{ change_seq: string }>(
      COUNTER_UPDATE((n) => `$${n}`),
      [rows.changes.length, kiosk.schoolId],
    );
    numberChanges(rows.changes, Number(counted.rows[0]?.change_seq));
    for (const table of TABLES) {
      const list = rows[table];
      const columns = Object.keys(list[0] ?? {});
      const values: unknown[] = [];
      const tuples = list.map((row) => `(${columns.map((column) => `$${values.push(row[column])}`).join(', ')})`);
      await client.query(`insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`, values);
    }
    await client.query(
      STATS_UPSERT((n) => `$${n}`),
      statsValues(kiosk, rows, now),
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
