/** The built server as a new user starts it: on this machine only, with passwords of its own, printed once. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'server', 'main.js');

/** The environment with nothing of Doorline's own: what `npm start` sees on a fresh machine. */
function plainEnv(more: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HOST', 'PUBLIC_URL', 'TRUST_PROXY', 'DOORLINE_DEMO', 'DOORLINE_DEMO_PASSWORDS', 'DATABASE_URL', 'WORKERS'])
    delete env[name];
  return { ...env, PORT: '0', LOG_LEVEL: 'warn', ...more };
}

let child: ChildProcess | null = null;
const dirs: string[] = [];
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts the server and resolves with all it printed at start-up, or with its exit code if it stops. */
function start(env: Record<string, string>): Promise<{ output: string; code: number | null }> {
  if (!fs.existsSync(main)) throw new Error('dist/server/main.js is missing: run "node build.mjs" first (npm test does).');
  return new Promise((resolve) => {
    const started = spawn(process.execPath, [main], { env: plainEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Teachers take the roll at .*\n/.test(output)) resolve({ output, code: null });
    };
    started.stdout.on('data', onData);
    started.stderr.on('data', onData);
    started.once('exit', (code) => resolve({ output, code }));
  });
}

function databaseFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-defaults-'));
  dirs.push(dir);
  return `sqlite:${path.join(dir, 'doorline.db')}`;
}

describe('starting with no configuration', () => {
  it('listens on this machine only, and the demo accounts sign in with the passwords it printed, not the old documented ones', async () => {
    const { output, code } = await start({ DATABASE_URL: databaseFile() });
    expect(code).toBeNull();
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output)?.[1];
    expect(url, output).toBeDefined();
    expect(output).toMatch(/pair it as "Main entrance" with the code \S+ \(valid 15 minutes;/);
    const printed = /Demo accounts \(sign-in \/ password\): (.*)\n/.exec(output)?.[1] ?? '';
    const accounts = printed.split(', ').map((pair) => pair.split(' / ') as [string, string]);
    expect(accounts.map(([email]) => email)).toEqual(['teacher@riverside.example', 'office@riverside.example', 'admin@riverside.example']);
    const signIn = (email: string, password: string) =>
      fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: String(url) },
        body: JSON.stringify({ v: 1, email, password }),
      });
    const [, adminPassword] = accounts[2] ?? ['', ''];
    expect(adminPassword).not.toBe('riverside-admin');
    expect((await signIn('admin@riverside.example', 'riverside-admin')).status).toBe(401);
    expect((await signIn('admin@riverside.example', adminPassword)).status).toBe(200);
  });

  it('shows the demo passwords only at the first start', async () => {
    const database = databaseFile();
    expect((await start({ DATABASE_URL: database })).output).toContain('Demo accounts (sign-in / password)');
    const stop = new Promise((done) => child?.once('exit', done));
    child?.kill('SIGTERM');
    await stop;
    const again = await start({ DATABASE_URL: database });
    expect(again.output).not.toContain('Demo accounts (sign-in / password)');
    expect(again.output).toContain(
      'Demo accounts: teacher@riverside.example, office@riverside.example, admin@riverside.example (passwords as shown at the first start).',
    );
  });

  it('refuses to listen on every interface without PUBLIC_URL: one line, exit code 2', async () => {
    const { output, code } = await start({ DATABASE_URL: databaseFile(), HOST: '0.0.0.0' });
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toEqual([
      'Doorline cannot start: PUBLIC_URL is required when HOST is 0.0.0.0: set it to the address people open, such as https://doorline.school.example. [invalid-config]',
    ]);
  });

  it('opens up with HOST=0.0.0.0 and a PUBLIC_URL, and prints the public address', async () => {
    const { output, code } = await start({ DATABASE_URL: databaseFile(), HOST: '0.0.0.0', PUBLIC_URL: 'https://doorline.school.example' });
    expect(code).toBeNull();
    expect(output).toMatch(/listening on http:\/\/localhost:\d+ \(opened at https:\/\/doorline\.school\.example\)/);
    expect(output).toContain('Open the door kiosk at https://doorline.school.example/kiosk');
  });
});
