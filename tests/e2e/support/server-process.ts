/**
 * Runs the real built server (dist/server/main.js) on a random port, by
 * default with a SQLite database of its own; several may share one
 * PostgreSQL database (`databaseUrl`), as processes behind a balancer do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DEMO_PASSWORDS, DEMO_PASSWORDS_ENV } from '../../support/demo-passwords.ts';

/** The app root: the nearest folder above this file with a package.json (this file is also bundled into dist/bench/). */
function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the app root (package.json).');
    dir = parent;
  }
  return dir;
}

const root = appRoot();

export interface ServerProcess {
  url: string;
  dbFile: string;
  dir: string;
  stop: () => Promise<void>;
  /** Kills the process at once (SIGKILL), as a crash or the OOM killer would; its database is kept. */
  kill: () => Promise<void>;
  /** What the server has printed so far (the one-time password of an empty server's first admin, for one). */
  output: () => string;
  /** Runs a read-only query against the server's database. */
  query: <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => T[];
  /** A fresh one-time pairing code for the demo kiosk, made by the demo admin. */
  pairingCode: () => Promise<string>;
  /** Calls the API as a demo account (signing in once), from the server's own origin. */
  api: (role: 'teacher' | 'office' | 'admin', pathname: string, init?: { method?: string; body?: unknown }) => Promise<Response>;
}

export interface ServerOptions {
  /** A database to use instead of a fresh SQLite file (`query` reads only that file). */
  databaseUrl?: string;
  /** More environment for the process, such as DATABASE_POOL or PORT. */
  env?: Record<string, string>;
  /** An existing SQLite file to serve (a restart on the same database); kept when the server stops. */
  dbFile?: string;
  /** Another built checkout to run instead of this one (a bench's figure before a change). */
  root?: string;
}

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const from = options.root ?? root;
  const main = path.join(from, 'dist', 'server', 'main.js');
  if (!fs.existsSync(main)) throw new Error('dist/server/main.js is missing: run "node build.mjs" first (npm test does).');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-e2e-'));
  const dbFile = options.dbFile ?? path.join(dir, 'doorline.db');
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: from,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl ?? `sqlite:${dbFile}`,
      LOG_LEVEL: 'warn',
      // Demo accounts the tests can sign in as; a server of its own generates their passwords.
      DOORLINE_DEMO_PASSWORDS: DEMO_PASSWORDS_ENV,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onOutput = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start:\n${output}`)), 20_000);
    const onData = (): void => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code}:\n${output}`));
    });
  });
  // One sign-in per role, however many calls start at once: each try counts against the sign-in limits until it is done.
  const cookies = new Map<string, Promise<string>>();
  const origin = new URL(url).origin;
  const signInAs = async (role: 'teacher' | 'office' | 'admin'): Promise<string> => {
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ v: 1, email: `${role}@riverside.example`, password: DEMO_PASSWORDS[role] }),
    });
    if (!signIn.ok) throw new Error(`Demo ${role} could not sign in: ${await signIn.text()}`);
    return (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };
  const api = async (
    role: 'teacher' | 'office' | 'admin',
    pathname: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<Response> => {
    let signedIn = cookies.get(role);
    if (!signedIn) {
      signedIn = signInAs(role);
      cookies.set(role, signedIn);
      signedIn.catch(() => cookies.delete(role));
    }
    const cookie = await signedIn;
    return fetch(`${url}${pathname}`, {
      method: init.method ?? 'GET',
      headers: { cookie, origin, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  };
  const pairingCode = async (): Promise<string> => {
    const devices = (await (await api('admin', '/api/devices')).json()) as { kiosks: Array<{ id: string }> };
    const made = await api('admin', '/api/pairing-codes', { method: 'POST', body: { v: 1, kioskId: devices.kiosks[0]?.id } });
    return ((await made.json()) as { code: string }).code;
  };
  return {
    url,
    dbFile,
    dir,
    api,
    pairingCode,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
    query: <T>(sql: string, ...params: unknown[]): T[] => {
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
  };
}
