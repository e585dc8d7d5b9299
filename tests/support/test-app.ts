/**
 * An in-process server with the demo school, its demo accounts and one
 * paired kiosk, for `app.inject`: on an in-memory SQLite database, or on
 * this test file's own PostgreSQL database, emptied for each app.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildApp, type AppOptions, type ServerTimeouts } from '../../src/server/app.ts';
import type { BackPressureOptions } from '../../src/server/back-pressure.ts';
import { migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { createPairingCode } from '../../src/server/pairing.ts';
import type { Op } from '../../src/shared/protocol.ts';
import { postgresForThisFile, type TestDatabase } from './databases.ts';
import { DEMO_PASSWORDS } from './demo-passwords.ts';

/** The Origin of requests made by the test app's own pages. */
export const ORIGIN = 'http://localhost:80';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  kioskId: string;
  schoolId: string;
  /** The paired kiosk's device id and token. */
  deviceId: string;
  token: string;
  /** The server's clock; move it to expire sessions and codes. */
  clock: { now: number };
  /** A request as the paired kiosk's service worker makes it. */
  asKiosk: (options: InjectOptions | string) => Promise<LightMyRequestResponse>;
  /** `POST /api/sync` of these ops as a JSON batch from the paired kiosk. */
  syncAsKiosk: (ops: readonly unknown[]) => Promise<LightMyRequestResponse>;
  /** Signs a demo account in; the answer's headers make a request as that person from the app's own pages. */
  signIn: (role: 'teacher' | 'office' | 'admin') => Promise<Record<string, string>>;
  /** Pairs another kiosk device of the demo school; returns its token. */
  pair: (deviceId: string) => Promise<string>;
  close: () => Promise<void>;
}

let deviceCounter = 0;

/** Connections each test app may hold: files run side by side, and the server takes 100 in all. */
const TEST_POOL = 3;

/** A migrated database with nothing in it. */
async function emptyDatabase(kind: TestDatabase): Promise<Db> {
  if (kind === 'sqlite') {
    const db = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrate(db);
    return db;
  }
  const { url, fresh } = await postgresForThisFile();
  const db = openDatabase({ kind: 'postgres', url, shown: url, pool: TEST_POOL });
  if (fresh) await migrate(db);
  else {
    const tables = await sql<{
      name: string;
    }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'`.execute(
      db,
    );
    await sql`truncate table ${sql.join(tables.rows.map((t) => sql.table(t.name)))} restart identity cascade`.execute(db);
  }
  return db;
}

export async function startTestApp(
  options: {
    database?: TestDatabase;
    publicDir?: string;
    backPressure?: BackPressureOptions;
    timeouts?: Partial<ServerTimeouts>;
    /** As config.ts PUBLIC_URL gives it; none by default, as on a server listening on loopback. */
    publicOrigin?: string;
    /** Whose X-Forwarded-* to believe; by default the tests' own (see below). */
    trustProxy?: boolean;
  } & Pick<AppOptions, 'logLevel' | 'logStream' | 'metricsToken'> = {},
): Promise<TestApp> {
  const { database = 'sqlite', ...appOptions } = options;
  const db = await emptyDatabase(database);
  await ensureDemoSchool(db);
  await ensureDemoAccounts(db, Date.now(), DEMO_PASSWORDS);
  const clock = { now: Date.now() };
  // Tests play the school's proxy: X-Forwarded-For names the client.
  const app = await buildApp({ db, now: () => clock.now, trustProxy: true, ...appOptions });
  const kiosk = await db.selectFrom('kiosks').select(['id', 'school_id']).executeTakeFirstOrThrow();

  const pair = async (deviceId: string): Promise<string> => {
    const { code } = await createPairingCode(db, { schoolId: kiosk.school_id, kioskId: kiosk.id, createdBy: 'test', now: clock.now });
    const response = await app.inject({ method: 'POST', url: '/api/pair', payload: { v: 1, code, deviceId, appVersion: '0.2.0' } });
    if (response.statusCode !== 200) throw new Error(`pairing failed: ${response.body}`);
    return (response.json() as { token: string }).token;
  };
  deviceCounter++;
  const deviceId = `0000000${deviceCounter}-test-kiosk-device`.slice(-36);
  const token = await pair(deviceId);

  const asKiosk = (request: InjectOptions | string): Promise<LightMyRequestResponse> => {
    const opts: InjectOptions = typeof request === 'string' ? { url: request } : request;
    return app.inject({ ...opts, headers: { authorization: `Bearer ${token}`, ...(opts.headers ?? {}) } });
  };

  const syncAsKiosk = (ops: readonly unknown[]): Promise<LightMyRequestResponse> =>
    asKiosk({ method: 'POST', url: '/api/sync', payload: { v: 1, type: 'sync', deviceId, kioskId: kiosk.id, ops } });

  const signIn = async (role: 'teacher' | 'office' | 'admin'): Promise<Record<string, string>> => {
    const account = DEMO_ACCOUNTS.find((a) => a.role === role);
    if (!account) throw new Error(`no demo ${role}`);
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN },
      payload: { v: 1, email: account.email, password: DEMO_PASSWORDS[role] },
    });
    if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
    const cookie = String(response.headers['set-cookie']).split(';')[0] ?? '';
    return { cookie, origin: ORIGIN };
  };

  return {
    app,
    db,
    kioskId: kiosk.id,
    schoolId: kiosk.school_id,
    deviceId,
    token,
    clock,
    asKiosk,
    syncAsKiosk,
    signIn,
    pair,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

/** How many rows a table holds. */
export async function countRows(db: Db, table: 'ops' | 'attendance' | 'notes'): Promise<number> {
  const { n } = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

let opCounter = 0;
/** Base 32 counts in 0-9A-V; ULIDs leave out I, L, O and U. W to Z never occur in the count, so each stands in for one of them. */
const ULID_STAND_INS: Record<string, string> = { I: 'W', L: 'X', O: 'Y', U: 'Z' };

/** A fresh ULID-shaped op id; monotonic within a test run. */
export function opId(): string {
  opCounter++;
  return `01JD${opCounter.toString(32).toUpperCase().padStart(22, '0')}`.replace(/[ILOU]/g, (c) => ULID_STAND_INS[c] ?? c);
}

export function checkIn(seq: number, studentId: string, at: number, id = opId()): Op {
  return { seq, opId: id, kind: 'check-in', studentId, at, session: 'day', base: 0 };
}
