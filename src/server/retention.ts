/**
 * How long each school's records are kept, and the pruning that keeps to it:
 * attendance, its audit log, notes, conflicts, the ops they came from, the
 * change feed, the admin log and the devices' sync statistics, older than the first day kept
 * (`keptFrom` in src/shared/retention.ts), are deleted in slices so a year's
 * deletion never holds a school's writers for long.
 */
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { keptFrom, type Retention, type RetentionInput, type RetentionView } from '../shared/retention.ts';
import { localMoment } from '../shared/school-time.ts';
import { changedFields, logAdminAction, type AdminActor } from './admin-log.ts';
import type { Database, School } from './db/schema.ts';
import { feedChange } from './change-feed.ts';
import { findSchool, findSchoolForWriting } from './school-queries.ts';

type Db = Kysely<Database>;

/** Rows deleted by one statement: small enough that writers waiting on SQLite's lock or a row wait milliseconds. */
const PRUNE_SLICE = 2_000;

export function retentionOf(school: Pick<School, 'keep_school_years' | 'school_year_starts' | 'refused_keep_days'>): Retention {
  return {
    schoolYears: Number(school.keep_school_years),
    yearStarts: school.school_year_starts,
    refusedDays: Number(school.refused_keep_days),
  };
}

export async function readRetention(db: Db, schoolId: string, now: number): Promise<RetentionView> {
  const school = await findSchool(db, schoolId);
  const retention = retentionOf(school);
  return { v: PROTOCOL_VERSION, type: 'retention', retention, keptFrom: keptFrom(localMoment(now, school.time_zone).date, retention) };
}

/** Changes the school's retention, logged with what changed; records already older than the new first day go at the next pruning. */
export async function changeRetention(db: Db, actor: AdminActor, input: RetentionInput, now: number): Promise<RetentionView> {
  const before = retentionOf(await findSchool(db, actor.schoolId));
  const after: Retention = { schoolYears: input.schoolYears, yearStarts: input.yearStarts, refusedDays: input.refusedDays };
  const changed = changedFields({ ...before }, { ...after });
  if (Object.keys(changed).length > 0)
    await db.transaction().execute(async (trx) => {
      const school = await findSchoolForWriting(trx, actor.schoolId);
      // Devices read how long to keep refusals from the school's settings: a new version tells them to read again.
      const devicesMustKnow = changed.refusedDays !== undefined;
      const version = Number(school.settings_version) + (devicesMustKnow ? 1 : 0);
      await trx
        .updateTable('schools')
        .set({
          keep_school_years: after.schoolYears,
          school_year_starts: after.yearStarts,
          refused_keep_days: after.refusedDays,
          settings_version: version,
        })
        .where('id', '=', school.id)
        .execute();
      await logAdminAction(trx, actor, { action: 'retention-changed', subject: 'records kept', details: { changed } }, now);
      if (devicesMustKnow) await feedChange(trx, school.id, { kind: 'settings', version }, now);
    });
  return readRetention(db, actor.schoolId, now);
}

export interface Pruned {
  schoolId: string;
  keptFrom: string;
  /** Rows deleted, by table. */
  deleted: Record<string, number>;
}

/** Deletes what the school no longer keeps on `now`'s date. */
export async function pruneSchool(db: Db, school: School, now: number): Promise<Pruned> {
  const first = keptFrom(localMoment(now, school.time_zone).date, retentionOf(school));
  // Rows with a time rather than a school date: a day's margin either side of the time zone keeps the first day whole.
  const firstMs = Date.parse(`${first}T00:00:00Z`) - 86_400_000;
  const deleted: Record<string, number> = {};
  const byDate = ['audit_log', 'notes', 'conflicts', 'attendance', 'device_stats'] as const;
  for (const table of byDate)
    deleted[table] = await inSlices(async () => {
      const result = await db
        .deleteFrom(table)
        .where('school_id', '=', school.id)
        .where('date', 'in', (eb) =>
          eb.selectFrom(table).select('date').distinct().where('school_id', '=', school.id).where('date', '<', first).limit(1),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  // An emergency roll call goes with its day, one at a time: its ticks and undos (a school's roster at most), then itself.
  deleted.roll_call_ticks = 0;
  deleted.roll_call_undos = 0;
  deleted.roll_calls = await inSlices(async () => {
    const old = await db
      .selectFrom('roll_calls')
      .select('id')
      .where('school_id', '=', school.id)
      .where('date', '<', first)
      .limit(1)
      .executeTakeFirst();
    if (!old) return 0;
    const ticks = await db.deleteFrom('roll_call_ticks').where('roll_call_id', '=', old.id).executeTakeFirst();
    deleted.roll_call_ticks = (deleted.roll_call_ticks ?? 0) + Number(ticks.numDeletedRows);
    const undos = await db.deleteFrom('roll_call_undos').where('roll_call_id', '=', old.id).executeTakeFirst();
    deleted.roll_call_undos = (deleted.roll_call_undos ?? 0) + Number(undos.numDeletedRows);
    const call = await db.deleteFrom('roll_calls').where('id', '=', old.id).executeTakeFirst();
    return Number(call.numDeletedRows);
  });
  deleted.ops = await deleteBefore(db, 'ops', 'received_at', school.id, firstMs);
  deleted.changes = await deleteBefore(db, 'changes', 'at', school.id, firstMs);
  deleted.admin_log = await deleteBefore(db, 'admin_log', 'at', school.id, firstMs);
  return { schoolId: school.id, keptFrom: first, deleted };
}

/** Every school's pruning, one after another; a school that fails is reported and the others still pruned. */
export async function pruneAll(
  db: Db,
  now: number,
  report: (result: Pruned | { schoolId: string; error: unknown }) => void,
): Promise<void> {
  const schools = await db.selectFrom('schools').selectAll().execute();
  for (const school of schools) {
    try {
      report(await pruneSchool(db, school, now));
    } catch (error) {
      report({ schoolId: school.id, error });
    }
  }
}

/** Repeats `slice` until it deletes nothing; the total deleted. */
async function inSlices(slice: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await slice();
    total += n;
    if (n === 0) return total;
  }
}

async function deleteBefore(
  db: Db,
  table: 'ops' | 'changes' | 'admin_log',
  column: 'received_at' | 'at',
  schoolId: string,
  beforeMs: number,
): Promise<number> {
  const key = sql.ref(table === 'ops' ? 'op_id' : table === 'changes' ? 'seq' : 'id');
  return inSlices(async () => {
    const result = await sql`DELETE FROM ${sql.table(table)} WHERE school_id = ${schoolId} AND ${key} IN (
        SELECT ${key} FROM ${sql.table(table)} WHERE school_id = ${schoolId} AND ${sql.ref(column)} < ${beforeMs} LIMIT ${PRUNE_SLICE})`.execute(
      db,
    );
    return Number(result.numAffectedRows ?? 0);
  });
}

/** Prunes every school once the app is ready and every `everyMs` after, logging what went; stops with the app. */
export function pruneOnSchedule(app: FastifyInstance, db: Db, now: () => number, everyMs: number): void {
  let running: Promise<void> | null = null;
  const run = (): void => {
    running ??= pruneAll(db, now(), (result) => {
      if ('error' in result) app.log.error({ schoolId: result.schoolId, err: result.error }, 'pruning old records failed');
      else if (Object.values(result.deleted).some((n) => n > 0)) app.log.info(result, 'pruned records older than the school keeps');
    }).finally(() => {
      running = null;
    });
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  app.addHook('onReady', async () => run());
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
