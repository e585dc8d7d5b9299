/**
 * Leaving early at an entrance kiosk: a student chooses "Leaving early" and a
 * reason by keyboard, scans, and is checked out with that reason; the kiosk
 * is then back to checking in, so the next student is not checked out by
 * mistake. The office's left-early list, the student's day and the teacher's
 * roll show the time and the reason. A screenshot of the kiosk in leaving mode goes under
 * tests/e2e/output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { openRoll, rollRow, signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

const focusedId = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');
const focusedText = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.textContent ?? '');

function checkOutOf(studentId: string): { check_out_at: number | null; check_out_reason: string | null } | undefined {
  return e2e.server.query<{ check_out_at: number | null; check_out_reason: string | null }>(
    "select a.check_out_at, a.check_out_reason from attendance a join students s on s.id = a.student_id where s.student_number = ? and a.session = 'day'",
    studentId,
  )[0];
}

/** From the ID field, by keyboard: past "Check in" to "Leaving early". */
async function openLeaving(door: Page): Promise<void> {
  expect(await focusedId(door)).toBe('student-id');
  await door.keyboard.press('Tab');
  await door.keyboard.press('Tab');
  expect(await focusedText(door)).toBe('Leaving early');
  await door.keyboard.press('Enter');
  await door.getByText('Why are you leaving? Choose, or scan your card to check out.').waitFor();
  expect(await focusedText(door)).toBe('Appointment');
}

async function backToCheckingIn(door: Page): Promise<void> {
  await door.locator('#mode').waitFor({ state: 'hidden', timeout: 25_000 });
  expect(await door.getByRole('button', { name: 'Check in' }).count()).toBe(1);
  expect(await door.getByRole('button', { name: 'Appointment' }).count()).toBe(0);
  expect(await focusedId(door)).toBe('student-id');
}

describe('leaving early at an entrance kiosk', () => {
  it('checks a student out with the reason chosen by keyboard, then checks the next one in', async () => {
    const context = await e2e.browser.newContext();
    const door = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await scan(door, '100001', /Ada Lovelace — (checked in|late)/);

    await openLeaving(door);
    expect(await axeViolations(door), 'axe violations while choosing a reason').toEqual([]);
    fs.mkdirSync(output, { recursive: true });
    await door.screenshot({ path: path.join(output, 'kiosk-leaving-reasons.png') });
    await door.keyboard.press('Tab');
    expect(await focusedText(door)).toBe('Illness');
    await door.keyboard.press('Enter');
    await door.getByText('Checking out: Illness — scan your card').waitFor();
    expect(await focusedId(door)).toBe('student-id');
    expect(await door.getByRole('button', { name: 'Check out' }).count()).toBe(1);
    expect(await axeViolations(door)).toEqual([]);
    await door.screenshot({ path: path.join(output, 'kiosk-leaving.png') });

    // A scanner types the ID into the field and presses Enter.
    await door.keyboard.type('100001');
    await door.keyboard.press('Enter');
    await door
      .locator('#result-headline')
      .filter({ hasText: /Ada Lovelace — checked out \d\d:\d\d/ })
      .waitFor();
    expect(await door.locator('#result-detail').textContent()).toMatch(/Illness\. Saved/);
    await backToCheckingIn(door);
    // The next student is checked in, not out.
    await scan(door, '100002', /— (checked in|late)/);

    await nudgeSync(door);
    await until('the check-out on the server', () => checkOutOf('100001')?.check_out_reason === 'illness');
    expect(checkOutOf('100001')?.check_out_at).toEqual(expect.any(Number));
    expect(checkOutOf('100002')?.check_out_at ?? null).toBeNull();
    const today = (await (await e2e.server.api('office', '/api/today')).json()) as {
      leftEarly: Array<{ studentId: string; checkOutAt: number; checkOutReason?: string }>;
    };
    expect(today.leftEarly).toEqual([expect.objectContaining({ studentId: '100001', checkOutReason: 'illness' })]);

    // Escape, Cancel and a kiosk left alone all go back to checking in.
    await openLeaving(door);
    await door.keyboard.press('Escape');
    await backToCheckingIn(door);
    await openLeaving(door);
    await door.keyboard.press('Enter');
    await door.getByText('Checking out: Appointment — scan your card').waitFor();
    await door.keyboard.press('Escape');
    await backToCheckingIn(door);
    await openLeaving(door);
    await door.keyboard.press('Shift+Tab');
    expect(await focusedText(door)).toBe('Cancel');
    await door.keyboard.press('Enter');
    await backToCheckingIn(door);
    // A card scanned while the reasons are offered checks the student out, with none: they said they were leaving.
    await openLeaving(door);
    expect(await door.getByRole('button', { name: 'Check out' }).count()).toBe(1);
    await door.keyboard.type('100003');
    await door.keyboard.press('Enter');
    await door
      .locator('#result-headline')
      .filter({ hasText: /— checked out \d\d:\d\d/ })
      .waitFor();
    await backToCheckingIn(door);
    await nudgeSync(door);
    await until('the check-out with no reason on the server', () => typeof checkOutOf('100003')?.check_out_at === 'number');
    expect(checkOutOf('100003')?.check_out_reason ?? null).toBeNull();
    await openLeaving(door);
    await door.keyboard.press('Enter');
    await door.getByText('Checking out: Appointment — scan your card').waitFor();
    const chosen = Date.now();
    await backToCheckingIn(door);
    expect(Date.now() - chosen).toBeGreaterThan(15_000);
    await context.close();

    // The office's left-early list and the teacher's roll show when and why.
    const [ada] = e2e.server.query<{ name: string; homeroom: string }>(
      'select name, homeroom from students where student_number = ?',
      '100001',
    );
    if (!ada) throw new Error('No student 100001');
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    const left = office.page.getByRole('table', { name: 'Left early' });
    await left.getByText(/^\d\d:\d\d \(Illness\)$/).waitFor();
    await left.getByRole('button', { name: ada.name }).click();
    await office.page
      .getByRole('dialog')
      .getByText(/out at \d\d:\d\d \(Illness\)$/)
      .first()
      .waitFor();
    expect(await axeViolations(office.page)).toEqual([]);
    await office.page.screenshot({ path: path.join(output, 'office-left-early-day.png') });
    await office.context.close();
    const teacher = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    await openRoll(teacher.page, ada.homeroom);
    await rollRow(teacher.page, ada.name)
      .getByText(/^Left \d\d:\d\d \(Illness\)$/)
      .waitFor();
    await teacher.context.close();
  }, 120_000);
});
