/**
 * Writes a school's roster plan (roster-diff.ts) inside the caller's
 * transaction: students added, changed, marked as left (never deleted: their
 * history stays theirs), homerooms, staff accounts and their homerooms. When
 * students changed, the school's roster version rises and the change feed
 * says so, so every kiosk loads the new roster at its next pull.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { rosterChanged } from '../change-feed.ts';
import { insertInSlices } from '../db/in-slices.ts';
import type { Database } from '../db/schema.ts';
import { fullName } from './incoming-roster.ts';
import type { RosterPlan } from './roster-diff.ts';

/**
 * A password hash nothing verifies to (it is not in password.ts's scrypt
 * form): an imported account cannot sign in until an admin gives it a
 * one-time password.
 */
const unusableHash = (): string => `unusable$${randomBytes(24).toString('base64url')}`;

export interface Applied {
  rosterChanged: boolean;
  rosterVersion: number;
}

export async function applyRosterPlan(trx: Transaction<Database>, schoolId: string, plan: RosterPlan, now: number): Promise<Applied> {
  const { students, homerooms, staff } = plan;

  for (const h of homerooms.renamed) {
    await trx.updateTable('homerooms').set({ name: h.to }).where('school_id', '=', schoolId).where('source_id', '=', h.sourceId).execute();
    await trx
      .updateTable('staff_homerooms')
      .set({ homeroom: h.to })
      .where('school_id', '=', schoolId)
      .where('homeroom', '=', h.from)
      .execute();
  }
  for (const h of homerooms.linked)
    await trx
      .updateTable('homerooms')
      .set({ source_id: h.sourceId })
      .where('school_id', '=', schoolId)
      .where('name', '=', h.name)
      .execute();
  await insertInSlices(
    trx,
    'homerooms',
    homerooms.added.map((h) => ({ school_id: schoolId, name: h.name, source_id: h.sourceId, created_at: now })),
  );

  // Card numbers may swap between two students: each changed number is parked on the student's own id first.
  const renumbered = students.changed.filter((c) => c.fields.includes('studentNumber'));
  for (const c of renumbered)
    await trx
      .updateTable('students')
      .set({ student_number: `renumbering ${c.id}` })
      .where('id', '=', c.id)
      .execute();
  for (const c of students.changed) {
    await trx
      .updateTable('students')
      .set({ ...c.after, left_at: null, updated_at: now })
      .where('id', '=', c.id)
      .execute();
  }
  for (const s of students.leaving)
    await trx.updateTable('students').set({ left_at: now, updated_at: now }).where('id', '=', s.id).execute();
  await insertInSlices(
    trx,
    'students',
    students.added.map((s) => ({
      id: randomUUID(),
      school_id: schoolId,
      student_number: s.student_number,
      name: s.name,
      homeroom: s.homeroom,
      created_at: now,
      source_id: s.source_id,
      given_name: s.given_name,
      family_name: s.family_name,
      grade: s.grade,
      left_at: null,
      updated_at: now,
    })),
  );

  if (staff) {
    for (const s of staff.added) {
      const id = randomUUID();
      await trx
        .insertInto('staff')
        .values({
          id,
          email: s.email,
          name: fullName(s.givenName, s.familyName),
          role: s.role,
          password_hash: unusableHash(),
          must_change_password: 1,
          created_at: now,
          source_id: s.sourceId,
        })
        .execute();
      await trx.insertInto('staff_schools').values({ staff_id: id, school_id: schoolId }).execute();
      await insertInSlices(
        trx,
        'staff_homerooms',
        s.homerooms.map((homeroom) => ({ staff_id: id, school_id: schoolId, homeroom })),
      );
    }
    for (const c of staff.changed) {
      const s = c.incoming;
      await trx
        .updateTable('staff')
        .set({ email: s.email, name: fullName(s.givenName, s.familyName), role: s.role, source_id: s.sourceId, deactivated_at: null })
        .where('id', '=', c.id)
        .execute();
      if (c.fields.includes('school')) await trx.insertInto('staff_schools').values({ staff_id: c.id, school_id: schoolId }).execute();
      if (c.fields.includes('homerooms')) {
        await trx.deleteFrom('staff_homerooms').where('staff_id', '=', c.id).where('school_id', '=', schoolId).execute();
        await insertInSlices(
          trx,
          'staff_homerooms',
          c.homerooms.map((homeroom) => ({ staff_id: c.id, school_id: schoolId, homeroom })),
        );
      }
    }
    for (const s of staff.leaving) {
      await trx.deleteFrom('staff_homerooms').where('staff_id', '=', s.id).where('school_id', '=', schoolId).execute();
      // An account switched off keeps its one link, so it stays listed under the school it left.
      if (!s.deactivate) await trx.deleteFrom('staff_schools').where('staff_id', '=', s.id).where('school_id', '=', schoolId).execute();
      else {
        await trx.updateTable('staff').set({ deactivated_at: now }).where('id', '=', s.id).execute();
        await trx.deleteFrom('staff_sessions').where('staff_id', '=', s.id).execute();
      }
    }
  }

  const changed = students.added.length + students.changed.length + students.leaving.length > 0;
  if (changed) return { rosterChanged: true, rosterVersion: await rosterChanged(trx, schoolId, now) };
  const school = await trx.selectFrom('schools').select('roster_version').where('id', '=', schoolId).executeTakeFirstOrThrow();
  return { rosterChanged: false, rosterVersion: Number(school.roster_version) };
}
