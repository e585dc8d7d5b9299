import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { localMoment } from '../../src/shared/school-time.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { openRoll, rollRow, signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();

function student(studentId: string): { name: string; homeroom: string } {
  const [row] = e2e.server.query<{ name: string; homeroom: string }>(
    'select name, homeroom from students where student_number = ?',
    studentId,
  );
  if (!row) throw new Error(`No student ${studentId}`);
  return row;
}

function recordOf(studentId: string) {
  return e2e.server.query<{ status: string; check_in_at: number | null; version: number }>(
    'select a.status, a.check_in_at, a.version from attendance a join students s on s.id = a.student_id where s.student_number = ?',
    studentId,
  )[0];
}

/** The page's worker is told to push and pull now (a page does so every 20 s). */
async function syncNow(page: Page): Promise<void> {
  await nudgeSync(page);
}

describe('conflicts, end to end', () => {
  it('keeps the door scan over an absent marked offline without it, and the audit names the rule', async () => {
    const ada = student('100001');
    const teacher = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    await openRoll(teacher.page, ada.homeroom);
    const kiosk = await e2e.browser.newContext();
    const door = await openKiosk(kiosk, e2e.server.url, e2e.server.pairingCode);

    await teacher.context.setOffline(true);
    await kiosk.setOffline(true);
    await rollRow(teacher.page, ada.name).getByRole('button', { name: 'Absent' }).click();
    await rollRow(teacher.page, ada.name).getByText('Waiting to send').waitFor();
    await scan(door, '100001', /Ada Lovelace — (checked in|late)/);

    await teacher.context.setOffline(false);
    await syncNow(teacher.page);
    await until('the absent on the server', () => recordOf('100001')?.status === 'absent');
    await kiosk.setOffline(false);
    await syncNow(door);
    await until('the door scan merged', () => recordOf('100001')?.version === 2);
    expect(['present', 'late']).toContain(recordOf('100001')?.status);
    const audit = e2e.server.query<{ action: string; rule: string | null; actor_kind: string }>(
      'select action, rule, actor_kind from audit_log order by id',
    );
    expect(audit).toEqual([
      { action: 'mark', rule: null, actor_kind: 'teacher' },
      { action: 'merge', rule: 'door-evidence', actor_kind: 'door' },
    ]);
    // The teacher's page learns of it at its next pull.
    await syncNow(teacher.page);
    await rollRow(teacher.page, ada.name)
      .getByText(/— (Present|Late)$/)
      .waitFor({ timeout: 20_000 });
    await teacher.context.close();
    await kiosk.close();
  });

  it('opens a genuine conflict for the office, which resolves it with a note that reaches the teacher', async () => {
    const pupil = student('100002');
    const teacher = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    await openRoll(teacher.page, pupil.homeroom);
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/roll');
    await openRoll(office.page, pupil.homeroom);

    // Both see no mark; the office marks late offline while the teacher marks present online.
    await office.context.setOffline(true);
    await rollRow(office.page, pupil.name).getByRole('button', { name: 'Late' }).click();
    await rollRow(teacher.page, pupil.name).getByRole('button', { name: 'Present' }).click();
    await until('the teacher’s mark on the server', () => recordOf('100002')?.status === 'present');
    await office.context.setOffline(false);
    await syncNow(office.page);
    await until('the conflict opened', () => e2e.server.query("select 1 from conflicts where status = 'open'").length === 1);
    expect(recordOf('100002')?.status).toBe('present');

    await office.page.goto(`${e2e.server.url}/office`);
    const item = office.page.getByRole('listitem', { name: `${pupil.name}, ${pupil.homeroom}` });
    await item.getByText(/Late by Katherine Johnson \(office\), or Present by Grace Hopper \(teacher\)/).waitFor();
    await item.getByRole('button', { name: `Settle ${pupil.name}` }).click();
    const dialog = office.page.getByRole('dialog');
    await dialog.getByText(/no rule decides/).waitFor();
    await dialog.getByLabel('Keep for Status').selectOption('local');
    await expect.poll(() => dialog.locator('#dialog-preview').textContent()).toBe('Late');
    await dialog.getByLabel('Note (required)').fill('Bus was late; signed in at reception at 08:20.');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await office.page.getByText('Nothing to settle').waitFor();
    await until('the resolution on the server', () => recordOf('100002')?.status === 'late');
    const [resolution] = e2e.server.query<{ action: string; note: string; actor_kind: string }>(
      "select action, note, actor_kind from audit_log where action = 'resolve'",
    );
    expect(resolution).toEqual({ action: 'resolve', note: 'Bus was late; signed in at reception at 08:20.', actor_kind: 'office' });

    await syncNow(teacher.page);
    await rollRow(teacher.page, pupil.name).getByText(`${pupil.name} — Late`).waitFor({ timeout: 20_000 });
    await teacher.context.close();
    await office.context.close();
  });

  it('shows the office a conflict the moment it opens, with no reload', async () => {
    const pupil = student('100003');
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    await office.page.getByText('Nothing to settle').waitFor();

    // A teacher and another office desk mark the pupil differently, neither having seen the other's mark.
    const markAs = async (role: 'teacher' | 'office', email: string, password: string, status: 'present' | 'absent') => {
      const signedIn = await fetch(`${e2e.server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: e2e.server.url },
        body: JSON.stringify({ v: 1, email, password }),
      });
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const synced = await fetch(`${e2e.server.url}/api/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: e2e.server.url, cookie },
        body: JSON.stringify({
          v: 1,
          type: 'sync',
          deviceId: `${role}-desk-live-0001`,
          kioskId: 'staff-browser',
          ops: [{ seq: 1, kind: 'status', studentId: '100003', status, at: Date.now(), session: 'day', base: 0 }],
        }),
      });
      expect(synced.status).toBe(200);
    };
    await markAs('teacher', 'teacher@riverside.example', 'riverside-teacher', 'present');
    await markAs('office', 'office@riverside.example', 'riverside-office', 'absent');
    expect(e2e.server.query("select 1 from conflicts where status = 'open'")).toHaveLength(1);

    // The office page hears of it over the event stream and lists it, well before any timer would.
    await office.page.getByRole('listitem', { name: `${pupil.name}, ${pupil.homeroom}` }).waitFor({ timeout: 5_000 });
    await office.context.close();
  });

  it('records the right check-in time from a kiosk whose clock is two hours fast', async () => {
    const TWO_HOURS = 2 * 60 * 60 * 1000;
    const kiosk = await e2e.browser.newContext();
    await kiosk.addInitScript((shift) => {
      const real = Date.now;
      Date.now = () => real() + shift;
    }, TWO_HOURS);
    const door = await openKiosk(kiosk, e2e.server.url, e2e.server.pairingCode);
    const [worker] = kiosk.serviceWorkers();
    if (!worker) throw new Error('no service worker');
    // The kiosk's worker runs on the same wrong clock as its page.
    await worker.evaluate((shift) => {
      const real = Date.now;
      Date.now = () => real() + shift;
    }, TWO_HOURS);
    // One sync: the worker measures its offset against the e2e.server.
    await syncNow(door);
    await until(
      'the clock offset measured',
      async () =>
        await worker.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const open = indexedDB.open('doorline');
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
          });
          const value = await new Promise<unknown>((resolve) => {
            const get = db.transaction('meta').objectStore('meta').get('clock-offset');
            get.onsuccess = () => resolve((get.result as { value?: unknown } | undefined)?.value);
          });
          db.close();
          return typeof value === 'number' && Math.abs(value + 2 * 60 * 60 * 1000) < 60_000;
        }),
    );
    const before = Date.now();
    const said = await scan(door, '100020', /— (checked in|late)/);
    const after = Date.now();
    const shown = localMoment(before, 'Europe/London').time;
    expect([shown, localMoment(after, 'Europe/London').time].some((time) => said.includes(time))).toBe(true);
    await until('the check-in on the server', () => recordOf('100020') !== undefined);
    const checkedIn = Number(recordOf('100020')?.check_in_at);
    expect(checkedIn).toBeGreaterThan(before - 60_000);
    expect(checkedIn).toBeLessThan(after + 60_000);
    const [op] = e2e.server.query<{ device_time: number; corrected_time: number }>(
      "select device_time, corrected_time from ops where student_number = '100020'",
    );
    expect(Number(op?.device_time) - Number(op?.corrected_time)).toBeGreaterThan(TWO_HOURS - 60_000);
    await kiosk.close();
  });
});
