/**
 * The admin's device table as an admin reads it: a real kiosk's worker
 * reports its health with its batch, a staff browser names who sent from
 * it, and a kiosk silent in school hours says so in words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { openKiosk, scan } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

/**
 * What only time would do: the kiosk last heard from 20 minutes ago, and a
 * school open all day every day, so the test is in school hours whenever it runs.
 */
function quietKioskInOpenSchool(dbFile: string): void {
  const db = new Database(dbFile);
  try {
    db.prepare("UPDATE schools SET day_start = '00:00', bell_time = '17:00', weekdays_off = ''").run();
    db.prepare('DELETE FROM school_periods').run();
    db.prepare('DELETE FROM school_closures').run();
    db.prepare("UPDATE devices SET last_seen_at = ? WHERE kind = 'kiosk'").run(Date.now() - 20 * 60_000);
  } finally {
    db.close();
  }
}

describe('the device table', () => {
  it('shows each device’s health, flags a silent kiosk in words, and works by keyboard', async () => {
    const kiosk = await e2e.browser.newContext();
    const door = await openKiosk(kiosk, e2e.server.url, e2e.server.pairingCode);
    await scan(door, '100001', /Ada Lovelace — (checked in|late)/);
    await door.getByText('All sent').waitFor({ timeout: 20_000 });
    await kiosk.close();
    const mark = { seq: 1, kind: 'status', studentId: '100002', status: 'present', at: Date.now(), session: 'day', base: 0 };
    const sent = await e2e.server.api('teacher', '/api/sync', {
      method: 'POST',
      body: { v: 1, type: 'sync', deviceId: 'teacher-tablet-e2e-01', kioskId: 'staff-browser', ops: [mark] },
    });
    expect(sent.status).toBe(200);
    quietKioskInOpenSchool(e2e.server.dbFile);

    const admin = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    const page = admin.page;
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Last heard from' }) });
    const row = table.getByRole('row', { name: 'Main entrance' });
    await row.getByText('Silent in school hours — last heard from 20 minutes ago').waitFor();
    await page.getByText('1 kiosk is silent in school hours, not heard from for 15 minutes or more: Main entrance.').waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    // Signed in, last heard from, still to send, link, storage, failures, refused, version, paired, state, actions.
    expect(cells[0]).toBe('—');
    expect(cells[2]).toBe('Nothing waiting');
    expect(cells[3]).toMatch(/^(Good|Fair|Poor) \(\d{1,3} of 100\)$/);
    expect(cells[4]).toMatch(/^(Only )?[\d.]+ [MG]B left$/);
    expect(cells[5]).toBe('None');
    const staff = table.getByRole('row', { name: 'Staff browser' });
    await staff.getByRole('cell', { name: 'Grace Hopper' }).waitFor();
    expect(await staff.getByRole('cell').nth(1).textContent()).toMatch(/^(just now|\d minutes? ago)$/);

    fs.mkdirSync(output, { recursive: true });
    await page.locator('#devices-heading').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(output, 'device-health.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // By keyboard alone: Tab reaches the kiosk's Revoke button, Enter asks, Escape leaves it paired.
    const revoke = row.getByRole('button', { name: 'Revoke' });
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await revoke.evaluate((el) => el === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.getByRole('cell').nth(9).textContent()).toBe('Paired');
    await admin.context.close();
  });
});
