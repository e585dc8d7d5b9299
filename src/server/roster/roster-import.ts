/**
 * The import as one use case: resolve each school of the export (matched on
 * its SIS id, else by name once, else created when the caller may create),
 * diff, and write, all in ONE transaction. A preview (or --dry-run) runs the
 * very same steps and rolls back, so it shows exactly what applying would do,
 * including what one school's import does to staff another school shares.
 *
 * The preview's id is a hash of the file and of every planned change. Apply
 * sends the file again with that id; it is recomputed inside the applying
 * transaction and must match, or nothing is written: what is applied is what
 * the person saw, even if the roster changed in between.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../db/open-database.ts';
import { logAdminAction } from '../admin-log.ts';
import type { Database } from '../db/schema.ts';
import { findSchoolForWriting } from '../school-queries.ts';
import { currentRoster } from './current-roster.ts';
import type { IncomingRoster, IncomingSchool } from './incoming-roster.ts';
import { applyRosterPlan } from './roster-apply.ts';
import { diffRoster, planChanges, staffCounts, studentCounts, type PlanCounts, type RosterPlan, type StudentField } from './roster-diff.ts';
import { problem, type RosterProblem } from './roster-problems.ts';

/** The bell a school the import creates starts with, as the demo school's; its day start is the schema's default. */
export const NEW_SCHOOL_BELL = '08:00';
/** Changed and leaving students listed by name in a preview; the counts cover them all. */
const LISTED = 200;

export interface ImportActor {
  id: string | null;
  name: string;
}

export interface ImportOptions {
  /** Write (true) or only preview (false, rolled back). */
  apply: boolean;
  /** SHA-256 of the uploaded bytes and how they are read (the mapping). */
  fileHash: string;
  /** With `apply`: the preview's id; anything else and nothing is written. */
  previewId?: string;
  actor: ImportActor;
  now: number;
  /** The schools this caller may import into (an admin's); undefined: any (the command line). */
  allowedSchools?: readonly string[];
  /** For a plain CSV: the school it is for. */
  schoolId?: string;
  /** The command line may create the schools it finds: in this time zone. */
  create?: { timeZone: string | undefined };
}

export interface StudentLine {
  studentNumber: string;
  name: string;
  fields: StudentField[];
  before: Partial<Record<StudentField, string | null>>;
  after: Partial<Record<StudentField, string | null>>;
}

export interface SchoolReport {
  schoolId: string;
  sourcedId: string | null;
  name: string;
  created: boolean;
  students: PlanCounts;
  homerooms: number;
  staff: PlanCounts;
  /** How many changed students changed in each field. */
  fields: Partial<Record<StudentField, number>>;
  changed: StudentLine[];
  leaving: Array<{ studentNumber: string; name: string }>;
}

export interface ImportReport {
  dryRun: boolean;
  applied: boolean;
  previewId: string;
  /** Apply was refused because the preview no longer matches. */
  stale: boolean;
  schools: SchoolReport[];
  problems: RosterProblem[];
  /** Schools whose roster changed, for the caller to announce once committed. */
  rosterChanged: string[];
}

class RollBack extends Error {}

const FIELD_VALUE: Record<StudentField, (row: RosterPlan['students']['changed'][number]['after']) => string | null> = {
  studentNumber: (r) => r.student_number,
  name: (r) => r.name,
  grade: (r) => r.grade,
  homeroom: (r) => r.homeroom,
  sourcedId: (r) => r.source_id,
  returned: () => null,
};

function report(school: { id: string; name: string; source_id: string | null }, created: boolean, plan: RosterPlan): SchoolReport {
  const fields: Partial<Record<StudentField, number>> = {};
  for (const c of plan.students.changed) for (const f of c.fields) fields[f] = (fields[f] ?? 0) + 1;
  return {
    schoolId: school.id,
    sourcedId: school.source_id,
    name: school.name,
    created,
    students: studentCounts(plan),
    homerooms: plan.homerooms.count,
    staff: staffCounts(plan),
    fields,
    changed: plan.students.changed.slice(0, LISTED).map((c) => ({
      studentNumber: c.after.student_number,
      name: c.after.name,
      fields: c.fields,
      before: Object.fromEntries(c.fields.map((f) => [f, FIELD_VALUE[f](c.before)])),
      after: Object.fromEntries(c.fields.map((f) => [f, FIELD_VALUE[f](c.after)])),
    })),
    leaving: plan.students.leaving.slice(0, LISTED).map((s) => ({ studentNumber: s.student_number, name: s.name })),
  };
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

type Resolved = { school: { id: string; name: string; source_id: string | null }; created: boolean } | null;

/** The Doorline school an export's school is, or null when this caller may not import it. */
async function resolveSchool(
  trx: Transaction<Database>,
  incoming: IncomingSchool,
  options: ImportOptions,
  problems: RosterProblem[],
): Promise<Resolved> {
  const allowed = (id: string): boolean => options.allowedSchools === undefined || options.allowedSchools.includes(id);
  if (incoming.sourceId === null) {
    if (options.schoolId === undefined || !allowed(options.schoolId)) return null;
    return { school: await findSchoolForWriting(trx, options.schoolId), created: false };
  }
  const bySource = await trx.selectFrom('schools').select('id').where('source_id', '=', incoming.sourceId).executeTakeFirst();
  if (bySource) return allowed(bySource.id) ? { school: await findSchoolForWriting(trx, bySource.id), created: false } : null;
  // A school set up before its SIS: the first import links it by name.
  const byName = await trx
    .selectFrom('schools')
    .select('id')
    .where('name', '=', incoming.name)
    .where('source_id', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
  if (byName && allowed(byName.id)) {
    await findSchoolForWriting(trx, byName.id);
    await trx.updateTable('schools').set({ source_id: incoming.sourceId }).where('id', '=', byName.id).execute();
    return { school: await findSchoolForWriting(trx, byName.id), created: false };
  }
  if (!options.create) return null;
  const zone = options.create.timeZone;
  if (zone === undefined) {
    problems.push(problem('time-zone-required', 'orgs.csv', null, null, `("${incoming.name}")`));
    return null;
  }
  if (!isTimeZone(zone)) {
    problems.push(problem('unknown-time-zone', 'orgs.csv', null, null, `("${zone}")`));
    return null;
  }
  const school = { id: randomUUID(), name: incoming.name, source_id: incoming.sourceId };
  await trx
    .insertInto('schools')
    .values({ ...school, time_zone: zone, bell_time: NEW_SCHOOL_BELL, roster_version: 1, created_at: options.now })
    .execute();
  return { school, created: true };
}

/** What the plans say, without the ids of rows not yet made: the same export on the same roster hashes the same. */
function previewIdOf(fileHash: string, plans: Array<{ sourceId: string | null; name: string; plan: RosterPlan }>): string {
  return createHash('sha256').update(fileHash).update(JSON.stringify(plans)).digest('hex');
}

export async function runRosterImport(db: Db, incoming: IncomingRoster, options: ImportOptions): Promise<ImportReport> {
  const problems = [...incoming.problems];
  const result: ImportReport = {
    dryRun: !options.apply,
    applied: false,
    previewId: '',
    stale: false,
    schools: [],
    problems,
    rosterChanged: [],
  };
  // One order for every import, so two at once lock schools in the same order.
  const schools = [...incoming.schools].sort((a, b) => (a.sourceId ?? '').localeCompare(b.sourceId ?? ''));
  try {
    await db.transaction().execute(async (trx) => {
      const plans: Array<{ sourceId: string | null; name: string; plan: RosterPlan }> = [];
      for (const school of schools) {
        const resolved = await resolveSchool(trx, school, options, problems);
        if (!resolved) continue;
        const plan = diffRoster(await currentRoster(trx, resolved.school.id, school), school);
        problems.push(...plan.problems);
        plans.push({ sourceId: resolved.school.source_id, name: resolved.school.name, plan });
        result.schools.push(report(resolved.school, resolved.created, plan));
        // Any problem so far, the reader's too (one ID on two rows, say), refuses the import: a plan is only
        // written, even in a preview's rolled-back transaction, when nothing is wrong, so bad input is a
        // problem in the report and never a database error.
        if (problems.length > 0) continue;
        const applied = await applyRosterPlan(trx, resolved.school.id, plan, options.now);
        if (applied.rosterChanged) result.rosterChanged.push(resolved.school.id);
        if (!options.apply) continue;
        await logAdminAction(
          trx,
          { schoolId: resolved.school.id, staffId: options.actor.id, name: options.actor.name },
          {
            action: 'roster-imported',
            subject: resolved.school.source_id ?? resolved.school.name,
            details: {
              students: studentCounts(plan),
              homerooms: plan.homerooms.count,
              staff: staffCounts(plan),
              changed: planChanges(plan),
              rosterVersion: applied.rosterVersion,
            },
          },
          options.now,
        );
      }
      if (result.schools.length === 0 && problems.length === 0) problems.push(problem('no-school', 'orgs.csv'));
      result.previewId = previewIdOf(options.fileHash, plans);
      result.stale = options.apply && options.previewId !== undefined && options.previewId !== result.previewId;
      if (!options.apply || problems.length > 0 || result.stale) throw new RollBack();
    });
    result.applied = true;
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    result.rosterChanged = [];
  }
  return result;
}
