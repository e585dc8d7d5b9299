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
 * `seconds` runs to that point; the worker's install (its precache included)
 * is over by then, since a worker becomes active only once it has installed.
 * `bytes` also counts the answers still on their way then (see QUIET_MS).
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
/**
 * After the page is usable and the worker active, answers still on the way
 * are counted until the line has been quiet this long; later traffic (the
 * page's regular nudges) is the device at work, not its install.
 */
const QUIET_MS = 1500;
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
  pairingCode: string;
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
    // The code is made before the clock starts, as an admin would have it ready to read out.
    visit: (context, rig) => openKiosk(context, rig.proxy.url, async () => rig.pairingCode, TIMEOUT_MS),
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
  let started = Date.now();
  context.on('requestfinished', (request) => {
    const at = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
    const line = `${at} s ${request.serviceWorker() ? 'worker' : 'page  '} ${request.method()} ${new URL(request.url()).pathname}`;
    // What the browser's network stack saw; a response taken from the HTTP cache shows 0 bytes.
    void request.sizes().then(
      (sizes) => requests.push(`${line} ${sizes.responseHeadersSize + sizes.responseBodySize} bytes in`),
      () => requests.push(line),
    );
  });
  try {
    const pairingCode = await server.pairingCode();
    proxy.resetCounters();
    started = Date.now();
    const page = await device.visit(context, { server, proxy, pairingCode });
    await until('the worker to be active', () => workerActive(page), TIMEOUT_MS);
    const usableAt = Date.now();
    await waitForQuiet(proxy);
    const { up, down } = proxy.bytes();
    const seconds = (usableAt - started) / 1000;
    fs.mkdirSync(shots, { recursive: true });
    const shot = path.join(shots, `install-${device.name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.error(
      `  ${device.name}: usable after ${seconds.toFixed(1)} s; ${requests.length} requests (finished at, from, what); screenshot ${path.relative(root, shot)}`,
    );
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
