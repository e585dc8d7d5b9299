/** Staff accounts: creation, sign-in with attempt limits, sessions, password changes. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { Db } from '../db/open-database.ts';
import type { StaffRole } from '../../shared/account-protocol.ts';
import type { Database } from '../db/schema.ts';
import { AttemptLimiter, releaseAttempt, reserveAttempt, type Attempt } from './attempt-limiter.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, oneTimePassword, verifyPassword } from './password.ts';
import { isWeakPassword } from './password-strength.ts';
import { SESSION_LIFETIME_MS } from './principal.ts';
import { newSecret, sha256 } from './secrets.ts';

export interface NewStaff {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
  schoolIds: string[];
  mustChangePassword?: boolean;
  /** A hash made already (of `password`), to skip hashing again. */
  passwordHash?: string | undefined;
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createStaff(db: Kysely<Database>, staff: NewStaff, now = Date.now()): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('staff')
    .values({
      id,
      email: normalizeEmail(staff.email),
      name: staff.name,
      role: staff.role,
      password_hash: staff.passwordHash ?? (await hashPassword(staff.password)),
      must_change_password: staff.mustChangePassword ? 1 : 0,
      created_at: now,
    })
    .execute();
  if (staff.schoolIds.length > 0)
    await db
      .insertInto('staff_schools')
      .values(staff.schoolIds.map((school_id) => ({ staff_id: id, school_id })))
      .execute();
  return id;
}

/** Links a person to one more school: an admin who has just created it works for it. */
export async function linkToSchool(db: Kysely<Database>, staffId: string, schoolId: string): Promise<void> {
  await db
    .insertInto('staff_schools')
    .values({ staff_id: staffId, school_id: schoolId })
    .onConflict((oc) => oc.columns(['staff_id', 'school_id']).doNothing())
    .execute();
}

/** The session with this hash acts for `schoolId` from now on. */
export async function actFor(db: Kysely<Database>, sessionHash: string, schoolId: string): Promise<void> {
  await db.updateTable('staff_sessions').set({ school_id: schoolId }).where('id_hash', '=', sessionHash).execute();
}

export interface FirstAdmin {
  email: string;
  password: string;
}

/**
 * On a server with no staff at all, makes the first admin (for every school
 * there is) with a one-time password, returned so start-up prints it once.
 * It must be changed at the first sign-in.
 */
export async function ensureFirstAdmin(db: Db, now = Date.now()): Promise<FirstAdmin | null> {
  // Accounts a roster import made cannot sign in until an admin gives them a password: they do not count.
  const any = await db.selectFrom('staff').select('id').where('source_id', 'is', null).limit(1).executeTakeFirst();
  if (any) return null;
  const schools = await db.selectFrom('schools').select('id').execute();
  const password = oneTimePassword();
  await createStaff(
    db,
    { email: 'admin', name: 'Administrator', role: 'admin', password, schoolIds: schools.map((s) => s.id), mustChangePassword: true },
    now,
  );
  return { email: 'admin', password };
}

/**
 * In 15 minutes: five wrong passwords for one account from one address, or
 * twenty from one address, or fifty for one account from anywhere, and the
 * next try waits. Only the first counts where the person signed in lately
 * (KNOWN_FOR_MS): strangers guessing from other addresses, however many,
 * never stop a person at their own desk.
 */
const WINDOW_MS = 15 * 60 * 1000;
const KNOWN_FOR_MS = 90 * 24 * 60 * 60 * 1000;

export class SignIn {
  private readonly byAccountAndAddress: AttemptLimiter;
  private readonly byAddress: AttemptLimiter;
  private readonly byAccount: AttemptLimiter;
  private readonly passwordChanges: AttemptLimiter;
  /** Verified against when the account does not exist, so timing does not tell which names exist. */
  private readonly decoy = hashPassword(newSecret('dls'));

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.byAccountAndAddress = new AttemptLimiter(db, { scope: 'sign-in:account+address', maxFailures: 5, windowMs: WINDOW_MS });
    this.byAddress = new AttemptLimiter(db, { scope: 'sign-in:address', maxFailures: 20, windowMs: WINDOW_MS });
    this.byAccount = new AttemptLimiter(db, { scope: 'sign-in:account', maxFailures: 50, windowMs: WINDOW_MS });
    this.passwordChanges = new AttemptLimiter(db, { scope: 'password-change:account', maxFailures: 5, windowMs: WINDOW_MS });
  }

  /** Checks the password and opens a session; returns the cookie value (shown to nobody else). */
  async signIn(
    input: { email: string; password: string; schoolId?: string },
    address: string,
  ): Promise<{ cookie: string; expiresAt: number }> {
    const email = normalizeEmail(input.email);
    const now = this.now();
    const pair = `${email}\u0000${address}`;
    const staff = await this.db
      .selectFrom('staff')
      .select(['id', 'password_hash', 'role', 'deactivated_at'])
      .where('email', '=', email)
      .executeTakeFirst();
    const known =
      staff !== undefined &&
      (await this.db
        .selectFrom('known_sign_in_addresses')
        .select('last_at')
        .where('staff_id', '=', staff.id)
        .where('address_hash', '=', sha256(address))
        .where('last_at', '>', now - KNOWN_FOR_MS)
        .executeTakeFirst()) !== undefined;
    const limits: Attempt[] = [{ limiter: this.byAccountAndAddress, key: pair }];
    if (!known) limits.push({ limiter: this.byAddress, key: address }, { limiter: this.byAccount, key: email });
    // Counted as a failure before the password is hashed: a burst of concurrent guesses gets no more tries than one after another.
    const wait = await reserveAttempt(this.db, limits, now);
    if (wait > 0) throw new DoorlineError('too-many-attempts', { retryAfterSeconds: Math.ceil(wait / 1000) });
    const ok = await verifyPassword(input.password, staff?.password_hash ?? (await this.decoy));
    if (!staff || !ok) throw new DoorlineError('sign-in-failed');
    // Said only to someone who knows the password: a switched-off account opens no session.
    if (staff.deactivated_at !== null) throw new DoorlineError('account-deactivated');
    await this.byAccountAndAddress.succeed(pair);
    await releaseAttempt(this.db, limits.slice(1), now);
    await this.db
      .insertInto('known_sign_in_addresses')
      .values({ staff_id: staff.id, address_hash: sha256(address), last_at: now })
      .onConflict((oc) => oc.columns(['staff_id', 'address_hash']).doUpdateSet({ last_at: now }))
      .execute();
    const schools = await this.db
      .selectFrom('staff_schools')
      .innerJoin('schools', 'schools.id', 'staff_schools.school_id')
      .select('schools.id')
      .where('staff_schools.staff_id', '=', staff.id)
      .orderBy('schools.created_at')
      .orderBy('schools.id')
      .execute();
    const school = input.schoolId === undefined ? schools[0] : schools.find((s) => s.id === input.schoolId);
    // An admin with no school yet (the first one of an empty server) signs in to create one; nobody else can act without one.
    const settingUp = schools.length === 0 && input.schoolId === undefined && staff.role === 'admin';
    if (!school && !settingUp)
      throw new DoorlineError(
        input.schoolId === undefined ? 'no-school' : 'forbidden',
        input.schoolId === undefined ? undefined : { schoolId: input.schoolId },
      );
    const cookie = newSecret('dls');
    const expiresAt = now + SESSION_LIFETIME_MS;
    await this.db.deleteFrom('staff_sessions').where('expires_at', '<=', now).execute();
    await this.db
      .insertInto('staff_sessions')
      .values({ id_hash: sha256(cookie), staff_id: staff.id, school_id: school?.id ?? null, created_at: now, expires_at: expiresAt })
      .execute();
    return { cookie, expiresAt };
  }

  /** The session acts for another school of the person's (checked by the caller) from its next request. */
  async actFor(sessionHash: string, schoolId: string): Promise<void> {
    await actFor(this.db, sessionHash, schoolId);
  }

  async signOut(sessionHash: string): Promise<void> {
    await this.db.deleteFrom('staff_sessions').where('id_hash', '=', sessionHash).execute();
  }

  /** A new password ends every other session of the account. */
  async changePassword(staffId: string, sessionHash: string, current: string, next: string): Promise<void> {
    const now = this.now();
    const wait = await this.passwordChanges.retryAfter(staffId, now);
    if (wait > 0) throw new DoorlineError('too-many-attempts', { retryAfterSeconds: Math.ceil(wait / 1000) });
    const staff = await this.db
      .selectFrom('staff')
      .select(['password_hash', 'email', 'name'])
      .where('id', '=', staffId)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(current, staff.password_hash))) {
      await this.passwordChanges.fail(staffId, now);
      throw new DoorlineError('sign-in-failed', { field: 'currentPassword' });
    }
    if (next === current || isWeakPassword(next, [staff.email, staff.name, current]))
      throw new DoorlineError('weak-password', { min: MIN_PASSWORD_LENGTH });
    const hash = await hashPassword(next);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('staff').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', staffId).execute();
      await trx.deleteFrom('staff_sessions').where('staff_id', '=', staffId).where('id_hash', '!=', sessionHash).execute();
    });
  }
}
