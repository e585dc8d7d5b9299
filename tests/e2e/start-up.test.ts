/** The built server refuses a database it cannot use with one line and an exit code a supervisor can act on. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, dropTestDatabase, postgresHost, postgresProblem } from '../support/postgres-admin.ts';
import { MIGRATIONS } from '../../src/server/db/migrations.ts';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'server', 'main.js');

/** Starts the server (with the demo school) and resolves once it has said all it says at start-up; `stop` ends it. */
function serve(env: Record<string, string>): Promise<{ output: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // The last line start-up prints (after the first admin's password, if any).
      if (/Teachers take the roll at .*\n/.test(output)) {
        resolve({
          output,
          stop: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise((done) => child.once('exit', done));
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The server exited with ${code}:\n${output}`)));
  });
}

function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  if (!fs.existsSync(main)) throw new Error('dist/server/main.js is missing: run "node build.mjs" first (npm test does).');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('starting with a database it cannot use', () => {
  it('exits 2 with one line for a DATABASE_URL that is not a valid postgres:// URL', async () => {
    const { code, output } = await start({ DATABASE_URL: 'postgres://doorline:s3cret@/doorline' });
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toEqual([
      'Doorline cannot start: DATABASE_URL is not a valid postgres:// URL (postgres://doorline:***@/doorline); expected postgres://user:password@host:5432/database. [invalid-config]',
    ]);
  });

  it('exits 2 for a pool size that is not a number', async () => {
    const { code, output } = await start({ DATABASE_URL: 'postgres://doorline@127.0.0.1/doorline', DATABASE_POOL: 'lots' });
    expect(code).toBe(2);
    expect(output).toContain('DATABASE_POOL must be a whole number');
  });

  it('exits 3 with one line naming the host when nothing answers there, the password never printed', async () => {
    const { code, output } = await start({ DATABASE_URL: 'postgres://doorline:s3cret@127.0.0.1:1/doorline' });
    expect(code).toBe(3);
    expect(output.trim().split('\n')).toEqual([
      'Doorline cannot start: cannot use PostgreSQL at 127.0.0.1:1 (postgres://doorline:***@127.0.0.1:1/doorline): the connection was refused (is PostgreSQL running and listening there?). [database-unreachable]',
    ]);
  });
});

const postgresProblemNow = await postgresProblem();
if (postgresProblemNow !== null && process.env.CI === 'true')
  throw new Error(`PostgreSQL is required under CI=true but is not reachable at ${postgresHost()}: ${postgresProblemNow}`);
if (postgresProblemNow !== null)
  console.log(`PostgreSQL is not reachable at ${postgresHost()}: its start-up runs are skipped (CI=true makes them required).`);

describe.runIf(postgresProblemNow === null)('starting on PostgreSQL', () => {
  it('migrates and seeds a new database once when three processes start together, each with a pool of one', async () => {
    const database = await createTestDatabase();
    const servers: Array<{ output: string; stop: () => Promise<void> }> = [];
    try {
      servers.push(...(await Promise.all([1, 2, 3].map(() => serve({ DATABASE_URL: database.url, DATABASE_POOL: '1' })))));
      const created = servers.filter((s) => s.output.includes('Created the demo school'));
      expect(created).toHaveLength(1);
      expect(servers.filter((s) => s.output.includes('First start: sign in'))).toHaveLength(1);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const counts = await client.query<{ schools: string; admins: string; migrations: string }>(
        "select (select count(*) from schools) as schools, (select count(*) from staff where email = 'admin') as admins, (select count(*) from kysely_migration) as migrations",
      );
      await client.end();
      expect(counts.rows[0]).toEqual({ schools: '1', admins: '1', migrations: String(Object.keys(MIGRATIONS).length) });
      await Promise.all(servers.map((s) => s.stop()));
      // A later start finds everything there.
      const again = await serve({ DATABASE_URL: database.url });
      servers.splice(0, servers.length, again);
      expect(again.output).toContain('Using "Riverside Community School" (600 students)');
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await dropTestDatabase(database.name);
    }
  });
});
