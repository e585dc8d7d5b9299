import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { e2eVerdict } from '../e2e/support/chromium-check.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const present = () => true;
const absent = () => false;

describe('end-to-end files on a machine without Chromium', () => {
  it.each([
    ['Chromium present', {}, present, 'run'],
    ['Chromium present under CI', { CI: 'true' }, present, 'run'],
    ['Chromium missing', {}, absent, 'skip'],
    ['Chromium missing, CI set to something else', { CI: '1' }, absent, 'skip'],
    ['Chromium missing under CI=true', { CI: 'true' }, absent, 'fail'],
  ] as const)('%s: %s', (_case, env, exists, expected) => {
    const verdict = e2eVerdict(env, exists);
    expect(verdict.run ? 'run' : 'skip' in verdict ? 'skip' : 'fail').toBe(expected);
    if (!verdict.run) expect('skip' in verdict ? verdict.skip : verdict.fail).toContain('apt-get install -y chromium');
  });

  it('looks where CHROMIUM_PATH says', () => {
    const seen: string[] = [];
    e2eVerdict({ CHROMIUM_PATH: '/opt/chromium/chrome' }, (file) => (seen.push(file), true));
    expect(seen).toEqual(['/opt/chromium/chrome']);
  });

  /** A real run of one end-to-end file beside one unit file, as `npm test` would run them. */
  const vitest = (env: Record<string, string>) =>
    run('npx', ['vitest', 'run', '--config', 'tests/vitest.config.ts', 'tests/unit/school-time.test.ts', 'tests/e2e/start-up.test.ts'], {
      cwd: root,
      env: { ...process.env, CI: '', VITEST: '', VITEST_MODE: '', NODE_ENV: '', CHROMIUM_PATH: '/nowhere/chromium', ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );

  it('skips them with one line saying how to install it, and passes', { timeout: 90_000 }, async () => {
    const { code, output } = await vitest({});
    expect(code).toBe(0);
    expect(output.match(/End-to-end tests skipped: .*apt-get install -y chromium/g)).toHaveLength(1);
  });

  it('fails under CI=true', { timeout: 90_000 }, async () => {
    const { code, output } = await vitest({ CI: 'true' });
    expect(code).not.toBe(0);
    expect(output).toContain('End-to-end tests cannot run under CI=true');
  });
});
