/**
 * How soon the office sees a door check-in: from a kiosk's sync being
 * answered to the "In the building" count on the office's dashboard
 * changing, in Chromium, over 100 check-ins arriving as at a door: one
 * every 0.2 to 1.5 s (a fixed random sequence), each synced on its own.
 *
 * The kiosk is simulated in Node (the real codec and gzip, paired with its
 * own token); the office is the real /office page, signed in, with its
 * worker, listening to the event stream. On SQLite one process serves both;
 * on PostgreSQL the kiosk syncs through one process and the office listens
 * to another, so each event crosses processes (LISTEN/NOTIFY).
 *
 * Each latency is the page's clock when the count first showed that
 * check-in minus this process's clock when its sync's answer arrived (one
 * machine, one clock). Check-ins close together may show in one change.
 * Goal: p95 ≤ 1 s.
 */
import type { Browser, Page } from 'playwright-core';
import type { Op } from '../../src/shared/protocol.ts';
import { launchBrowser, until } from '../e2e/support/kiosk-browser.ts';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';
import { signInAs } from '../e2e/support/staff-browser.ts';
import { pairSimulatedKiosk, syncRequest, type SimulatedKiosk } from '../support/kiosk-sync.ts';
import { createTestDatabase, dropTestDatabase, postgresProblem } from '../support/postgres-admin.ts';
import { mulberry32 } from './support/morning.ts';

const EVENTS = 100;
const GAP_MS = { min: 200, max: 1500 };
const GOAL_P95_MS = 1000;

/** One check-in, synced as a kiosk's worker sends it; resolves when the answer has arrived. */
async function checkIn(server: ServerProcess, kiosk: SimulatedKiosk, seq: number, studentId: string): Promise<number> {
  const ops: Op[] = [{ seq, kind: 'check-in', studentId, at: Date.now(), session: 'day', base: 0 }];
  const answer = await fetch(`${server.url}/api/sync`, syncRequest(kiosk, ops));
  await answer.arrayBuffer();
  const answeredAt = Date.now();
  if (answer.status !== 200) throw new Error(`sync answered ${answer.status}`);
  return answeredAt;
}

interface Shown {
  count: number;
  at: number;
}

/** Records, in the page, each value the "In the building" count takes and when. */
async function watchCount(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<{ count: number; at: number }> = [];
    (window as unknown as { doorlineCounts: typeof seen }).doorlineCounts = seen;
    const read = (): number => Number((document.getElementById('count-inBuilding')?.textContent ?? '').replace(/,/g, ''));
    let last = read();
    new MutationObserver(() => {
      const now = read();
      if (now === last) return;
      last = now;
      seen.push({ count: now, at: Date.now() });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const shownSoFar = (page: Page): Promise<Shown[]> => page.evaluate(() => (window as unknown as { doorlineCounts: Shown[] }).doorlineCounts);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function measure(browser: Browser, db: 'sqlite' | 'postgres', processes: number): Promise<Record<string, unknown>> {
  const database = db === 'postgres' ? await createTestDatabase() : null;
  const servers: ServerProcess[] = [];
  try {
    for (let p = 0; p < processes; p++) servers.push(await startServer(database ? { databaseUrl: database.url } : {}));
    const kioskServer = servers[0] as ServerProcess;
    const officeServer = servers[servers.length - 1] as ServerProcess;
    const kiosk = await pairSimulatedKiosk(kioskServer.url, await kioskServer.pairingCode(), 'live-bench-kiosk-000000000000000001');
    const { context, page } = await signInAs(browser, officeServer.url, 'office', '/office');
    try {
      await page.getByRole('heading', { name: 'Today, at a glance' }).waitFor();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      await until('the count shown', async () => /^\d+$/.test((await page.locator('#count-inBuilding').textContent()) ?? ''));
      const start = Number(((await page.locator('#count-inBuilding').textContent()) ?? '').replace(/,/g, ''));
      await watchCount(page);
      const random = mulberry32(20261202);
      const answered: number[] = [];
      for (let i = 0; i < EVENTS; i++) {
        await new Promise((resolve) => setTimeout(resolve, GAP_MS.min + random() * (GAP_MS.max - GAP_MS.min)));
        answered.push(await checkIn(kioskServer, kiosk, i + 1, String(100001 + i)));
      }
      await until('the count to show every check-in', async () => (await shownSoFar(page)).some((s) => s.count >= start + EVENTS), 30_000);
      const shown = await shownSoFar(page);
      const latencies = answered.map((answeredAt, i) => {
        const first = shown.find((s) => s.count >= start + i + 1);
        if (!first) throw new Error(`check-in ${i + 1} never showed`);
        return first.at - answeredAt;
      });
      const sorted = [...latencies].sort((a, b) => a - b);
      const p95 = percentile(sorted, 95);
      return {
        bench: 'live',
        db,
        processes,
        events: EVENTS,
        p50_ms: Math.round(percentile(sorted, 50)),
        p95_ms: Math.round(p95),
        max_ms: Math.round(sorted[sorted.length - 1] ?? 0),
        goal_p95_ms: GOAL_P95_MS,
        met: p95 <= GOAL_P95_MS,
      };
    } finally {
      await context.close();
    }
  } finally {
    for (const server of servers) await server.stop();
    if (database) await dropTestDatabase(database.name);
  }
}

export async function run(): Promise<void> {
  const browser = await launchBrowser();
  try {
    console.log(JSON.stringify(await measure(browser, 'sqlite', 1)));
    const problem = await postgresProblem();
    if (problem === null) console.log(JSON.stringify(await measure(browser, 'postgres', 2)));
    else console.error(`live: PostgreSQL is not reachable (${problem}); its line is left out.`);
  } finally {
    await browser.close();
  }
}
