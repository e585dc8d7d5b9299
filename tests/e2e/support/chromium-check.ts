/**
 * Whether the end-to-end files can run here. They drive a real Chromium; on a
 * machine without one, `npm test` skips them with one line that says how to
 * install it, except under CI=true, where a missing browser is a failure, not
 * a reason to pass.
 */
import fs from 'node:fs';

export const INSTALL_HINT = 'apt-get install -y chromium';

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export type E2eVerdict = { run: true } | { run: false; skip: string } | { run: false; fail: string };

export function e2eVerdict(env: NodeJS.ProcessEnv, exists: (file: string) => boolean = fs.existsSync): E2eVerdict {
  const chromium = chromiumPath(env);
  if (exists(chromium)) return { run: true };
  const missing = `no Chromium at ${chromium}: install it with \`${INSTALL_HINT}\` (or set CHROMIUM_PATH)`;
  if (env.CI === 'true') return { run: false, fail: `End-to-end tests cannot run under CI=true: ${missing}.` };
  return { run: false, skip: `End-to-end tests skipped: ${missing}.` };
}

/** Vitest's global set-up for the end-to-end project under CI=true without Chromium: fails the run, saying why. */
export default function setup(): void {
  const verdict = e2eVerdict(process.env);
  if ('fail' in verdict) throw new Error(verdict.fail);
}
