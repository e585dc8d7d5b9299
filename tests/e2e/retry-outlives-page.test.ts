/**
 * Retries that outlive the page: a kiosk's check-ins reach the server with
 * no page open, after the worker was stopped, through the browser's own
 * retry of the `sync` event the worker rejected while the server was down.
 * The browser waits about five minutes before that retry; the test fires it
 * at once through the DevTools protocol.
 */
import type { BrowserContext, CDPSession } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';

const e2e = useBrowserAndServer();
let proxy: FaultProxy;

beforeEach(async () => {
  proxy = await startFaultProxy(e2e.server.url);
});
afterEach(async () => {
  await proxy?.close();
});

const SYNC_TAG = 'doorline-outbox';
const countOps = (): number => Number(e2e.server.query<{ n: number }>('select count(*) as n from ops')[0]?.n);

interface Workers {
  cdp: CDPSession;
  registrationId: () => string | null;
  running: () => number;
}

/** The DevTools ServiceWorker domain, seen from a blank page of another origin (no Doorline page is open). */
async function watchWorkers(context: BrowserContext): Promise<Workers> {
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  let registrationId: string | null = null;
  const status = new Map<string, string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    for (const r of registrations) if (r.scopeURL.startsWith(proxy.url) && !r.isDeleted) registrationId = r.registrationId;
  });
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL.startsWith(proxy.url)) status.set(v.versionId, v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  return { cdp, registrationId: () => registrationId, running: () => [...status.values()].filter((s) => s !== 'stopped').length };
}

describe('retries that outlive the page', () => {
  it('delivers every check-in with no page open after the server was down when the link came back and the worker was stopped', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, proxy.url, e2e.server.pairingCode);
    await context.setOffline(true);
    const students = Array.from({ length: 10 }, (_, i) => String(100401 + i));
    for (const id of students) await scan(page, id, /— (checked in|late)/);
    await page.getByText('Waiting for the network — 10 check-ins saved on this kiosk').waitFor();
    await page.close();
    const workers = await watchWorkers(context);

    // The link returns with the server down: the sync the browser fires fails.
    proxy.mode = 'down';
    await context.setOffline(false);
    await until('a sync attempt while the server is down', () => proxy.seen.down > 0);
    // The failed event was rejected, so the browser keeps the registration and will fire it again.
    const [worker] = context.serviceWorkers();
    await until('the sync to stay registered after failing', async () =>
      (
        await worker?.evaluate(() =>
          (self as unknown as { registration: { sync: { getTags(): Promise<string[]> } } }).registration.sync.getTags(),
        )
      )?.includes(SYNC_TAG),
    );

    // The worker is stopped, as for idling: its own retry timer dies with it.
    await workers.cdp.send('ServiceWorker.stopAllWorkers');
    await until('the worker to stop', () => workers.running() === 0);

    // The server is back, and nothing happens by itself: no page, no worker.
    proxy.mode = 'pass';
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(countOps()).toBe(0);

    // The browser's retry of the rejected sync event (five minutes later in real life).
    const registrationId = await until('the worker registration', () => workers.registrationId() ?? '');
    await workers.cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: new URL(proxy.url).origin,
      registrationId,
      tag: SYNC_TAG,
      lastChance: false,
    });
    await until('10 check-ins in the database', () => countOps() === 10);
    const rows = e2e.server.query<{ student_number: string; n: number }>(
      'select student_number, count(*) as n from ops group by student_number order by student_number',
    );
    expect(rows).toEqual(students.map((id) => ({ student_number: id, n: 1 })));
    await context.close();
  });
});
