/** What Doorline holds of a school's roster, read for the diff (roster-diff.ts). */
import type { Kysely, Transaction } from 'kysely';
import { inSlices } from '../db/in-slices.ts';
import type { Database } from '../db/schema.ts';
import type { CurrentRoster, CurrentStaff } from './roster-diff.ts';
import type { IncomingSchool } from './incoming-roster.ts';

type Reader = Kysely<Database> | Transaction<Database>;

export async function currentRoster(db: Reader, schoolId: string, incoming: IncomingSchool): Promise<CurrentRoster> {
  const students = (
    await db
      .selectFrom('students')
      .select(['id', 'student_number', 'source_id', 'given_name', 'family_name', 'name', 'grade', 'homeroom', 'left_at'])
      .where('school_id', '=', schoolId)
      .execute()
  ).map((s) => ({ ...s, left_at: s.left_at === null ? null : Number(s.left_at) }));
  const homerooms = await db.selectFrom('homerooms').select(['name', 'source_id']).where('school_id', '=', schoolId).execute();
  return { schoolId, students, homerooms, staff: incoming.staff === null ? [] : await currentStaff(db, schoolId, incoming) };
}

async function currentStaff(db: Reader, schoolId: string, incoming: IncomingSchool): Promise<CurrentStaff[]> {
  const named = incoming.staff ?? [];
  const columns = ['id', 'email', 'name', 'role', 'source_id', 'deactivated_at'] as const;
  const rows = new Map<string, Omit<CurrentStaff, 'schools' | 'homerooms'>>();
  const keep = (list: Array<Omit<CurrentStaff, 'schools' | 'homerooms'>>): void => {
    for (const row of list) rows.set(row.id, { ...row, deactivated_at: row.deactivated_at === null ? null : Number(row.deactivated_at) });
  };
  keep(
    await inSlices(
      named.map((s) => s.sourceId),
      (ids) => db.selectFrom('staff').select(columns).where('source_id', 'in', ids).execute(),
    ),
  );
  keep(
    await inSlices(
      named.map((s) => s.email).filter((email) => email !== ''),
      (emails) => db.selectFrom('staff').select(columns).where('email', 'in', emails).execute(),
    ),
  );
  keep(
    await db
      .selectFrom('staff')
      .innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id')
      .select(columns.map((c) => `staff.${c}` as const))
      .where('staff_schools.school_id', '=', schoolId)
      .where('staff.source_id', 'is not', null)
      .execute(),
  );
  const ids = [...rows.keys()];
  const links = await inSlices(ids, (slice) =>
    db.selectFrom('staff_schools').select(['staff_id', 'school_id']).where('staff_id', 'in', slice).execute(),
  );
  const homerooms = await inSlices(ids, (slice) =>
    db
      .selectFrom('staff_homerooms')
      .select(['staff_id', 'homeroom'])
      .where('school_id', '=', schoolId)
      .where('staff_id', 'in', slice)
      .execute(),
  );
  return [...rows.values()].map((row) => ({
    ...row,
    schools: links.filter((l) => l.staff_id === row.id).map((l) => l.school_id),
    homerooms: homerooms
      .filter((h) => h.staff_id === row.id)
      .map((h) => h.homeroom)
      .sort(),
  }));
}
