/**
 * Students, staff accounts and kiosks managed in the browser, by role and
 * label and by the keyboard alone, each page checked with axe-core and
 * photographed under tests/e2e/output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

async function checked(page: Page, name: string): Promise<void> {
  fs.mkdirSync(output, { recursive: true });
  await page.screenshot({ path: path.join(output, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe violations on ${name}`).toEqual([]);
}

/** Presses Tab until `target` has the focus, as a person without a mouse does. */
async function tabTo(page: Page, target: Locator, most = 60): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

describe('students, staff and kiosks by hand', () => {
  it('lets the office add a student and change them, with the keyboard alone', async () => {
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'office', '/students');
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Students' }).waitFor();
    await page.getByRole('rowheader', { name: 'Ada Lovelace' }).waitFor();
    await checked(page, 'students');

    await tabTo(page, page.getByLabel('Student ID (card number)'));
    await page.keyboard.type('N-4242');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Mary');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Jackson');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12Z');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Mary Jackson is added, with ID N-4242.' }).waitFor();
    const row = page.getByRole('row', { name: 'Mary Jackson' });
    await expect
      .poll(async () => (await row.getByRole('cell').allTextContents()).slice(0, 4))
      .toEqual(['N-4242', '12Z', '12', 'At school']);

    // Edit: Tab to the row's button, Enter, change the family name, Enter again.
    await tabTo(page, page.getByRole('button', { name: 'Edit (Mary Jackson)' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Edit Mary Jackson' }).waitFor();
    expect(await isFocused(page.getByRole('heading', { name: 'Edit Mary Jackson' }))).toBe(true);
    await tabTo(page, page.getByLabel('Family name'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Jackson-Smith');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Mary Jackson-Smith is saved.' }).waitFor();
    await page.getByRole('rowheader', { name: 'Mary Jackson-Smith' }).waitFor();
    await checked(page, 'students-edited');

    // The kiosks' roster has her under her new name.
    const roster = (await (await e2e.server.api('office', '/api/students?q=N-4242')).json()) as { students: Array<{ name: string }> };
    expect(roster.students.map((s) => s.name)).toEqual(['Mary Jackson-Smith']);
    const [entry] = e2e.server.query<{ actor_name: string }>("select actor_name from admin_log where action = 'student-changed'");
    expect(entry?.actor_name).toBe('Katherine Johnson');
    await context.close();
  });

  it('lets an admin create a teacher whose one-time password is shown once; the teacher changes it and their roll opens on their homeroom', async () => {
    const admin = await signInAs(e2e.browser, e2e.server.url, 'admin', '/staff');
    const page = admin.page;
    await page.getByRole('rowheader', { name: 'Grace Hopper' }).waitFor();
    await checked(page, 'staff');

    await tabTo(page, page.getByLabel('Name', { exact: true }));
    await page.keyboard.type('Dorothy Vaughan');
    await page.keyboard.press('Tab');
    await page.keyboard.type('dorothy@riverside.example');
    await page.keyboard.press('Tab');
    // The role stays "Teacher"; the homerooms follow: tick 8B with the space bar.
    await tabTo(page, page.getByRole('checkbox', { name: '8B' }));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Create the account' }));
    await page.keyboard.press('Enter');
    const shown = page.getByRole('region', { name: 'One-time password' });
    await shown.waitFor();
    await expect.poll(() => shown.textContent()).toContain('Dorothy Vaughan’s account is ready');
    const oneTime = ((await page.locator('#one-time-secret').textContent()) ?? '').trim();
    expect(oneTime).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await page.getByRole('rowheader', { name: 'Dorothy Vaughan' }).waitFor();
    await checked(page, 'staff-one-time-password');
    await page.getByRole('button', { name: 'I have noted it' }).press('Enter');
    expect(await shown.isHidden()).toBe(true);
    // Shown once: a reload does not bring it back.
    await page.reload();
    await page.getByRole('rowheader', { name: 'Dorothy Vaughan' }).waitFor();
    expect(await page.content()).not.toContain(oneTime);
    const row = page.getByRole('row', { name: 'Dorothy Vaughan' });
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('8B');
    await admin.context.close();

    const context = await e2e.browser.newContext();
    const teacher = await context.newPage();
    await teacher.goto(`${e2e.server.url}/roll`);
    await teacher.waitForURL(/\/sign-in\?next=/);
    await teacher.getByLabel('Sign-in name').fill('dorothy@riverside.example');
    await teacher.getByLabel('Password', { exact: true }).fill(oneTime);
    await teacher.getByRole('button', { name: 'Sign in' }).click();
    await teacher.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await teacher.getByLabel('New password', { exact: true }).fill('dorothy-own-password');
    await teacher.getByLabel('New password again').fill('dorothy-own-password');
    await teacher.getByRole('button', { name: 'Save the new password' }).click();
    await teacher.waitForURL(`${e2e.server.url}/roll`);
    await expect.poll(() => teacher.locator('#roll-subtitle').textContent()).toMatch(/^8B · /);
    expect(await teacher.getByLabel('Homeroom').inputValue()).toBe('8B');
    await context.close();
  });

  it('lets an admin add a kiosk and rename it, with the keyboard alone', async () => {
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    await page.getByRole('table').first().getByRole('rowheader', { name: 'Main entrance' }).waitFor();
    await tabTo(page, page.getByLabel('Name', { exact: true }));
    await page.keyboard.type('Gym door');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, page.getByRole('button', { name: 'Add the kiosk' }));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Gym door is added' }).waitFor();
    const gym = page.getByRole('row', { name: 'Gym door' });
    await expect
      .poll(async () => (await gym.getByRole('cell').allTextContents()).slice(0, 3))
      .toEqual(['Camera', 'Exit (checks out)', 'Not paired yet']);
    await gym.getByRole('button', { name: 'Retire (Gym door)' }).waitFor();
    // It can be paired at once.
    await expect
      .poll(() => page.getByLabel('Kiosk', { exact: true }).locator('option').allTextContents())
      .toEqual(['Gym door', 'Main entrance']);

    await tabTo(page, page.getByRole('button', { name: 'Edit (Gym door)' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Edit Gym door' }).waitFor();
    await tabTo(page, page.getByLabel('Name', { exact: true }));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Sports hall door');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Sports hall door is saved.' }).waitFor();
    await page.getByRole('rowheader', { name: 'Sports hall door' }).waitFor();
    await checked(page, 'admin-kiosks');
    const actions = e2e.server.query<{ action: string }>("select action from admin_log where action like 'kiosk-%' order by id");
    expect(actions.map((a) => a.action)).toEqual(['kiosk-added', 'kiosk-renamed']);
    await context.close();
  });
});
