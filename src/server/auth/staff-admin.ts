/**
 * Staff accounts as an admin manages them for their school: create (with a
 * one-time password), change name, role and homerooms, deactivate and
 * reactivate, reset a password. A school always keeps an active admin, and
 * no admin switches off or demotes their own account.
 */
import type { Kysely, Transaction } from 'kysely';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { NewStaffInput, StaffChange, StaffView } from '../../shared/people-protocol.ts';
import { changedFields, logAdminAction, type AdminActor } from '../admin-log.ts';
import type { Database } from '../db/schema.ts';
import { findSchoolForWriting } from '../school-queries.ts';
import { schoolHomerooms } from '../students.ts';
import { createStaff } from './accounts.ts';
import { hashPassword, oneTimePassword } from './password.ts';
import { byHomeroom } from '../../shared/homeroom-order.ts';

type StaffRow = {
  id: string;
  name: string;
  email: string;
  role: StaffView['role'];
  deactivated_at: number | null;
  must_change_password: number;
};

/** The homerooms a person takes the roll for in this school, in reading order. */
export async function homeroomsOf(db: Kysely<Database>, staffId: string, schoolId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('staff_homerooms')
    .select('homeroom')
    .where('staff_id', '=', staffId)
    .where('school_id', '=', schoolId)
    .execute();
  return rows.map((r) => r.homeroom).sort(byHomeroom);
}

function staffOfSchool(db: Kysely<Database>, schoolId: string) {
  return db
    .selectFrom('staff')
    .innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id')
    .select(['staff.id', 'staff.name', 'staff.email', 'staff.role', 'staff.deactivated_at', 'staff.must_change_password'])
    .where('staff_schools.school_id', '=', schoolId);
}

function toView(row: StaffRow, homerooms: string[]): StaffView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    homerooms,
    deactivatedAt: row.deactivated_at === null ? null : Number(row.deactivated_at),
    mustChangePassword: row.must_change_password === 1,
  };
}

export async function listStaff(db: Kysely<Database>, schoolId: string): Promise<StaffView[]> {
  const rows = await staffOfSchool(db, schoolId).orderBy('staff.name').orderBy('staff.email').execute();
  const links = await db.selectFrom('staff_homerooms').select(['staff_id', 'homeroom']).where('school_id', '=', schoolId).execute();
  const homerooms = new Map<string, string[]>();
  for (const link of links) homerooms.set(link.staff_id, [...(homerooms.get(link.staff_id) ?? []), link.homeroom]);
  return rows.map((row) => toView(row, (homerooms.get(row.id) ?? []).sort(byHomeroom)));
}

async function staffRow(db: Kysely<Database>, schoolId: string, staffId: string): Promise<StaffRow> {
  const row = await staffOfSchool(db, schoolId).where('staff.id', '=', staffId).executeTakeFirst();
  if (!row) throw new DoorlineError('staff-not-found', { staffId });
  return row;
}

async function refuseUnknownHomerooms(db: Kysely<Database>, schoolId: string, homerooms: readonly string[]): Promise<void> {
  if (homerooms.length === 0) return;
  const known = new Set(await schoolHomerooms(db, schoolId));
  const unknown = homerooms.find((h) => !known.has(h));
  if (unknown !== undefined) throw new DoorlineError('unknown-homeroom', { homeroom: unknown });
}

async function setHomerooms(trx: Kysely<Database>, staffId: string, schoolId: string, homerooms: readonly string[]): Promise<void> {
  await trx.deleteFrom('staff_homerooms').where('staff_id', '=', staffId).where('school_id', '=', schoolId).execute();
  if (homerooms.length > 0)
    await trx
      .insertInto('staff_homerooms')
      .values(homerooms.map((homeroom) => ({ staff_id: staffId, school_id: schoolId, homeroom })))
      .execute();
}

/** Refuses a change that would leave the school with no active admin. */
async function keepAnAdmin(trx: Kysely<Database>, schoolId: string, target: StaffRow): Promise<void> {
  if (target.role !== 'admin' || target.deactivated_at !== null) return;
  const other = await staffOfSchool(trx, schoolId)
    .where('staff.role', '=', 'admin')
    .where('staff.deactivated_at', 'is', null)
    .where('staff.id', '!=', target.id)
    .executeTakeFirst();
  if (!other) throw new DoorlineError('last-admin', { staffId: target.id });
}

function refuseOwn(actor: AdminActor, staffId: string, doing: string): void {
  if (actor.staffId === staffId) throw new DoorlineError('own-account', { staffId, doing });
}

/** One school's staff changes run one after another, so two admins cannot each switch off the other, the last two. */
function staffWrite<T>(db: Kysely<Database>, schoolId: string, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await findSchoolForWriting(trx, schoolId);
    return work(trx);
  });
}

export async function createStaffAccount(
  db: Kysely<Database>,
  actor: AdminActor,
  input: NewStaffInput,
  now: number,
): Promise<{ staff: StaffView; oneTimePassword: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  const email = input.email.trim().toLowerCase();
  await refuseUnknownHomerooms(db, actor.schoolId, input.homerooms);
  const staff = await staffWrite(db, actor.schoolId, async (trx) => {
    const taken = await trx.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirst();
    if (taken) throw new DoorlineError('email-taken', { email });
    const id = await createStaff(
      trx,
      { email, name: input.name, role: input.role, password, passwordHash, schoolIds: [actor.schoolId], mustChangePassword: true },
      now,
    );
    await setHomerooms(trx, id, actor.schoolId, input.homerooms);
    await logAdminAction(
      trx,
      actor,
      { action: 'staff-added', subject: email, details: { name: input.name, role: input.role, homerooms: input.homerooms } },
      now,
    );
    return toView(
      { id, name: input.name, email, role: input.role, deactivated_at: null, must_change_password: 1 },
      [...input.homerooms].sort(byHomeroom),
    );
  });
  return { staff, oneTimePassword: password };
}

export async function changeStaffAccount(
  db: Kysely<Database>,
  actor: AdminActor,
  staffId: string,
  change: StaffChange,
  now: number,
): Promise<StaffView> {
  if (change.homerooms) await refuseUnknownHomerooms(db, actor.schoolId, change.homerooms);
  return staffWrite(db, actor.schoolId, async (trx) => {
    const row = await staffRow(trx, actor.schoolId, staffId);
    const role = change.role ?? row.role;
    if (role !== row.role) {
      refuseOwn(actor, staffId, 'change-role');
      if (row.role === 'admin') await keepAnAdmin(trx, actor.schoolId, row);
    }
    const before = await homeroomsOf(trx, staffId, actor.schoolId);
    // Only a teacher has homerooms: a person who stops teaching keeps none.
    const homerooms = role === 'teacher' ? [...(change.homerooms ?? before)].sort(byHomeroom) : [];
    if (role !== 'teacher' && (change.homerooms?.length ?? 0) > 0)
      throw new DoorlineError('invalid-body', { path: '$.homerooms', problem: 'only a teacher has homerooms' });
    const name = change.name ?? row.name;
    await trx.updateTable('staff').set({ name, role }).where('id', '=', staffId).execute();
    await setHomerooms(trx, staffId, actor.schoolId, homerooms);
    await logAdminAction(
      trx,
      actor,
      {
        action: 'staff-changed',
        subject: row.email,
        details: changedFields({ name: row.name, role: row.role, homerooms: before }, { name, role, homerooms }),
      },
      now,
    );
    return toView({ ...row, name, role }, homerooms);
  });
}

/** Switches an account off (its sessions end at once) or on again. */
export async function setStaffActive(
  db: Kysely<Database>,
  actor: AdminActor,
  staffId: string,
  active: boolean,
  now: number,
): Promise<StaffView> {
  return staffWrite(db, actor.schoolId, async (trx) => {
    const row = await staffRow(trx, actor.schoolId, staffId);
    if (!active) {
      refuseOwn(actor, staffId, 'deactivate');
      await keepAnAdmin(trx, actor.schoolId, row);
    }
    const deactivatedAt = active ? null : row.deactivated_at === null ? now : Number(row.deactivated_at);
    await trx.updateTable('staff').set({ deactivated_at: deactivatedAt }).where('id', '=', staffId).execute();
    if (!active) await trx.deleteFrom('staff_sessions').where('staff_id', '=', staffId).execute();
    if ((row.deactivated_at === null) !== active)
      await logAdminAction(
        trx,
        actor,
        { action: active ? 'staff-reactivated' : 'staff-deactivated', subject: row.email, details: {} },
        now,
      );
    return toView({ ...row, deactivated_at: deactivatedAt }, await homeroomsOf(trx, staffId, actor.schoolId));
  });
}

/** A new one-time password, to be changed at the next sign-in; every open session of the account ends. */
export async function resetStaffPassword(
  db: Kysely<Database>,
  actor: AdminActor,
  staffId: string,
  now: number,
): Promise<{ staff: StaffView; oneTimePassword: string }> {
  refuseOwn(actor, staffId, 'reset-password');
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  const staff = await staffWrite(db, actor.schoolId, async (trx) => {
    const row = await staffRow(trx, actor.schoolId, staffId);
    await trx.updateTable('staff').set({ password_hash: passwordHash, must_change_password: 1 }).where('id', '=', staffId).execute();
    await trx.deleteFrom('staff_sessions').where('staff_id', '=', staffId).execute();
    await logAdminAction(trx, actor, { action: 'password-reset', subject: row.email, details: {} }, now);
    return toView({ ...row, must_change_password: 1 }, await homeroomsOf(trx, staffId, actor.schoolId));
  });
  return { staff, oneTimePassword: password };
}
