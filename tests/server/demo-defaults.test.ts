import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, demoPairingCode, ensureDemoAccounts, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { buildApp } from '../../src/server/app.ts';
import { databases, postgresForThisFile, type TestDatabase } from '../support/databases.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { ORIGIN } from '../support/test-app.ts';
import { sql } from 'kysely';

let db: Db | null = null;
afterEach(async () => {
  await db?.destroy();
  db = null;
});

/** A migrated, empty database with the demo school and no accounts. */
async function demoSchoolOn(kind: TestDatabase): Promise<Db> {
  if (kind === 'sqlite') db = openDatabase({ kind: 'sqlite', file: ':memory:' });
  else {
    const { url } = await postgresForThisFile();
    db = openDatabase({ kind: 'postgres', url, shown: url, pool: 2 });
    await sql`drop schema public cascade`.execute(db);
    await sql`create schema public`.execute(db);
  }
  await migrate(db);
  await ensureDemoSchool(db);
  return db;
}

describe.each(databases())('on %s, a fresh demo school', (kind) => {
  it('gives each demo account a generated password, shown once, that signs in; the documented ones do not', async () => {
    const db = await demoSchoolOn(kind);
    const made = await ensureDemoAccounts(db);
    expect(made.map((a) => a.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
    expect(new Set(made.map((a) => a.password)).size).toBe(3);
    const app = await buildApp({ db });
    try {
      for (const account of made) {
        expect(account.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
        const signIn = (password: string) =>
          app.inject({
            method: 'POST',
            url: '/api/session',
            headers: { origin: ORIGIN },
            payload: { v: 1, email: account.email, password },
          });
        expect((await signIn(`riverside-${account.role}`)).statusCode).toBe(401);
        const response = await signIn(account.password);
        expect(response.statusCode).toBe(200);
        // A demo account is for trying things out at once: no password change stands in the way.
        expect(response.json().mustChangePassword).toBe(false);
      }
    } finally {
      await app.close();
    }
    expect(await ensureDemoAccounts(db)).toEqual([]);
  });

  it('takes the passwords it is given instead', async () => {
    const db = await demoSchoolOn(kind);
    const made = await ensureDemoAccounts(db, Date.now(), { admin: DEMO_PASSWORDS.admin });
    expect(made.find((a) => a.role === 'admin')?.password).toBe(DEMO_PASSWORDS.admin);
    expect(made.find((a) => a.role === 'teacher')?.password).not.toBe(DEMO_PASSWORDS.teacher);
  });

  it('prints a start-up pairing code that lasts 15 minutes, like any other', async () => {
    const db = await demoSchoolOn(kind);
    const now = Date.now();
    const pairing = await demoPairingCode(db, now);
    expect(pairing?.kioskName).toBe('Main entrance');
    const row = await db.selectFrom('pairing_codes').select('expires_at').executeTakeFirstOrThrow();
    expect(Number(row.expires_at) - now).toBe(15 * 60 * 1000);
  });
});
