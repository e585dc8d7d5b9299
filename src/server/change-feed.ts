/**
 * The change feed: every change to a school's records, roster, settings and conflicts,
 * numbered by the school's own counter (`schools.change_seq`), which each writer
 * takes inside its transaction after the school's row: numbers are handed out
 * in commit order and count that school's changes only, so a cursor says
 * nothing of what other schools do. A device keeps the last number it has
 * seen and asks for what came after, so nothing is missed or repeated
 * whatever the clocks say.
 */
import type { Kysely, Transaction } from 'kysely';
import { DAY_SESSION } from '../shared/attendance-model.ts';
import type { RollRow, RollView } from '../shared/office-protocol.ts';
import { PROTOCOL_VERSION, type Change, type ChangePage } from '../shared/protocol.ts';
import { localMoment } from '../shared/school-time.ts';
import { sessionsOf } from '../shared/sessions.ts';
import type { Database, School } from './db/schema.ts';
import { schoolPeriods } from './school-queries.ts';
import { byHomeroom } from '../shared/homeroom-order.ts';

/** A record's reasons as the change feed carries them: only those it has, so a record without one costs nothing more. */
export function reasonFields(record: { statusReason: string | null; statusReasonText: string | null; checkOutReason: string | null }): {
  reason?: string;
  reasonText?: string;
  checkOutReason?: string;
} {
  return {
    ...(record.statusReason === null ? {} : { reason: record.statusReason }),
    ...(record.statusReasonText === null ? {} : { reasonText: record.statusReasonText }),
    ...(record.checkOutReason === null ? {} : { checkOutReason: record.checkOutReason }),
  };
}

const CHANGE_PAGE_SIZE = 500;

/**
 * A page of changes after `cursor`; an empty cursor starts from now with
 * today's records as they stand. `device`: the asking device, whose own ops'
 * results it already holds and is not sent back.
 */
export async function changePage(
  db: Kysely<Database>,
  school: School,
  cursor: number | null,
  now: number,
  device: string | null = null,
  limit = CHANGE_PAGE_SIZE,
): Promise<ChangePage> {
  if (cursor === null) {
    const last = await newestSeq(db, school.id);
    const today = localMoment(now, school.time_zone).date;
    const rows = await db
      .selectFrom('attendance')
      .innerJoin('students', 'students.id', 'attendance.student_id')
      .select([
        'students.student_number',
        'attendance.date',
        'attendance.session',
        'attendance.status',
        'attendance.check_in_at',
        'attendance.check_out_at',
        'attendance.version',
        'attendance.status_reason',
        'attendance.status_reason_text',
        'attendance.check_out_reason',
      ])
      .where('attendance.school_id', '=', school.id)
      .where('attendance.date', '=', today)
      .execute();
    const changes: Change[] = [
      { kind: 'roster', version: String(school.roster_version) },
      { kind: 'settings', version: Number(school.settings_version) } as const,
      ...rows.map((r): Change => ({
        kind: 'record',
        studentId: r.student_number,
        date: r.date,
        session: r.session,
        status: r.status,
        checkInAt: r.check_in_at === null ? null : Number(r.check_in_at),
        checkOutAt: r.check_out_at === null ? null : Number(r.check_out_at),
        version: Number(r.version),
        ...reasonFields({ statusReason: r.status_reason, statusReasonText: r.status_reason_text, checkOutReason: r.check_out_reason }),
      })),
    ];
    return { v: PROTOCOL_VERSION, type: 'changes', cursor: String(last), more: false, serverTime: now, changes };
  }
  // The newest number first, then the page up to it: a change committed between the two reads waits for the next pull.
  const newest = await newestSeq(db, school.id);
  const rows = await db
    .selectFrom('changes')
    .select(['school_seq', 'payload'])
    .where('school_id', '=', school.id)
    .where('school_seq', '>', cursor)
    .where('school_seq', '<=', newest)
    .$if(device !== null, (q) =>
      q.where((eb) => eb.or([eb('echo', '=', 0), eb('origin_device', 'is', null), eb('origin_device', '!=', device)])),
    )
    .orderBy('school_seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  // With nothing more to send, the cursor moves past the echoes left out too.
  const last = more ? Number(page[page.length - 1]?.school_seq) : newest;
  return {
    v: PROTOCOL_VERSION,
    type: 'changes',
    cursor: String(Math.max(cursor, last)),
    more,
    serverTime: now,
    changes: page.map((r) => JSON.parse(r.payload) as Change),
  };
}

/**
 * One change made by a person rather than a device's op (settings, for one):
 * inside the writer's transaction, which has taken the school's row first.
 */
export async function feedChange(trx: Transaction<Database>, schoolId: string, change: Change, now: number): Promise<void> {
  const [number] = await changeNumbers(trx, schoolId, 1);
  await trx
    .insertInto('changes')
    .values({ school_id: schoolId, school_seq: number ?? 0, at: now, payload: JSON.stringify(change), origin_device: null })
    .execute();
}

/**
 * The next `count` numbers of the school's feed, taken from its counter inside the writer's transaction (which holds
 * the school's row until it commits, so no other writer can take numbers between these and commit first).
 */
export async function changeNumbers(trx: Transaction<Database>, schoolId: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const row = await trx
    .updateTable('schools')
    .set((eb) => ({ change_seq: eb('change_seq', '+', count) }))
    .where('id', '=', schoolId)
    .returning('change_seq')
    .executeTakeFirstOrThrow();
  const last = Number(row.change_seq);
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

/**
 * The school's roster changed (by hand or by an import): its roster version rises and the feed says so, so a kiosk
 * that sees the new version pulls the roster again. Inside the writer's transaction; the new version.
 */
export async function rosterChanged(trx: Transaction<Database>, schoolId: string, now: number): Promise<number> {
  const school = await trx.selectFrom('schools').select('roster_version').where('id', '=', schoolId).executeTakeFirstOrThrow();
  const version = Number(school.roster_version) + 1;
  await trx.updateTable('schools').set({ roster_version: version }).where('id', '=', schoolId).execute();
  await feedChange(trx, schoolId, { kind: 'roster', version: String(version) }, now);
  return version;
}

/** The school's highest change number; 0 before its first change. Read as committed: every number up to it is. */
export async function newestSeq(db: Kysely<Database>, schoolId: string): Promise<number> {
  const row = await db.selectFrom('schools').select('change_seq').where('id', '=', schoolId).executeTakeFirst();
  return Number(row?.change_seq ?? 0);
}

/** The roll for one homeroom and session today, straight from the server (a page no worker controls): the students on the roster, and any leaver with a record today. */
export async function serverRoll(
  db: Kysely<Database>,
  school: School,
  group: string | null,
  session: string,
  now: number,
): Promise<RollView> {
  const date = localMoment(now, school.time_zone).date;
  const periods = await schoolPeriods(db, school);
  const groups = (
    await db.selectFrom('students').select('homeroom').distinct().where('school_id', '=', school.id).where('left_at', 'is', null).execute()
  )
    .map((r) => r.homeroom)
    .sort(byHomeroom);
  const chosen = group !== null && groups.includes(group) ? group : (groups[0] ?? '');
  const rows = await db
    .selectFrom('students')
    .leftJoin('attendance', (join) =>
      join
        .on('attendance.school_id', '=', school.id)
        .on('attendance.date', '=', date)
        .on('attendance.session', '=', session)
        .onRef('attendance.student_id', '=', 'students.id'),
    )
    // A period's roll shows the door's check-in too: who is in the building.
    .leftJoin('attendance as door', (join) =>
      join
        .on('door.school_id', '=', school.id)
        .on('door.date', '=', date)
        .on('door.session', '=', DAY_SESSION)
        .onRef('door.student_id', '=', 'students.id'),
    )
    .select([
      'students.student_number',
      'students.name',
      'students.homeroom',
      'attendance.status',
      'attendance.check_in_at',
      'attendance.version',
      'attendance.status_reason',
      'attendance.status_reason_text',
      'door.check_in_at as door_check_in_at',
      'door.check_out_at as door_check_out_at',
      'door.check_out_reason as door_check_out_reason',
    ])
    .where('students.school_id', '=', school.id)
    .where('students.homeroom', '=', chosen)
    // Those who left are off the roll, as on the kiosks; one a kiosk still holding the old roster let in today stays, so the office sees who is in.
    .where((eb) =>
      eb.or([eb('students.left_at', 'is', null), eb('attendance.student_id', 'is not', null), eb('door.student_id', 'is not', null)]),
    )
    .orderBy('students.name')
    .execute();
  return {
    v: PROTOCOL_VERSION,
    type: 'roll',
    date,
    session,
    group: chosen,
    groups,
    sessions: sessionsOf(periods),
    rows: rows.map((r): RollRow => ({
      studentId: r.student_number,
      name: r.name,
      homeroom: r.homeroom,
      status: r.status ?? null,
      checkInAt: r.check_in_at !== null ? Number(r.check_in_at) : r.door_check_in_at !== null ? Number(r.door_check_in_at) : null,
      version: r.version === null ? 0 : Number(r.version),
      mark: null,
      ...(r.status_reason ? { reason: r.status_reason, reasonText: r.status_reason_text ?? r.status_reason } : {}),
      ...(r.door_check_out_at !== null ? { checkOutAt: Number(r.door_check_out_at) } : {}),
      ...(r.door_check_out_reason ? { checkOutReason: r.door_check_out_reason } : {}),
    })),
    source: 'server',
  };
}
