/** `WORKERS=N`: N server processes on one port, started, watched and stopped by one primary process. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databases, postgresForThisFile } from '../support/databases.ts';

const main = path.resolve('dist/server/main.js');

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
}

function start(env: Record<string, string>): Promise<Started> {
  if (!fs.existsSync(main)) throw new Error('dist/server/main.js is missing: run "node build.mjs" first (npm test does).');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  running.push(child);
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve({ child, output: () => output, url: match[1] });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(Object.assign(new Error(`exited with ${code}:\n${output}`), { code, output }));
    });
  });
}

/** The server processes the primary forked, by pid. */
function workersOf(primary: ChildProcess): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primary.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `GET /api/health` on a connection of its own, so each request is handed to a process afresh. */
function health(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/api/health`, { agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

const running: ChildProcess[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

describe.skipIf(!databases().includes('postgres'))('WORKERS=2 on PostgreSQL', () => {
  it('serves from two processes, says so once, replaces one that dies, and stops cleanly', async () => {
    const { url: databaseUrl } = await postgresForThisFile();
    const server = await start({ WORKERS: '2', DATABASE_URL: databaseUrl, DATABASE_POOL: '2' });
    // The lines after the first may arrive in a later chunk of output.
    await until('every start-up line', () => server.output().includes('Teachers take the roll'));
    expect(server.output().match(/Doorline is listening on/g)).toHaveLength(1);
    expect(server.output()).toContain('(2 server processes)');
    expect(server.output().match(/one-time password/g)).toHaveLength(1);
    const first = workersOf(server.child);
    expect(first).toHaveLength(2);

    for (let i = 0; i < 10; i++) expect(await health(server.url)).toBe(200);

    process.kill(first[0] as number, 'SIGKILL');
    await until('the primary noticing', () => server.output().includes('a server process stopped (SIGKILL); starting another in 1 s.'));
    // The other process keeps answering while the lost one is replaced (a second later: not asserted, a loaded machine may be slower).
    expect(await health(server.url)).toBe(200);
    await until('a replacement process', () => {
      const now = workersOf(server.child);
      return now.length === 2 && !now.includes(first[0] as number);
    });
    for (let i = 0; i < 10; i++) expect(await health(server.url)).toBe(200);

    const workers = workersOf(server.child);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    await until('every server process gone', () => workers.every((pid) => !isAlive(pid)));
  }, 60_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('WORKERS with the embedded SQLite database', () => {
  it('is refused with one plain line and the configuration exit code', async () => {
    const refused = await start({ WORKERS: '2', DATABASE_URL: 'sqlite::memory:' }).catch(
      (error: { code: number; output: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { output: string }).output.trim()).toBe(
      'Doorline cannot start: WORKERS above 1 needs PostgreSQL (DATABASE_URL=postgres://…): the embedded SQLite database serves one process. [invalid-config]',
    );
  });
});
