/**
 * A regional host's morning against real server processes: KIOSKS simulated
 * kiosks (Node, the real codec and gzip, the headers a kiosk's worker
 * sends) spread over SCHOOLS schools (10 kiosks a school unless told), each
 * school made through the admin API (`POST /api/schools`, its STUDENTS
 * students through `POST /api/students`, a kiosk each through
 * `POST /api/kiosks`) and each kiosk paired through the pairing API with a
 * token of its own. The kiosks arrive spread over SPREAD_MS, each sending
 * BATCHES batches of BATCH_OPS check-ins every BATCH_EVERY_MS with one
 * request in flight, as a kiosk's outbox does. A 503 or 429 is waited out as
 * its Retry-After asks and sent again, as the worker does; anything else is
 * an error. At the end the ops table is counted per device: lost = sent −
 * stored, duplicated = rows beyond one per (device, seq).
 *
 * Configurations: 1 process on SQLite, 1 on PostgreSQL, 2 on PostgreSQL
 * (separate ports, each kiosk alternating between them as a balancer would).
 * Goals: 0 errors, 0 lost, 0 duplicated, p99 ≤ 1 s on each.
 *
 * `--schools=1` puts every kiosk in the demo school instead: the worst case,
 * where every batch waits its turn for that one school's row (ingest holds
 * it for the school's change numbers). `npm run bench -- fleet --kiosks=100`
 * for a quick run; `--students=N` for a bigger or smaller roster a school.
 */
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import Database from 'better-sqlite3';
import { BATCH_MEDIA_TYPE, encodeBatch } from '../../src/shared/batch-codec.ts';
import type { PairingCode } from '../../src/shared/account-protocol.ts';
import type { KioskAnswer } from '../../src/shared/people-protocol.ts';
import type { Op } from '../../src/shared/protocol.ts';
import type { SchoolSettingsView } from '../../src/shared/school-settings.ts';
import { APP_VERSION_HEADER, DEVICE_CLOCK_HEADER, QUEUE_HEADER } from '../../src/shared/sync-headers.ts';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { pairSimulatedKiosk, type SimulatedKiosk } from '../support/kiosk-sync.ts';
import { createTestDatabase, dropTestDatabase, postgresProblem } from '../support/postgres-admin.ts';

const option = (name: string, fallback: number): number => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return raw === undefined ? fallback : Number(raw);
};
const KIOSKS = option('kiosks', 1000);
const BATCHES = 5;
const BATCH_OPS = 30;
const BATCH_EVERY_MS = 3_000;
const SPREAD_MS = option('spread-ms', 60_000);
const SCHOOLS = option('schools', Math.max(1, Math.round(KIOSKS / 10)));
/** The demo school's roster when every kiosk is in it, else each new school's. */
const STUDENTS = SCHOOLS === 1 ? 600 : option('students', 100);
const SET_UP_CONCURRENCY = 8;
const FIRST_STUDENT = 100001;

type Kiosk = SimulatedKiosk;

interface Tally {
  latencies: number[];
  errors: number;
  waitedOut: number;
  firstError: string | null;
}

const deviceIdOf = (k: number): string => `fleet-kiosk-${String(k).padStart(6, '0')}-0000000000000`;

/** A session of the demo admin's own, so several can set schools up at once (a session acts for one school at a time). */
async function adminSession(url: string): Promise<(pathname: string, body?: unknown) => Promise<unknown>> {
  const origin = new URL(url).origin;
  const signIn = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ v: 1, email: 'admin@riverside.example', password: DEMO_PASSWORDS.admin }),
  });
  if (!signIn.ok) throw new Error(`the demo admin could not sign in: ${await signIn.text()}`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return async (pathname, body) => {
    const answer = await fetch(`${url}${pathname}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { cookie, origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!answer.ok) throw new Error(`${pathname} answered ${answer.status}: ${await answer.text()}`);
    return answer.json();
  };
}

/** Runs `task` for 0 … count − 1, one runner per context, each taking the next number when it is free. */
async function inParallel<C>(count: number, contexts: readonly C[], task: (context: C, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async (context: C): Promise<void> => {
    while (next < count) await task(context, next++);
  };
  await Promise.all(contexts.map(runner));
}

/** Every kiosk paired into the demo school, to its one kiosk: the one-school worst case. */
async function pairIntoDemoSchool(server: ServerProcess): Promise<Kiosk[]> {
  const kiosks: Kiosk[] = [];
  await inParallel(
    KIOSKS,
    Array.from({ length: SET_UP_CONCURRENCY }, () => null),
    async (_, k) => {
      kiosks[k] = await pairSimulatedKiosk(server.url, await server.pairingCode(), deviceIdOf(k));
    },
  );
  return kiosks;
}

/** SCHOOLS new schools, each with STUDENTS students and its share of the kiosks (kiosk k in school k mod SCHOOLS), made as an admin would. */
async function setUpSchools(server: ServerProcess): Promise<Kiosk[]> {
  // One sign-in after another: sign-ins still in flight count against the account's limit.
  const sessions: Array<Awaited<ReturnType<typeof adminSession>>> = [];
  for (let i = 0; i < Math.min(SET_UP_CONCURRENCY, SCHOOLS); i++) sessions.push(await adminSession(server.url));
  const template = (await (sessions[0] as (typeof sessions)[number])('/api/school/settings')) as SchoolSettingsView;
  const { absenceReasons: _reasons, ...settings } = template.settings;
  const kiosks: Kiosk[] = [];
  await inParallel(SCHOOLS, sessions, async (api, s) => {
    // The new school is the one this session acts for from here on.
    await api('/api/schools', { v: 1, ...settings, name: `Fleet School ${String(s + 1).padStart(3, '0')}` });
    for (let i = 0; i < STUDENTS; i++) {
      const number = FIRST_STUDENT + i;
      await api('/api/students', {
        v: 1,
        studentId: String(number),
        givenName: 'Student',
        familyName: `No. ${number}`,
        homeroom: `H${i % 10}`,
      });
    }
    for (let k = s; k < KIOSKS; k += SCHOOLS) {
      const made = (await api('/api/kiosks', { v: 1, name: `Door ${Math.floor(k / SCHOOLS) + 1}` })) as KioskAnswer;
      const { code } = (await api('/api/pairing-codes', { v: 1, kioskId: made.kiosk.id })) as PairingCode;
      kiosks[k] = await pairSimulatedKiosk(server.url, code, deviceIdOf(k));
    }
  });
  return kiosks;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One kiosk's morning: its batches, one request in flight, busy answers waited out. */
async function runKiosk(kiosk: Kiosk, index: number, urls: readonly string[], startAt: number, tally: Tally): Promise<void> {
  await sleep(Math.max(0, startAt - Date.now()));
  let request = 0;
  for (let b = 0; b < BATCHES; b++) {
    const due = startAt + b * BATCH_EVERY_MS;
    await sleep(Math.max(0, due - Date.now()));
    const now = Date.now();
    const ops: Op[] = Array.from({ length: BATCH_OPS }, (_, i) => {
      const n = b * BATCH_OPS + i;
      return {
        seq: n + 1,
        kind: 'check-in',
        studentId: String(FIRST_STUDENT + ((index * 7 + n) % STUDENTS)),
        at: now - (BATCH_OPS - i) * 50,
        session: 'day',
        base: 0,
      };
    });
    const body = gzipSync(encodeBatch({ deviceId: kiosk.deviceId, kioskId: kiosk.kioskId, ops }));
    for (;;) {
      const url = urls[(index + request++) % urls.length] as string;
      const started = performance.now();
      let status = 0;
      let retryAfter: string | null = null;
      let text: string;
      try {
        const answer = await fetch(`${url}/api/sync`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${kiosk.token}`,
            'content-type': BATCH_MEDIA_TYPE,
            'content-encoding': 'gzip',
            accept: 'application/json',
            [APP_VERSION_HEADER]: '0.2.0',
            [QUEUE_HEADER]: `${(BATCHES - b) * BATCH_OPS};${ops[0]?.at ?? 0}`,
            [DEVICE_CLOCK_HEADER]: String(Date.now()),
          },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        status = answer.status;
        retryAfter = answer.headers.get('retry-after');
        text = await answer.text();
      } catch (error) {
        text = String(error);
      }
      tally.latencies.push(performance.now() - started);
      if (status === 200) break;
      if ((status === 503 || status === 429) && retryAfter !== null) {
        tally.waitedOut++;
        await sleep(Number(retryAfter) * 1000);
        continue;
      }
      tally.errors++;
      tally.firstError ??= `${status}: ${text.slice(0, 200)}`;
      break;
    }
  }
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

async function storedCounts(query: (sql: string) => Promise<Array<{ rows: number; distinct_seqs: number }>>) {
  const [row] = await query(
    "select count(*) as rows, count(distinct device_id || '/' || seq) as distinct_seqs from ops where device_id like 'fleet-kiosk-%'",
  );
  return { rows: Number(row?.rows ?? 0), distinct: Number(row?.distinct_seqs ?? 0) };
}

async function measure(db: 'sqlite' | 'postgres', processes: number): Promise<void> {
  const pgDatabase = db === 'postgres' ? await createTestDatabase() : null;
  const servers: ServerProcess[] = [];
  try {
    const env = { DATABASE_POOL: '10' };
    for (let p = 0; p < processes; p++) servers.push(await startServer(pgDatabase ? { databaseUrl: pgDatabase.url, env } : { env }));
    const [first] = servers as [ServerProcess];
    console.error(`fleet ${db} ×${processes}: setting up ${SCHOOLS} school(s), pairing ${KIOSKS} kiosks`);
    const kiosks = SCHOOLS === 1 ? await pairIntoDemoSchool(first) : await setUpSchools(first);
    console.error(`fleet ${db} ×${processes}: ${KIOSKS} kiosks arriving over ${SPREAD_MS / 1000} s`);
    const tally: Tally = { latencies: [], errors: 0, waitedOut: 0, firstError: null };
    const began = Date.now() + 500;
    const started = performance.now();
    await Promise.all(
      kiosks.map((kiosk, k) =>
        runKiosk(
          kiosk,
          k,
          servers.map((s) => s.url),
          began + (k / KIOSKS) * SPREAD_MS,
          tally,
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const sent = KIOSKS * BATCHES * BATCH_OPS;
    let counts: { rows: number; distinct: number };
    if (pgDatabase) {
      const client = new pg.Client({ connectionString: pgDatabase.url });
      await client.connect();
      counts = await storedCounts(async (sql) => (await client.query(sql)).rows);
      await client.end();
    } else {
      const file = new Database(first.dbFile, { readonly: true });
      counts = await storedCounts(async (sql) => file.prepare(sql).all() as Array<{ rows: number; distinct_seqs: number }>);
      file.close();
    }
    const sorted = [...tally.latencies].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'fleet',
        db,
        processes,
        schools: SCHOOLS,
        kiosks: KIOSKS,
        ops: sent,
        seconds: Number(seconds.toFixed(1)),
        ops_per_s: Math.round(counts.distinct / seconds),
        requests: tally.latencies.length,
        p50_ms: Number(percentile(sorted, 50).toFixed(1)),
        p99_ms: Number(percentile(sorted, 99).toFixed(1)),
        errors: tally.errors,
        waited_out: tally.waitedOut,
        lost: sent - counts.distinct,
        duplicated: counts.rows - counts.distinct,
      }),
    );
    if (tally.firstError) console.error(`  first error: ${tally.firstError}`);
  } finally {
    for (const server of servers) await server.stop();
    if (pgDatabase) await dropTestDatabase(pgDatabase.name);
  }
}

export async function run(): Promise<void> {
  await measure('sqlite', 1);
  const problem = await postgresProblem();
  if (problem) {
    console.error(`fleet: PostgreSQL is not reachable (${problem}); its lines are left out.`);
    return;
  }
  await measure('postgres', 1);
  await measure('postgres', 2);
}
