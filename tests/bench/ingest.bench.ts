/**
 * Ingest throughput, two parts.
 *
 * Locality and overhead: 600 door check-ins a batch (the whole school, one
 * batch a school day) through `POST /api/sync` (compact codec, gzip, one
 * transaction a batch) on SQLite (a file in WAL mode, as served) and on
 * PostgreSQL, on a fresh school (day 1) and on one with 180 school days of
 * history. The history is written directly with the rows the app writes for a
 * check-in (tests/bench/support/ingest-rows.ts), not through the app, so it
 * takes seconds. In the same run a raw loop writes exactly those rows for the
 * same days on a twin database: better-sqlite3 prepared statements, or one
 * multi-row `pg` statement per table; each run checks that both wrote as many
 * rows to each table. Rates are taken from the median batch,
 * so one slow batch on a loaded machine does not decide them.
 *
 * Conflicts: each school day a teacher's tablet sends the whole school's roll
 * (600 status marks in one batch). In the conflicting run the office had
 * already marked 10% of those students differently, and the teacher's marks
 * were made without seeing that (base 0): each of those opens a conflict, with
 * its audit entry and change-feed entry. In the other run the teacher had seen
 * the office's marks (current base), so every op applies. Same ops, same
 * writes otherwise: the difference is the cost of conflicts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../src/server/app.ts';
import { DEFAULT_BACK_PRESSURE } from '../../src/server/back-pressure.ts';
import { createPairingCode } from '../../src/server/pairing.ts';
import { createTestDatabase, dropTestDatabase, postgresHost, postgresProblem } from '../support/postgres-admin.ts';
import { checkInRows, sqliteWriter, writePostgres, type DayRows, type Kiosk } from './support/ingest-rows.ts';
import { migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { BATCH_MEDIA_TYPE, encodeBatch } from '../../src/shared/batch-codec.ts';
import type { AttendanceStatus } from '../../src/shared/attendance-model.ts';
import type { Op } from '../../src/shared/protocol.ts';

/** The bench writes its history in the server's own process, stalling its event loop on purpose: back-pressure would refuse the next batch. */
const MEASURING = { ...DEFAULT_BACK_PRESSURE, maxEventLoopDelayMs: Number.POSITIVE_INFINITY };
const DAYS = 20;
const HISTORY_DAYS = 180;
const MEASURED_DAYS = 7;
const DAY_MS = 86_400_000;

interface Run {
  conflicting: number;
  ops: number;
  seconds: number;
  batchMs: number[];
  conflicts: number;
}

async function measure(conflictShare: number): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-ingest-'));
  const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'doorline.db') });
  try {
    await migrate(db);
    await ensureDemoSchool(db);
    await ensureDemoAccounts(db, Date.now(), DEMO_PASSWORDS);
    const app = await buildApp({ db, backPressure: MEASURING });
    const origin = 'http://localhost:80';
    const signIn = async (role: 'teacher' | 'office'): Promise<Record<string, string>> => {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role);
      const response = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin },
        payload: { v: 1, email: account?.email, password: DEMO_PASSWORDS[role] },
      });
      return { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', origin };
    };
    const teacher = await signIn('teacher');
    const office = await signIn('office');
    const students = (await db.selectFrom('students').select('student_number').orderBy('student_number').execute()).map(
      (s) => s.student_number,
    );
    const seqs = { teacher: 0, office: 0 };
    const send = async (who: 'teacher' | 'office', ops: Op[]): Promise<number> => {
      const body = gzipSync(encodeBatch({ deviceId: `${who}-tablet-0001`, kioskId: 'staff-browser', ops }));
      const started = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { ...(who === 'teacher' ? teacher : office), 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' },
        payload: body,
      });
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`sync answered ${response.statusCode}: ${response.body}`);
      return elapsed;
    };
    const mark = (who: 'teacher' | 'office', studentId: string, status: AttendanceStatus, at: number, base: number): Op => ({
      seq: ++seqs[who],
      kind: 'status',
      studentId,
      status,
      at,
      session: 'day',
      base,
    });

    const batchMs: number[] = [];
    const now = Date.now();
    const touched = Math.round(students.length * conflictShare) || Math.round(students.length * 0.1);
    for (let day = DAYS; day >= 1; day--) {
      const at = now - day * DAY_MS;
      // The office's marks first (not measured): a tenth of the school, late.
      await send(
        'office',
        students.slice(0, touched).map((id) => mark('office', id, 'late', at, 0)),
      );
      // The teacher's roll (measured): seen the office's marks (base 1) or not (base 0).
      const ops = students.map((id, i) => mark('teacher', id, 'present', at + 60_000, i < touched && conflictShare === 0 ? 1 : 0));
      batchMs.push(await send('teacher', ops));
    }
    const conflicts = Number(
      (
        await db
          .selectFrom('conflicts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    await app.close();
    return {
      conflicting: conflictShare,
      ops: DAYS * students.length,
      seconds: batchMs.reduce((a, b) => a + b, 0) / 1000,
      batchMs,
      conflicts,
    };
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
};

async function conflictCost(): Promise<void> {
  // A warm-up run, so both measured runs start with the same JIT and file cache.
  await measure(0);
  for (const share of [0, 0.1]) {
    const result = await measure(share);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        conflicting: share,
        db: 'sqlite',
        ops: result.ops,
        conflicts_opened: result.conflicts,
        ops_per_s: Math.round(result.ops / result.seconds),
        batch_ops: result.ops / result.batchMs.length,
        batch_p50_ms: Number(percentile(result.batchMs, 0.5).toFixed(1)),
        batch_p95_ms: Number(percentile(result.batchMs, 0.95).toFixed(1)),
      }),
    );
  }
}

type Kind = 'sqlite' | 'postgres';

interface School {
  db: Db;
  kiosk: Kiosk;
  token: string;
  kioskId: string;
  students: { id: string; number: string }[];
  send: (ops: Op[]) => Promise<number>;
  /** Writes a day's rows straight to the database: the history, and the raw loop. */
  writeRaw: (rows: DayRows, now: number) => Promise<void>;
  close: () => Promise<void>;
}

/** A migrated demo school with a paired kiosk, on its own new database. */
async function openSchool(kind: Kind): Promise<School> {
  let db: Db;
  let writeRaw: School['writeRaw'];
  let drop: () => Promise<void>;
  let closeRaw: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-ingest-'));
    const file = path.join(dir, 'doorline.db');
    db = openDatabase({ kind: 'sqlite', file });
    const raw = new SQLite(file);
    raw.pragma('synchronous = NORMAL');
    let writer: ((rows: DayRows, now: number) => void) | null = null;
    writeRaw = async (rows, now) => {
      writer ??= sqliteWriter(raw, kiosk);
      writer(rows, now);
    };
    closeRaw = async () => void raw.close();
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const { name, url } = await createTestDatabase();
    db = openDatabase({ kind: 'postgres', url, shown: url, pool: 4 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    writeRaw = (rows, now) => writePostgres(client, kiosk, rows, now);
    closeRaw = () => client.end();
    drop = () => dropTestDatabase(name);
  }
  await migrate(db);
  await ensureDemoSchool(db);
  const app = await buildApp({ db, backPressure: MEASURING });
  const school = await db.selectFrom('schools').select(['id', 'time_zone', 'bell_time']).executeTakeFirstOrThrow();
  const kioskRow = await db.selectFrom('kiosks').select(['id', 'name']).executeTakeFirstOrThrow();
  const deviceId = `bench-kiosk-${kind}-000000000000000000`.slice(0, 36);
  const { code } = await createPairingCode(db, { schoolId: school.id, kioskId: kioskRow.id, createdBy: 'bench', now: Date.now() });
  const paired = await app.inject({ method: 'POST', url: '/api/pair', payload: { v: 1, code, deviceId, appVersion: 'bench' } });
  if (paired.statusCode !== 200) throw new Error(`pairing answered ${paired.statusCode}: ${paired.body}`);
  const token = (paired.json() as { token: string }).token;
  const kiosk: Kiosk = { schoolId: school.id, deviceId, name: kioskRow.name, timeZone: school.time_zone, bellTime: school.bell_time };
  const students = (await db.selectFrom('students').select(['id', 'student_number']).orderBy('student_number').execute()).map((s) => ({
    id: s.id,
    number: s.student_number,
  }));
  const send = async (ops: Op[]): Promise<number> => {
    const body = gzipSync(encodeBatch({ deviceId, kioskId: kioskRow.id, ops }));
    const started = performance.now();
    const response = await app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${token}`, 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' },
      payload: body,
    });
    const elapsed = performance.now() - started;
    if (response.statusCode !== 200) throw new Error(`sync answered ${response.statusCode}: ${response.body}`);
    return elapsed;
  };
  return {
    db,
    kiosk,
    token,
    kioskId: kioskRow.id,
    students,
    send,
    writeRaw,
    close: async () => {
      await app.close();
      await closeRaw();
      await db.destroy();
      await drop();
    },
  };
}

/** 07:30 UTC on the first school day: history and measured days follow one a day. */
const FIRST_DAY = Math.floor((Date.now() - (HISTORY_DAYS + MEASURED_DAYS + 5) * DAY_MS) / DAY_MS) * DAY_MS + 7.5 * 3_600_000;

interface Timing {
  appMs: number[];
  rawMs: number[];
}

/** What both sides wrote, table by table: the raw loop is only a fair measure if it wrote what the app did. */
const WRITTEN = ['ops', 'attendance', 'audit_log', 'changes', 'device_stats'] as const;

async function written(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of WRITTEN) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const school = await db.selectFrom('schools').select('change_seq').executeTakeFirstOrThrow();
  counts['schools.change_seq'] = Number(school.change_seq);
  return counts;
}

/** Writes `history` days directly, then times the app's and the raw loop's batches for the days after, each on its own twin database. */
async function timeAt(kind: Kind, history: number): Promise<Timing> {
  const timing: Timing = { appMs: [], rawMs: [] };
  const counts: Record<string, string> = {};
  for (const side of ['app', 'raw'] as const) {
    const school = await openSchool(kind);
    try {
      let seq = 0;
      for (let day = 0; day < history; day++) {
        const rows = checkInRows(school.kiosk, school.students, FIRST_DAY + day * DAY_MS, seq);
        await school.writeRaw(rows, FIRST_DAY + day * DAY_MS);
        seq = rows.maxSeq;
      }
      // A database that has lived a year has been analysed by autovacuum; one filled in seconds not yet.
      if (kind === 'postgres' && history > 0) await sql`analyze`.execute(school.db);
      for (let day = history; day < history + MEASURED_DAYS; day++) {
        const at = FIRST_DAY + day * DAY_MS;
        if (side === 'app') {
          const ops: Op[] = school.students.map((s, i) => ({
            seq: seq + i + 1,
            kind: 'check-in',
            studentId: s.number,
            at: at + i * 1000,
            session: 'day',
            base: 0,
          }));
          timing.appMs.push(await school.send(ops));
          seq += ops.length;
        } else {
          const rows = checkInRows(school.kiosk, school.students, at, seq);
          const started = performance.now();
          await school.writeRaw(rows, Date.now());
          timing.rawMs.push(performance.now() - started);
          seq = rows.maxSeq;
        }
      }
      counts[side] = JSON.stringify(await written(school.db));
      if (side === 'app') {
        const stored = await school.db
          .selectFrom('attendance')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const expected = (history + MEASURED_DAYS) * school.students.length;
        if (Number(stored.n) !== expected) throw new Error(`expected ${expected} records, found ${stored.n}`);
      }
    } finally {
      await school.close();
    }
  }
  if (counts.app !== counts.raw) throw new Error(`the raw loop wrote ${counts.raw}, the app ${counts.app}`);
  return timing;
}

async function locality(kind: Kind): Promise<void> {
  const ops = 600;
  // A warm-up on its own database, so day 1 does not pay for the first compiles of the server's code.
  await timeAt(kind, 0);
  const day1 = await timeAt(kind, 0);
  const dayN = await timeAt(kind, HISTORY_DAYS);
  const day1P50 = percentile(day1.appMs, 0.5);
  for (const [history, timing] of [
    [0, day1],
    [HISTORY_DAYS, dayN],
  ] as const) {
    const p50 = percentile(timing.appMs, 0.5);
    const rawP50 = percentile(timing.rawMs, 0.5);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        db: kind,
        history_days: history,
        batch_ops: ops,
        ops_per_s: Math.round((ops / p50) * 1000),
        raw_ops_per_s: Math.round((ops / rawP50) * 1000),
        ratio: Number((rawP50 / p50).toFixed(2)),
        batch_p50_ms: Number(p50.toFixed(1)),
        batch_p95_ms: Number(percentile(timing.appMs, 0.95).toFixed(1)),
        raw_batch_p50_ms: Number(rawP50.toFixed(1)),
        day1_batch_p50_ms: Number(day1P50.toFixed(1)),
        vs_day1: Number((p50 / day1P50).toFixed(2)),
      }),
    );
  }
}

export async function run(): Promise<void> {
  await locality('sqlite');
  const problem = await postgresProblem();
  if (problem === null) await locality('postgres');
  else {
    console.error(`bench: PostgreSQL at ${postgresHost()} is unreachable (${problem}): its ingest lines are left out`);
    console.log(JSON.stringify({ bench: 'ingest', db: 'postgres', skipped: `PostgreSQL at ${postgresHost()} is unreachable` }));
  }
  await conflictCost();
}
