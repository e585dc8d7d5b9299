import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLate, localMoment } from '../../src/shared/school-time.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { launchProfile, nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';

const e2e = useBrowserAndServer();

/** A fixed shuffle (a small seeded generator), so runs are repeatable. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let state = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const ids = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(from + i));

function nameOf(studentId: string): string {
  const [row] = e2e.server.query<{ name: string }>('select name from students where student_number = ?', studentId);
  if (!row) throw new Error(`No student ${studentId}`);
  return row.name;
}

function opsFor(studentIds: string[]): Array<{ student_number: string; n: number }> {
  return e2e.server.query(
    `select student_number, count(*) as n from ops where student_number in (${studentIds.map(() => '?').join(',')}) group by student_number order by student_number`,
    ...studentIds,
  );
}

/** Posts check-ins through the page's worker the way the kiosk does, without typing each one. */
async function postMarks(page: Page, studentIds: string[]): Promise<void> {
  await page.evaluate(async (list) => {
    const config = (await (await fetch('/api/kiosk-config')).json()) as { kiosk: { id: string } };
    let n = 0;
    for (const studentId of list) {
      n++;
      // Arrivals a few irregular seconds apart, as at a real door.
      const at = Date.now() - (list.length - n) * 3000 - ((n * n * 7919) % 2999);
      const opId = `01JF${String(n).padStart(22, '0')}`;
      const response = await fetch('/api/marks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ v: 1, opId, kind: 'check-in', kioskId: config.kiosk.id, studentId, at }),
      });
      if (response.status !== 202) throw new Error(`The worker answered ${response.status}`);
    }
  }, studentIds);
}

const exactlyOnce = (studentIds: string[]) => [...studentIds].sort().map((id) => ({ student_number: id, n: 1 }));
const countOps = (): number => Number(e2e.server.query<{ n: number }>('select count(*) as n from ops')[0]?.n);
const countAttendance = (): number => Number(e2e.server.query<{ n: number }>('select count(*) as n from attendance')[0]?.n);

describe('the door kiosk', () => {
  it('checks a student in online and the check-in reaches the database', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    const said = await scan(page, '100001', /Ada Lovelace — (checked in|late)/);

    await until('the check-in in the database', () => countOps() === 1);
    const [op] = e2e.server.query<{ device_time: number; status: string }>(
      "select device_time, status from ops where student_number = '100001'",
    );
    expect(op?.status).toBe('applied');
    const at = Number(op?.device_time);
    const time = localMoment(at, 'Europe/London').time;
    expect(said).toBe(isLate(at, 'Europe/London', '08:00') ? `Ada Lovelace — late, ${time}` : `Ada Lovelace — checked in ${time}`);
    await page.getByText('All sent').waitFor();
    await context.close();
  });

  it('answers an ID not on the roster at the kiosk, and neither queues nor counts it', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await page.getByText(/^Ready offline/).waitFor();
    await scan(page, '4242', /Not on this school's roster/);
    await nudgeSync(page);
    await page.getByText('All sent').waitFor();
    expect(e2e.server.query("select 1 from ops where student_number = '4242'")).toEqual([]);
    // Refusals are for staff (the admin's device list), not for the screen students face.
    expect(await page.getByText(/refused/).count()).toBe(0);
    await context.close();
  });

  it('confirms 20 check-ins offline and delivers them exactly once after the tab is closed and the network returns', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await context.setOffline(true);
    await page.getByText('Offline', { exact: true }).waitFor();

    const students = ids(100101, 20);
    for (const [i, id] of students.entries()) {
      await scan(page, id, new RegExp(`^${nameOf(id)} — (checked in|late)`));
      await page.getByText(`Waiting for the network — ${i + 1} check-in${i === 0 ? '' : 's'} saved on this kiosk`).waitFor();
    }
    await page.close();
    expect(countOps()).toBe(0);

    // No page is open: only the service worker's Background Sync can deliver now.
    await context.setOffline(false);
    await until('20 check-ins in the database', () => countOps() === 20);
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    expect(countAttendance()).toBe(20);

    // The kiosk agrees that nothing is left, and nothing arrives twice.
    const again = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await again.getByText('All sent').waitFor();
    await nudgeSync(again);
    await again.waitForTimeout(500);
    expect(countOps()).toBe(20);
    await context.close();
  });

  it('delivers check-ins queued offline after the browser is closed and started again', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-profile-'));
    try {
      let context = await launchProfile(profile);
      const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
      await context.setOffline(true);
      const students = ids(100201, 10);
      for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
      await page.getByText('Waiting for the network — 10 check-ins saved on this kiosk').waitFor();
      await context.close();
      expect(countOps()).toBe(0);

      // The same profile again: the worker wakes for the pending sync with no kiosk page open.
      context = await launchProfile(profile);
      await until('10 check-ins in the database', () => countOps() === 10);
      expect(opsFor(students)).toEqual(exactlyOnce(students));
      await context.close();
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('the door kiosk on a bad network', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = await startFaultProxy(e2e.server.url);
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('keeps everything through a 500 and a captive portal page, then delivers each check-in once', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, proxy.url, e2e.server.pairingCode);
    const students = ids(100301, 5);

    proxy.mode = 'error-500';
    for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await until('a sync answered 500', () => proxy.seen['error-500'] > 0);
    await page.getByText('Waiting for the server — 5 check-ins saved on this kiosk').waitFor();
    await page.getByText('Online, but the server cannot be reached').waitFor();
    expect(countOps()).toBe(0);

    proxy.mode = 'html-200';
    await nudgeSync(page);
    await until('a sync answered by the portal page', () => proxy.seen['html-200'] > 0);
    await page.getByText('Waiting for the server — 5 check-ins saved on this kiosk').waitFor();
    expect(countOps()).toBe(0);

    proxy.mode = 'pass';
    await nudgeSync(page);
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    await context.close();
  });

  it('splits a batch the server finds too large and still delivers every check-in once', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, proxy.url, e2e.server.pairingCode);
    await context.setOffline(true);
    // Students in a shuffled order, so the batch does not compress to nothing.
    const students = shuffled(ids(100001, 600)).slice(0, 300);
    await postMarks(page, students);
    await page.getByText('Waiting for the network — 300 check-ins saved on this kiosk').waitFor();

    proxy.maxSyncBodyBytes = 700;
    await context.setOffline(false);
    await nudgeSync(page);
    await page.getByText('All sent').waitFor({ timeout: 60_000 });
    expect(proxy.tooLarge).toBeGreaterThan(0);
    expect(Math.max(...proxy.passedBodies)).toBeLessThanOrEqual(700);
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    await context.close();
  });

  it('stops sending when the server says the kiosk is not paired, keeps every check-in and says so', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, proxy.url, e2e.server.pairingCode);
    proxy.mode = 'error-401';
    const students = ids(100501, 3);
    for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await page.getByText('This kiosk needs to be paired again').waitFor();
    await page.getByText('3 check-ins saved on this kiosk').waitFor();
    const refusals = proxy.seen['error-401'];
    await nudgeSync(page);
    await page.waitForTimeout(300);
    expect(countOps()).toBe(0);

    proxy.mode = 'pass';
    await nudgeSync(page);
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(refusals).toBeGreaterThan(0);
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    await context.close();
  });

  it('resends a batch whose answer was lost after the server committed, and counts it once', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, proxy.url, e2e.server.pairingCode);
    const students = ids(100401, 3);

    proxy.mode = 'drop-after-commit';
    for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await until('the server to commit a batch whose answer is lost', () => proxy.seen['drop-after-commit'] > 0 && countOps() > 0);
    await page.getByText(/check-ins? saved on this kiosk/).waitFor();

    proxy.mode = 'pass';
    await nudgeSync(page);
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    expect(countAttendance()).toBe(3);
    await context.close();
  });
});
