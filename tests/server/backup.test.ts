/**
 * Backup and restore of the SQLite file: a backup taken while a kiosk's
 * batches keep arriving holds every batch acknowledged before it began and is
 * one consistent moment (a whole prefix of the batches, never part of one);
 * a restore brings it back into a fresh file that serves again; a restore
 * refuses while a server has the database open, and refuses files that are
 * not Doorline backups it can run. PostgreSQL is backed up with its own tools:
 * the commands say so.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { backupDatabase, checkBackup, restoreDatabase } from '../../src/server/backup.ts';
import { migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { ensureDemoSchool } from '../../src/server/demo-school.ts';
import { createPairingCode } from '../../src/server/pairing.ts';
import { fromRuns } from '../../src/shared/receipts.ts';
import { databaseFingerprint } from '../support/fingerprint.ts';
import { checkIn, opId } from '../support/test-app.ts';

const cli = path.resolve('dist/server/cli.js');

/** A server on a SQLite file, with the demo school and one paired kiosk. */
interface LiveServer {
  file: string;
  db: Db;
  app: FastifyInstance;
  /** Sends one batch as the kiosk; resolves once the server has acknowledged every op in it. */
  sendBatch: (ops: ReturnType<typeof checkIn>[]) => Promise<void>;
  students: string[];
  close: () => Promise<void>;
}

async function liveServer(file: string): Promise<LiveServer> {
  const db = openDatabase({ kind: 'sqlite', file });
  await migrate(db);
  await ensureDemoSchool(db);
  const app = await buildApp({ db });
  const kiosk = await db.selectFrom('kiosks').select(['id', 'school_id']).executeTakeFirstOrThrow();
  const students = (await db.selectFrom('students').select('student_number').execute()).map((s) => s.student_number);
  const deviceId = '00000000-backup-test-kiosk-device00';
  const { code } = await createPairingCode(db, { schoolId: kiosk.school_id, kioskId: kiosk.id, createdBy: 'test', now: Date.now() });
  const paired = await app.inject({ method: 'POST', url: '/api/pair', payload: { v: 1, code, deviceId, appVersion: '0.2.0' } });
  expect(paired.statusCode, paired.body).toBe(200);
  const { token } = paired.json() as { token: string };
  const sendBatch = async (ops: ReturnType<typeof checkIn>[]): Promise<void> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${token}` },
      payload: { v: 1, type: 'sync', deviceId, kioskId: kiosk.id, ops },
    });
    expect(response.statusCode, response.body).toBe(200);
    for (const receipt of fromRuns(response.json().receipts)) expect(['applied', 'merged']).toContain(receipt.status);
  };
  return {
    file,
    db,
    app,
    sendBatch,
    students,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

/**
 * Sends batches one after another until stopped. `acknowledged` is how many
 * whole batches the server has answered; `batches` is every batch sent, in order.
 */
function ingestLoop(server: LiveServer) {
  const batches: string[][] = [];
  const state = { acknowledged: 0, stop: false };
  let seq = 0;
  const done = (async () => {
    while (!state.stop) {
      const at = Date.now() - 60_000;
      const ops = Array.from({ length: 25 }, (_, i) =>
        checkIn(++seq, server.students[(seq + i) % server.students.length] ?? '', at, opId()),
      );
      batches.push(ops.map((op) => op.opId ?? ''));
      await server.sendBatch(ops);
      state.acknowledged++;
    }
  })();
  return { batches, state, done };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function opIdsIn(file: string): Set<string> {
  const db = new SQLite(file, { readonly: true });
  try {
    return new Set((db.prepare('select op_id from ops').all() as { op_id: string }[]).map((r) => r.op_id));
  } finally {
    db.close();
  }
}

/** How many whole batches, from the first, `copy` holds; fails if it holds part of one or any op after them. */
function wholeBatchesIn(copy: Set<string>, batches: string[][]): number {
  let whole = 0;
  while (whole < batches.length && (batches[whole] ?? []).every((id) => copy.has(id))) whole++;
  const expected = batches.slice(0, whole).flat();
  expect(copy.size, 'the copy holds exactly the first batches, none in part').toBe(expected.length);
  return whole;
}

async function fingerprintOf(file: string) {
  const db = openDatabase({ kind: 'sqlite', file });
  try {
    return await databaseFingerprint(db);
  } finally {
    await db.destroy();
  }
}

let dir: string;
let server: LiveServer | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-backup-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a backup of the live SQLite file', () => {
  it('holds every batch acknowledged before it began, as one consistent moment, while batches keep arriving', async () => {
    server = await liveServer(path.join(dir, 'live.db'));
    const loop = ingestLoop(server);
    await until(() => loop.state.acknowledged >= 20);
    const acknowledgedBefore = loop.state.acknowledged;
    const backup = path.join(dir, 'backup.db');
    const facts = await backupDatabase(server.file, backup);
    const sentBy = loop.batches.length;
    // The loop went on while the copy was taken: the backup did not stop the writers.
    await until(() => loop.state.acknowledged > sentBy);
    loop.state.stop = true;
    await loop.done;

    expect(facts.schema).toBe(checkBackup(server.file).schema);
    // One file, whole by itself: nothing beside it to keep with it.
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('backup.db'))).toEqual(['backup.db']);
    const restored = path.join(dir, 'restored', 'doorline.db');
    const restoredFacts = await restoreDatabase(backup, restored);
    expect(restoredFacts.keptAs).toBeNull();
    expect(fs.readdirSync(path.dirname(restored))).toEqual(['doorline.db']);
    const copy = opIdsIn(restored);
    const whole = wholeBatchesIn(copy, loop.batches);
    expect(whole).toBeGreaterThanOrEqual(acknowledgedBefore);
    expect(whole).toBeLessThanOrEqual(sentBy);
    expect(await fingerprintOf(restored)).toEqual(await fingerprintOf(backup));
  });

  it('is the same database as the live one when nothing is being written, and a restored copy serves again', async () => {
    server = await liveServer(path.join(dir, 'live.db'));
    const first = [checkIn(1, server.students[0] ?? '', Date.now() - 60_000, opId())];
    await server.sendBatch(first);
    const backup = path.join(dir, 'quiet.db');
    await backupDatabase(server.file, backup);
    expect(await databaseFingerprint(server.db)).toEqual(await fingerprintOf(backup));
    await server.close();
    server = null;

    const restored = path.join(dir, 'fresh.db');
    await restoreDatabase(backup, restored);
    server = await liveServer(restored);
    const again = await server.app.inject({ method: 'GET', url: '/api/health' });
    expect(again.statusCode).toBe(200);
    expect(opIdsIn(restored)).toEqual(new Set(first.map((op) => op.opId)));
  });

  it('never writes over an existing file and leaves no partial file behind', async () => {
    server = await liveServer(path.join(dir, 'live.db'));
    const taken = path.join(dir, 'taken.db');
    fs.writeFileSync(taken, 'last night');
    await expect(backupDatabase(server.file, taken)).rejects.toMatchObject({ code: 'invalid-config' });
    expect(fs.readFileSync(taken, 'utf8')).toBe('last night');
    await expect(backupDatabase(server.file, path.join(dir, 'no-such-folder', 'b.db'))).rejects.toMatchObject({ code: 'invalid-config' });
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

describe('a restore', () => {
  it('refuses while a server has the database open, and changes nothing', async () => {
    server = await liveServer(path.join(dir, 'live.db'));
    await server.sendBatch([checkIn(1, server.students[0] ?? '', Date.now() - 60_000, opId())]);
    const backup = path.join(dir, 'backup.db');
    await backupDatabase(server.file, backup);
    await server.sendBatch([checkIn(2, server.students[1] ?? '', Date.now() - 60_000, opId())]);
    const before = await databaseFingerprint(server.db);
    await expect(restoreDatabase(backup, server.file)).rejects.toMatchObject({ code: 'database-in-use' });
    expect(await databaseFingerprint(server.db)).toEqual(before);
    expect(fs.readdirSync(dir).filter((name) => name.includes('before-restore') || name.endsWith('.restoring'))).toEqual([]);
  });

  it('keeps the database it replaces beside it', async () => {
    server = await liveServer(path.join(dir, 'live.db'));
    const early = checkIn(1, server.students[0] ?? '', Date.now() - 60_000, opId());
    await server.sendBatch([early]);
    const backup = path.join(dir, 'backup.db');
    await backupDatabase(server.file, backup);
    const later = checkIn(2, server.students[1] ?? '', Date.now() - 60_000, opId());
    await server.sendBatch([later]);
    await server.close();
    server = null;

    const facts = await restoreDatabase(backup, path.join(dir, 'live.db'), Date.parse('2026-12-02T02:15:00Z'));
    expect(facts.keptAs).toBe(path.join(dir, 'live.db.before-restore-2026-12-02T02-15-00Z'));
    expect(opIdsIn(path.join(dir, 'live.db'))).toEqual(new Set([early.opId]));
    expect(opIdsIn(facts.keptAs ?? '')).toEqual(new Set([early.opId, later.opId]));
  });

  it('refuses a file that is not a Doorline database, and one from a newer schema', async () => {
    const target = path.join(dir, 'doorline.db');
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database at all, but long enough to look like one might be here');
    await expect(restoreDatabase(text, target)).rejects.toMatchObject({ code: 'not-a-backup' });
    const other = path.join(dir, 'other.db');
    new SQLite(other).exec('create table things (id integer)').close();
    await expect(restoreDatabase(other, target)).rejects.toMatchObject({ code: 'not-a-backup' });

    server = await liveServer(path.join(dir, 'live.db'));
    const newer = path.join(dir, 'newer.db');
    await backupDatabase(server.file, newer);
    new SQLite(newer).prepare("insert into kysely_migration (name, timestamp) values ('9999-from-the-future', 'now')").run();
    await expect(restoreDatabase(newer, target)).rejects.toMatchObject({ code: 'backup-too-new' });
    expect(fs.existsSync(target)).toBe(false);
  });
});

describe('the backup and restore commands', () => {
  const run = (env: Record<string, string>, ...args: string[]) => {
    const result = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
    return { status: result.status, lines: result.stdout.split('\n').filter((l) => l !== ''), stderr: result.stderr };
  };

  it('back up a file being written to by a server in another process, and restore it into a fresh file', async () => {
    if (!fs.existsSync(cli)) throw new Error('dist/server/cli.js is missing: run "node build.mjs" first (npm test does).');
    server = await liveServer(path.join(dir, 'live.db'));
    const loop = ingestLoop(server);
    await until(() => loop.state.acknowledged >= 10);
    const acknowledgedBefore = loop.state.acknowledged;
    const backup = path.join(dir, 'nightly.db');
    // Asynchronously: the ingest loop in this process goes on while the command runs.
    const child = spawn(process.execPath, [cli, 'backup', backup], { env: { ...process.env, DATABASE_URL: `sqlite:${server.file}` } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const sentBy = loop.batches.length;
    loop.state.stop = true;
    await loop.done;
    expect(status).toBe(0);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ backup, schema: checkBackup(server.file).schema });

    const fresh = path.join(dir, 'fresh.db');
    const restored = run({ DATABASE_URL: `sqlite:${fresh}` }, 'restore', backup);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.lines.map((l) => JSON.parse(l))).toEqual([
      { restored: backup, database: fresh, schema: checkBackup(backup).schema, keptAs: null },
    ]);
    const whole = wholeBatchesIn(opIdsIn(fresh), loop.batches);
    expect(whole).toBeGreaterThanOrEqual(acknowledgedBefore);
    expect(whole).toBeLessThanOrEqual(sentBy);

    // The live server still has its file open: restoring over it is refused, with its own exit code.
    const refused = run({ DATABASE_URL: `sqlite:${server.file}` }, 'restore', backup);
    expect(refused.status).toBe(4);
    expect(refused.lines).toEqual([]);
    expect(refused.stderr).toMatch(/database-in-use/);
  });

  it('exit with the documented codes on a wrong file and say to use pg_dump and pg_restore on PostgreSQL', () => {
    if (!fs.existsSync(cli)) throw new Error('dist/server/cli.js is missing: run "node build.mjs" first (npm test does).');
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database');
    const sqlite = { DATABASE_URL: `sqlite:${path.join(dir, 'doorline.db')}` };
    expect(run(sqlite, 'restore', text).status).toBe(5);
    expect(run(sqlite, 'restore').status).toBe(2);
    expect(run(sqlite, 'backup', 'a.db', 'b.db').status).toBe(2);
    expect(run(sqlite, 'backup', path.join(dir, 'copy.db')).status).toBe(2);

    const postgres = { DATABASE_URL: 'postgres://doorline:secret@db.example:5432/doorline' };
    const dump = run(postgres, 'backup', path.join(dir, 'copy.dump'));
    expect(dump.status).toBe(2);
    expect(dump.stderr).toContain('pg_dump --format=custom');
    expect(dump.stderr).not.toContain('secret');
    const load = run(postgres, 'restore', path.join(dir, 'copy.dump'));
    expect(load.status).toBe(2);
    expect(load.stderr).toContain('pg_restore');
  });
});
