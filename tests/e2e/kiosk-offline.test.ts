import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLate, localMoment } from '../../src/shared/school-time.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { launchBrowser, launchProfile, nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';

let browser: Browser;
let server: ServerProcess;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server?.stop();
});

const ids = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(from + i));

function nameOf(studentId: string): string {
  const [row] = server.query<{ name: string }>('select name from students where student_number = ?', studentId);
  if (!row) throw new Error(`No student ${studentId}`);
  return row.name;
}

function opsFor(studentIds: string[]): Array<{ student_number: string; n: number }> {
  return server.query(
    `select student_number, count(*) as n from ops where student_number in (${studentIds.map(() => '?').join(',')}) group by student_number order by student_number`,
    ...studentIds,
  );
}

const exactlyOnce = (studentIds: string[]) => studentIds.map((id) => ({ student_number: id, n: 1 }));
const countOps = (): number => Number(server.query<{ n: number }>('select count(*) as n from ops')[0]?.n);
const countAttendance = (): number => Number(server.query<{ n: number }>('select count(*) as n from attendance')[0]?.n);

describe('the door kiosk', () => {
  it('checks a student in online and the check-in reaches the database', async () => {
    const context = await browser.newContext();
    const page = await openKiosk(context, server.url);
    const said = await scan(page, '100001', /Ada Lovelace — (checked in|late)/);

    await until('the check-in in the database', () => countOps() === 1);
    const [op] = server.query<{ device_time: number; status: string }>("select device_time, status from ops where student_number = '100001'");
    expect(op?.status).toBe('applied');
    const at = Number(op?.device_time);
    const time = localMoment(at, 'Europe/London').time;
    expect(said).toBe(isLate(at, 'Europe/London', '08:00') ? `Ada Lovelace — late, ${time}` : `Ada Lovelace — checked in ${time}`);
    await page.getByText('All sent').waitFor();
    await context.close();
  });

  it('says so when an ID is not on the roster', async () => {
    const context = await browser.newContext();
    const page = await openKiosk(context, server.url);
    await scan(page, '4242', /Not on this school's roster/);
    await until('the refused check-in to be recorded', () => server.query("select 1 from ops where student_number = '4242' and code = 'unknown-student'").length === 1);
    await page.getByText(/1 check-in refused by the server/).waitFor();
    await context.close();
  });

  it('confirms 20 check-ins offline and delivers them exactly once after the tab is closed and the network returns', async () => {
    const context = await browser.newContext();
    const page = await openKiosk(context, server.url);
    await context.setOffline(true);
    await page.getByText('Offline', { exact: true }).waitFor();

    const students = ids(100101, 20);
    for (const [i, id] of students.entries()) {
      await scan(page, id, new RegExp(`^${nameOf(id)} — (checked in|late)`));
      await page.getByText(`${i + 1} check-in${i === 0 ? '' : 's'} waiting to send`).waitFor();
    }
    await page.close();
    expect(countOps()).toBe(0);

    // No page is open: only the service worker's Background Sync can deliver now.
    await context.setOffline(false);
    await until('20 check-ins in the database', () => countOps() === 20);
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    expect(countAttendance()).toBe(20);

    // The kiosk agrees that nothing is left, and nothing arrives twice.
    const again = await openKiosk(context, server.url);
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
      const page = await openKiosk(context, server.url);
      await context.setOffline(true);
      const students = ids(100201, 10);
      for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
      await page.getByText('10 check-ins waiting to send').waitFor();
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
    proxy = await startFaultProxy(server.url);
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('keeps everything through a 500 and a captive portal page, then delivers each check-in once', async () => {
    const context = await browser.newContext();
    const page = await openKiosk(context, proxy.url);
    const students = ids(100301, 5);

    proxy.mode = 'error-500';
    for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await until('a sync answered 500', () => proxy.seen['error-500'] > 0);
    await page.getByText('5 check-ins waiting to send').waitFor();
    await page.getByText('Offline — the server cannot be reached').waitFor();
    expect(countOps()).toBe(0);

    proxy.mode = 'html-200';
    await nudgeSync(page);
    await until('a sync answered by the portal page', () => proxy.seen['html-200'] > 0);
    await page.getByText('5 check-ins waiting to send').waitFor();
    expect(countOps()).toBe(0);

    proxy.mode = 'pass';
    await nudgeSync(page);
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    await context.close();
  });

  it('resends a batch whose answer was lost after the server committed, and counts it once', async () => {
    const context = await browser.newContext();
    const page = await openKiosk(context, proxy.url);
    const students = ids(100401, 3);

    proxy.mode = 'drop-after-commit';
    for (const id of students) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await until('the server to commit a batch whose answer is lost', () => proxy.seen['drop-after-commit'] > 0 && countOps() > 0);
    await page.getByText(/check-ins? waiting to send/).waitFor();

    proxy.mode = 'pass';
    await nudgeSync(page);
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(opsFor(students)).toEqual(exactlyOnce(students));
    expect(countAttendance()).toBe(3);
    await context.close();
  });
});
