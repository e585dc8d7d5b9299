/**
 * What a device's first visit costs on a school's slowest line: bytes on the
 * wire both ways and seconds, from a fresh browser profile to a page a person
 * can use with the worker installed.
 *
 * Real Chromium and the built app and server; between them the throttling
 * TCP proxy (tests/bench/support/throttle-proxy.ts) at 64 kbit/s with an
 * 800 ms round trip, counting every byte, HTTP headers included.
 *
 * - kiosk: open /kiosk, type the pairing code an admin made, until the kiosk
 *   says it is ready offline with the roster and its worker is active.
 * - staff: open /roll, sign in as the demo teacher, until the roll shows its
 *   rows and the worker is active.
 *
 * The run ends once the line has been quiet for QUIET_MS after that, so what
 * the worker still fetches for its install is counted; `seconds` is then the
 * later of "usable and active" and the last byte of that traffic.
 *
 * Goals: kiosk ≤ 64 KiB and ≤ 15 s; staff ≤ 120 KiB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openKiosk, until } from '../e2e/support/kiosk-browser.ts';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';
import { startThrottleProxy, type Link, type ThrottleProxy } from './support/throttle-proxy.ts';

const LINK: Link & { name: string } = { name: '64kbit-800ms', bitsPerSecond: 64_000, rttMs: 800 };
const KIB = 1024;
/** The line counts as quiet, and the install as over, after this long without a byte either way. */
const QUIET_MS = 3000;
/** A first install at 64 kbit/s took most of a minute before it was made small; leave room. */
const TIMEOUT_MS = 180_000;

/** The bench runs bundled at dist/bench/install.mjs (see run.mjs), two folders below the app root. */
const root = fileURLToPath(new URL('../..', import.meta.url));
const shots = path.join(root, 'dist', 'bench');

interface Device {
  name: 'kiosk' | 'staff';
  goalBytes: number;
  goalSeconds?: number;
  /** Drives a fresh page to the point where a person can use it; returns it. */
  visit: (context: BrowserContext, rig: Rig) => Promise<Page>;
}

interface Rig {
  server: ServerProcess;
  proxy: ThrottleProxy;
}

/** True once a worker has finished installing and is the active one for this page's scope. */
function workerActive(page: Page): Promise<boolean> {
  return page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated');
}

const DEVICES: Device[] = [
  {
    name: 'kiosk',
    goalBytes: 64 * KIB,
    goalSeconds: 15,
    visit: (context, rig) => openKiosk(context, rig.proxy.url, rig.server.pairingCode, TIMEOUT_MS),
  },
  {
    name: 'staff',
    goalBytes: 120 * KIB,
    async visit(context, rig) {
      const page = await context.newPage();
      await page.goto(`${rig.proxy.url}/roll`, { timeout: TIMEOUT_MS });
      await page.waitForURL(/\/sign-in\?next=/, { timeout: TIMEOUT_MS });
      await page.getByLabel('Sign-in name').fill('teacher@riverside.example', { timeout: TIMEOUT_MS });
      await page.getByLabel('Password', { exact: true }).fill('riverside-teacher');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${rig.proxy.url}/roll`, { timeout: TIMEOUT_MS });
      await page.locator('.roll-row').first().waitFor({ timeout: TIMEOUT_MS });
      return page;
    },
  },
];

async function waitForQuiet(proxy: ThrottleProxy): Promise<void> {
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    const { up, down } = proxy.bytes();
    const now = Date.now();
    if (up + down !== last) {
      last = up + down;
      quietSince = now;
    } else if (now - quietSince >= QUIET_MS) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measure(browser: Browser, device: Device): Promise<Record<string, unknown>> {
  const server = await startServer();
  const proxy = await startThrottleProxy(server.url, LINK);
  // A fresh profile: no HTTP cache, no worker, no storage.
  const context = await browser.newContext();
  const requests: string[] = [];
  context.on('requestfinished', (request) => {
    const line = `${request.serviceWorker() ? 'worker' : 'page  '} ${request.method()} ${new URL(request.url()).pathname}`;
    // What the browser's network stack saw; a response taken from the HTTP cache shows 0 bytes.
    void request.sizes().then(
      (sizes) => requests.push(`${line} ${sizes.responseHeadersSize + sizes.responseBodySize} bytes in`),
      () => requests.push(line),
    );
  });
  try {
    proxy.resetCounters();
    const started = Date.now();
    const page = await device.visit(context, { server, proxy });
    await until('the worker to be active', () => workerActive(page), TIMEOUT_MS);
    const usableAt = Date.now();
    await waitForQuiet(proxy);
    const { up, down } = proxy.bytes();
    const line = proxy.timeline();
    const lastByteAt = Math.max(line.up.last, line.down.last);
    const seconds = (Math.max(usableAt, lastByteAt) - started) / 1000;
    fs.mkdirSync(shots, { recursive: true });
    const shot = path.join(shots, `install-${device.name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.error(`  ${device.name}: usable after ${((usableAt - started) / 1000).toFixed(1)} s; ${requests.length} requests; screenshot ${path.relative(root, shot)}`);
    for (const request of requests) console.error(`    ${request}`);
    return {
      bench: 'install',
      device: device.name,
      link: LINK.name,
      bytes: up + down,
      bytes_up: up,
      bytes_down: down,
      seconds: Number(seconds.toFixed(1)),
      goal_bytes: device.goalBytes,
      ...(device.goalSeconds === undefined ? {} : { goal_seconds: device.goalSeconds }),
    };
  } finally {
    await context.close();
    await proxy.close();
    await server.stop();
  }
}

export async function run(): Promise<void> {
  const browser = await launchBrowser();
  try {
    for (const device of DEVICES) console.log(JSON.stringify(await measure(browser, device)));
  } finally {
    await browser.close();
  }
}
