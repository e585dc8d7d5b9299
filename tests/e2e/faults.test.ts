/**
 * Faults a school's network and server meet, with a real kiosk in Chromium:
 * answers lost after the server committed, several in a row; a link that
 * cuts connections; the server killed mid-batch and restarted on the same
 * database; the browser killed mid-drain and started again on its profile. Each ends with every check-in stored exactly once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchProfile, nudgeSync, openKiosk, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer, useFaultProxy } from './support/lifecycle.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';

const e2e = useBrowserAndServer();
const faults = useFaultProxy(e2e);

const ids = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(from + i));

/** Check-ins through the page's worker, as the kiosk makes them, with op ids from `first` on. */
async function postCheckIns(page: Page, studentIds: string[], first = 1): Promise<void> {
  await page.evaluate(
    async ({ list, first }) => {
      const config = (await (await fetch('/api/kiosk-config')).json()) as { kiosk: { id: string } };
      let n = first;
      for (const studentId of list) {
        const opId = `01JG${String(n).padStart(22, '0')}`;
        const at = Date.now() - (list.length - (n - first)) * 1000;
        n++;
        const response = await fetch('/api/marks', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ v: 1, opId, kind: 'check-in', kioskId: config.kiosk.id, studentId, at }),
        });
        if (response.status !== 202) throw new Error(`The worker answered ${response.status}`);
      }
    },
    { list: studentIds, first },
  );
}

/** Ops per student among `studentIds`, from the database `server` serves. */
function opsFor(server: ServerProcess, studentIds: string[]): Array<{ student_number: string; n: number }> {
  return server.query(
    `select student_number, count(*) as n from ops where student_number in (${studentIds.map(() => '?').join(',')}) group by student_number order by student_number`,
    ...studentIds,
  );
}
const exactlyOnce = (studentIds: string[]) => [...studentIds].sort().map((id) => ({ student_number: id, n: 1 }));
const countOps = (server: ServerProcess): number => Number(server.query<{ n: number }>('select count(*) as n from ops')[0]?.n);

/** Kills (SIGKILL) every Chromium process of a profile, as a crash or a pulled plug would. */
function killBrowser(profile: string): void {
  execFileSync('pkill', ['-KILL', '-f', `user-data-dir=${profile}`]);
}

/** What the kiosk's worker says is still waiting, from its own status. */
const waiting = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const listen = (event: MessageEvent<{ type?: string; waiting?: number }>) => {
          if (event.data?.type !== 'status') return;
          navigator.serviceWorker.removeEventListener('message', listen);
          resolve(event.data.waiting ?? -1);
        };
        navigator.serviceWorker.addEventListener('message', listen);
        navigator.serviceWorker.controller?.postMessage({ v: 1, type: 'status-please' });
      }),
  );

/** Nudges the worker every second, as a page's timer would far more slowly, until `done`. */
async function drainUntil(page: Page, what: string, done: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await nudgeSync(page);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('a kiosk on a faulty link or server', () => {
  it('counts once every check-in whose answer was lost after the server committed, several times in a row', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, faults.proxy.url, e2e.server.pairingCode);
    const students = ids(100101, 40);

    faults.proxy.mode = 'drop-after-commit';
    await postCheckIns(page, students);
    await drainUntil(page, 'three answers lost after the server committed', () => faults.proxy.seen['drop-after-commit'] >= 3);
    expect(countOps(e2e.server)).toBeGreaterThan(0);
    expect(await waiting(page)).toBe(students.length);

    faults.proxy.mode = 'pass';
    await drainUntil(page, 'the queue to empty', async () => (await waiting(page)) === 0);
    expect(opsFor(e2e.server, students)).toEqual(exactlyOnce(students));
    await context.close();
  });

  it('delivers 300 check-ins exactly once over a link that cuts 30% of its connections while the door is in use', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, faults.proxy.url, e2e.server.pairingCode);
    const students = ids(100201, 300);

    faults.proxy.mode = 'flaky';
    // A morning's arrivals in thirty groups, each sent as it comes, over the flaky link.
    for (let group = 0; group < 30; group++) {
      await postCheckIns(page, students.slice(group * 10, group * 10 + 10), 1 + group * 10);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await drainUntil(page, 'the queue to empty over the flaky link', async () => (await waiting(page)) === 0);
    // The link did cut, both before the server saw a request and after it had committed one.
    expect(faults.proxy.cut.before).toBeGreaterThan(0);
    expect(faults.proxy.cut.after).toBeGreaterThan(0);
    expect(opsFor(e2e.server, students)).toEqual(exactlyOnce(students));
    await context.close();
  });

  it('delivers every check-in exactly once when the server is killed mid-batch and restarted on the same database', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, faults.proxy.url, e2e.server.pairingCode);
    const students = ids(100001, 600);

    await context.setOffline(true);
    await postCheckIns(page, students);
    // Small batches on a slow link, so that the kill finds some stored and some on their way.
    faults.proxy.maxSyncBodyBytes = 800;
    faults.proxy.syncDelayMs = 400;
    await context.setOffline(false);
    await nudgeSync(page);
    await until('the server to have taken part of the backlog', () => countOps(e2e.server) > 0, 60_000);
    const port = new URL(e2e.server.url).port;
    await e2e.server.kill();
    const taken = countOps(e2e.server);
    expect(taken).toBeLessThan(600);

    const restarted = await startServer({ dbFile: e2e.server.dbFile, env: { PORT: port } });
    try {
      await drainUntil(page, 'the queue to empty after the restart', async () => (await waiting(page)) === 0);
      expect(countOps(restarted)).toBe(600);
      expect(opsFor(restarted, students)).toEqual(exactlyOnce(students));
    } finally {
      await restarted.stop();
    }
    await context.close();
  });

  it('delivers every check-in exactly once when the browser is killed mid-drain over a slow link and started again', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-profile-'));
    try {
      const first = await launchProfile(profile);
      const page = await openKiosk(first, faults.proxy.url, e2e.server.pairingCode);
      const students = ids(100001, 600);
      await first.setOffline(true);
      await postCheckIns(page, students);
      // Small batches on a slow link: the drain takes seconds, and the kill lands inside it.
      faults.proxy.maxSyncBodyBytes = 800;
      faults.proxy.syncDelayMs = 400;
      await first.setOffline(false);
      await until('the server to have taken part of the backlog', () => countOps(e2e.server) > 0, 60_000);
      killBrowser(profile);
      await first.close().catch(() => undefined);
      const taken = countOps(e2e.server);
      expect(taken).toBeLessThan(600);

      // The same profile again: the worker takes up the pending sync, and the page a person opens nudges it.
      const again = await launchProfile(profile);
      try {
        const kiosk = await openKiosk(again, faults.proxy.url);
        await drainUntil(kiosk, 'the queue to empty after the restart', async () => (await waiting(kiosk)) === 0);
        expect(opsFor(e2e.server, students)).toEqual(exactlyOnce(students));
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
