/**
 * The office's day at a glance in Chromium: the counts on /office, a door
 * check-in reaching them without a reload, a missing student excused from
 * the list by keyboard, a student’s history, the day kept offline and a mark
 * made offline, axe, and a screenshot under
 * tests/e2e/output/ for review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

/** A figure of the day, read by its label as a screen reader does. */
function count(page: Page, label: string) {
  return page.getByRole('definition').and(page.getByLabel(label, { exact: true }));
}

function statusOf(studentId: string): string | undefined {
  return e2e.server.query<{ status: string }>(
    "select a.status from attendance a join students s on s.id = a.student_id where s.student_number = ? and a.session = 'day'",
    studentId,
  )[0]?.status;
}

describe('today, at a glance', () => {
  it('counts the day, follows a check-in live and excuses a missing student from the list', async () => {
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    const page = office.page;
    await page.getByRole('heading', { name: 'Today, at a glance' }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    const inBuilding = count(page, 'In the building');
    await expect.poll(() => inBuilding.textContent(), { timeout: 10_000 }).toBe('0');
    const expected = Number((await count(page, 'Expected today').textContent())?.replace(/,/g, ''));
    // A weekend run expects nobody; on a school day the whole roster is expected.
    expect([0, 600]).toContain(expected);

    // A kiosk checks a student in; the office's count follows without a reload.
    const kiosk = await e2e.browser.newContext();
    const door = await openKiosk(kiosk, e2e.server.url, e2e.server.pairingCode);
    await scan(door, '100001', /Ada Lovelace — (checked in|late)/);
    await nudgeSync(door);
    await until('the check-in on the server', () => statusOf('100001') !== undefined);
    const reached = Date.now();
    await expect.poll(() => inBuilding.textContent(), { timeout: 5_000, interval: 100 }).toBe('1');
    expect(Date.now() - reached).toBeLessThan(5_000);
    await expect.poll(() => page.getByText(/^Live — updated \d\d:\d\d$/).count()).toBe(1);

    if (expected > 0) {
      // Find Alan by his ID, open his day, and excuse him, by keyboard alone.
      const search = page.getByLabel('Find a student (name or ID) or a homeroom');
      await search.focus();
      await page.keyboard.type('100002');
      const missing = page.getByRole('table', { name: 'Missing' });
      await expect.poll(() => missing.getByRole('row').count()).toBe(2);
      const name = (await missing.getByRole('rowheader').getByRole('button').textContent()) ?? '';
      await missing.getByRole('button', { name, exact: true }).focus();
      await page.keyboard.press('Enter');
      const history = page.getByRole('dialog', { name: `${name}: today and the last two weeks` });
      await history.getByText('Nothing recorded in these two weeks.').waitFor();
      await page.keyboard.press('Escape');
      await history.waitFor({ state: 'detached' });

      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: new RegExp(`^Mark ${name}`) });
      await dialog.waitFor();
      // Escape goes back to the button that opened it.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Mark ${name} absent or excused`);
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      // Nothing is chosen at first: Enter alone marks no one, and an excuse needs its reason.
      expect(await dialog.getByLabel('Absent').isChecked()).toBe(false);
      expect(await dialog.getByLabel('Excused').isChecked()).toBe(false);
      await page.keyboard.press('Enter');
      await dialog.getByRole('alert').filter({ hasText: 'Choose Absent or Excused.' }).waitFor();
      await page.keyboard.press('ArrowDown');
      expect(await dialog.getByLabel('Excused').isChecked()).toBe(true);
      await page.keyboard.press('Enter');
      await dialog
        .getByRole('alert')
        .filter({ hasText: /^An excuse needs its reason/ })
        .waitFor();
      expect(await dialog.getByLabel(/^Reason/).evaluate((input) => input === document.activeElement)).toBe(true);
      await page.keyboard.type('Medical appointment');
      fs.mkdirSync(output, { recursive: true });
      await page.screenshot({ path: path.join(output, 'dashboard-mark.png') });
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      await page
        .getByRole('status')
        .filter({ hasText: `${name} marked excused.` })
        .waitFor();
      await until('the excuse on the server', () => statusOf('100002') === 'excused');
      await expect.poll(() => count(page, 'Excused').textContent(), { timeout: 10_000 }).toBe('1');
      await expect.poll(() => missing.getByRole('row').count()).toBe(1);
      // Words from the school's list of reasons are the mark's reason, not a note.
      const [reason] = e2e.server.query<{ status_reason: string; status_reason_text: string }>(
        "select a.status_reason, a.status_reason_text from attendance a join students s on s.id = a.student_id where s.student_number = '100002'",
      );
      expect(reason).toEqual({ status_reason: 'medical-appointment', status_reason_text: 'Medical appointment' });
      expect(e2e.server.query('select text from notes')).toEqual([]);
      await search.fill('');
    }

    // The breakdowns open by keyboard: Ada's homeroom counts her in, and every period is listed.
    for (const summary of ['By homeroom', 'By period']) {
      await page.getByText(summary, { exact: true }).focus();
      await page.keyboard.press('Enter');
    }
    const ada = e2e.server.query<{ homeroom: string }>("select homeroom from students where student_number = '100001'")[0];
    const adaRow = page
      .getByRole('table', { name: 'Today by homeroom' })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${ada?.homeroom}`) }) });
    await expect.poll(() => adaRow.getByRole('cell').nth(1).textContent()).toBe('1');
    expect(await page.getByRole('table', { name: 'Today by period' }).getByRole('rowheader').count()).toBe(6);

    expect(await axeViolations(page)).toEqual([]);
    fs.mkdirSync(output, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(output, 'dashboard.png'), fullPage: true });

    // Offline, the page keeps the day it last knew and says when that was.
    await office.context.setOffline(true);
    await page.getByRole('button', { name: 'Refresh today' }).press('Enter');
    await page.getByText(/^Offline — showing the day as it was at \d\d:\d\d$/).waitFor();
    expect(await inBuilding.textContent()).toBe('1');
    // Reloaded with the network down, the page still shows the day as it last knew it.
    await page.reload();
    await page.getByText(/^Offline — showing the day as it was at \d\d:\d\d$/).waitFor();
    expect(await inBuilding.textContent()).toBe('1');
    await page.screenshot({ path: path.join(output, 'dashboard-offline.png') });
    if (expected > 0) {
      // A mark made offline waits in the worker and reaches the server once back online.
      await page.getByLabel('Find a student (name or ID) or a homeroom').fill('100003');
      const missing = page.getByRole('table', { name: 'Missing' });
      await missing.getByRole('button', { name: /^Mark .* absent or excused$/ }).click();
      const dialog = page.getByRole('dialog', { name: /^Mark / });
      await dialog.getByLabel('Absent').check();
      await dialog.getByRole('button', { name: 'Save the mark' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /marked absent\. Saved on this computer — will send when online\.$/ })
        .waitFor();
      await office.context.setOffline(false);
      await nudgeSync(page);
      await until('the offline absent on the server', () => statusOf('100003') === 'absent');
    }
    await kiosk.close();
    await office.context.close();
  });

  it('downloads a range of days as a spreadsheet file, and says so when the range is backwards', async () => {
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    const page = office.page;
    const exports = page.getByRole('region', { name: 'Exports' });
    await exports.scrollIntoViewIfNeeded();
    const first = exports.getByLabel('First day');
    const last = exports.getByLabel('Last day');
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    expect(await last.inputValue()).toBe(today);
    expect(await first.inputValue()).toBe(`${today.slice(0, 8)}01`);
    // By keyboard: the attendance button is reached from the last day's field.
    await last.focus();
    await page.keyboard.press('Tab');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toBe(`attendance-${today.slice(0, 8)}01-to-${today}.csv`);
    const file = fs.readFileSync(await download.path());
    expect(file.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(file.toString('utf8').split('\r\n')[0]).toContain('"Student ID","Name","Homeroom","Date"');
    const [audit] = await Promise.all([
      page.waitForEvent('download'),
      exports.getByRole('button', { name: 'Download the audit log' }).click(),
    ]);
    expect(audit.suggestedFilename()).toBe(`audit-log-${today.slice(0, 8)}01-to-${today}.csv`);
    const [changes] = await Promise.all([
      page.waitForEvent('download'),
      exports.getByRole('button', { name: 'Download the changes log' }).click(),
    ]);
    expect(changes.suggestedFilename()).toBe(`changes-${today.slice(0, 8)}01-to-${today}.csv`);
    expect(fs.readFileSync(await changes.path(), 'utf8').split('\r\n')[0]).toBe('\uFEFF"When","Who","What","About","Details"');

    await first.fill(today);
    await last.fill(`${today.slice(0, 8)}01`);
    if (today.slice(8) !== '01') {
      expect(await last.evaluate((el: HTMLInputElement) => el.validationMessage)).toBe('The last day cannot come before the first day.');
      expect(await page.evaluate(() => (document.getElementById('export-form') as HTMLFormElement).checkValidity())).toBe(false);
    }
    await exports.screenshot({ path: path.join(output, 'office-exports.png') });
    expect(await axeViolations(page)).toEqual([]);
    await office.context.close();
  });
});
