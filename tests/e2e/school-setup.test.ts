/**
 * An empty server (DOORLINE_DEMO=0) in real Chromium: the first admin signs
 * in with the one-time password printed at start-up, chooses a password, is
 * led to the set-up page and creates the school, keyboard and all; the roll
 * then offers the school's own periods, the settings page changes them, and
 * a second school brings the switch into the header. Each page is checked
 * with axe and photographed under tests/e2e/output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keptFrom } from '../../src/shared/retention.ts';
import { longDate } from '../../src/ui/retention-form.ts';
import { axeViolations } from './support/axe.ts';
import { launchBrowser } from './support/kiosk-browser.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';

const output = fileURLToPath(new URL('./output/', import.meta.url));

async function checked(page: Page, name: string): Promise<void> {
  fs.mkdirSync(output, { recursive: true });
  await page.screenshot({ path: path.join(output, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe violations on ${name}`).toEqual([]);
}

async function oneTimePassword(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const match = /one-time password (\S+)/.exec(server.output());
    if (match?.[1]) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no one-time password in:\n${server.output()}`);
}

const focusedIs = (page: Page, label: string) => page.getByLabel(label, { exact: true }).evaluate((el) => el === document.activeElement);

describe('setting up a school on an empty server', () => {
  let browser: Browser;
  let server: ServerProcess;
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer({ env: { DOORLINE_DEMO: '0' } });
  });
  afterAll(async () => {
    await server?.stop();
    await browser?.close();
  });

  it('leads the first admin from the one-time password to a school whose periods the roll offers', async () => {
    expect(server.output()).not.toContain('Created the demo school');
    const password = await oneTimePassword(server);
    expect(server.output()).toContain('/setup');
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Dublin' });
    const page = await context.newPage();

    // Any staff page sends a stranger to sign in.
    await page.goto(`${server.url}/roll`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Sign-in name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('lakeside-admin-2026');
    await page.getByLabel('New password again').fill('lakeside-admin-2026');
    await page.getByRole('button', { name: 'Save the new password' }).click();

    await page.waitForURL(`${server.url}/setup`);
    await page.getByRole('heading', { name: 'Set up your school' }).waitFor();
    expect(await focusedIs(page, 'School name')).toBe(true);
    await checked(page, 'setup');
    // Until there is a school, every other staff page leads back here.
    for (const other of ['/admin', '/roll', '/school']) {
      await page.goto(`${server.url}${other}`);
      await page.waitForURL(`${server.url}/setup`);
    }
    await page.getByLabel('School name').focus();

    // By keyboard alone: the name, then a period added and filled, then the form sent.
    await page.keyboard.type('Lakeside Primary');
    await page.getByLabel('Time zone').selectOption('Europe/Dublin');
    await page.getByLabel('Bell', { exact: true }).fill('08:40');
    await page.getByLabel('Grace period (minutes)').fill('10');
    await page.getByRole('button', { name: 'Add a period' }).focus();
    await page.keyboard.press('Enter');
    const first = page.getByRole('group', { name: 'Period 1' });
    expect(await first.getByLabel('Name').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Literacy');
    await first.getByLabel('Starts').fill('08:50');
    await first.getByLabel('Ends').fill('10:00');
    await page.getByRole('button', { name: 'Add a period' }).click();
    const second = page.getByRole('group', { name: 'Period 2' });
    await second.getByLabel('Name').fill('Numeracy');
    await second.getByLabel('Starts').fill('09:30');
    await second.getByLabel('Ends').fill('11:30');
    await page.getByRole('button', { name: 'Add a closure' }).click();
    const closure = page.getByRole('group', { name: 'Closure 1' });
    await closure.getByLabel('First day').fill('2026-12-21');
    await closure.getByLabel('Last day').fill('2027-01-05');
    await closure.getByLabel('Reason').fill('Christmas holidays');
    await page.getByRole('button', { name: 'Create the school' }).focus();
    await page.keyboard.press('Enter');

    // Overlapping periods are refused in plain words, and the field in question is where the focus goes.
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'overlap' }).count()).toBe(1);
    expect(await second.getByLabel('Starts').getAttribute('aria-invalid')).toBe('true');
    expect(await second.getByLabel('Starts').evaluate((el) => el === document.activeElement)).toBe(true);
    await checked(page, 'setup-refused');
    await second.getByLabel('Starts').fill('10:20');
    await page.getByRole('button', { name: 'Create the school' }).click();

    await page.getByRole('heading', { name: 'Lakeside Primary is set up' }).waitFor();
    await checked(page, 'setup-done');

    await page.getByRole('link', { name: 'Open the roll' }).click();
    await page.waitForURL(`${server.url}/roll`);
    await expect.poll(() => page.getByLabel('Session').locator('option').allTextContents()).toEqual(['Whole day', 'Literacy', 'Numeracy']);
    expect(await page.locator('.staff-school').textContent()).toBe('Lakeside Primary');
    await checked(page, 'roll-of-a-new-school');
    await context.close();
  });

  it('changes a setting on the School settings page, and switches between two schools', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${server.url}/school`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Sign-in name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('lakeside-admin-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/school`);
    await expect.poll(() => page.getByLabel('School name').inputValue()).toBe('Lakeside Primary');
    expect(await page.getByRole('group', { name: 'Period 2' }).getByLabel('Name').inputValue()).toBe('Numeracy');
    expect(await page.getByLabel('Saturday').isChecked()).toBe(true);
    await checked(page, 'school-settings');

    await page.getByRole('group', { name: 'Period 1' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByLabel('Grace period (minutes)').fill('5');
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.reload();
    await expect.poll(() => page.getByRole('group', { name: 'Period 1' }).getByLabel('Name').inputValue()).toBe('Numeracy');
    expect(await page.getByRole('group', { name: 'Period 2' }).count()).toBe(0);
    expect(await page.getByLabel('Grace period (minutes)').inputValue()).toBe('5');

    // How long records are kept: by default this school year and the last, said as a date.
    const today = new Date().toISOString().slice(0, 10);
    const keeping = page.getByRole('form', { name: 'Keeping records' });
    await keeping.getByText(`from ${longDate(keptFrom(today, { schoolYears: 2, yearStarts: '08-01' }))}`).waitFor();
    await keeping.getByLabel('School years kept').fill('3');
    await keeping.getByLabel('A school year starts in').selectOption({ label: 'September' });
    await keeping.getByLabel('on day').fill('1');
    await keeping.getByLabel('Days a device keeps refused check-ins').fill('14');
    await keeping.getByLabel('on day').press('Enter');
    const from = longDate(keptFrom(today, { schoolYears: 3, yearStarts: '09-01' }));
    await page
      .getByRole('status')
      .filter({ hasText: `Records from before ${from} will be deleted` })
      .waitFor();
    await keeping.getByText(`from ${from}: this school year and the 2 before it`).waitFor();
    await checked(page, 'school-settings-keeping-records');
    await page.reload();
    await expect.poll(() => page.getByLabel('School years kept').inputValue()).toBe('3');

    await page.getByRole('link', { name: 'Add another school' }).click();
    await page.getByRole('heading', { name: 'Add a school' }).waitFor();
    await page.getByLabel('School name').fill('Lakeside Secondary');
    await page.getByRole('button', { name: 'Add a period' }).click();
    await page.getByRole('group', { name: 'Period 1' }).getByLabel('Name').fill('Form time');
    await page.getByRole('group', { name: 'Period 1' }).getByLabel('Starts').fill('08:45');
    await page.getByRole('group', { name: 'Period 1' }).getByLabel('Ends').fill('09:00');
    await page.getByRole('button', { name: 'Create the school' }).click();
    await page.getByRole('heading', { name: 'Lakeside Secondary is set up' }).waitFor();

    await page.goto(`${server.url}/roll`);
    await expect.poll(() => page.getByLabel('Session').locator('option').allTextContents()).toEqual(['Whole day', 'Form time']);
    const school = page.getByLabel('School', { exact: true });
    expect(await school.locator('option:checked').textContent()).toBe('Lakeside Secondary');
    await checked(page, 'header-with-school-switch');
    await school.selectOption({ label: 'Lakeside Primary' });
    await page.getByRole('button', { name: 'Switch' }).click();
    await expect.poll(() => page.getByLabel('Session').locator('option').allTextContents()).toEqual(['Whole day', 'Numeracy']);
    expect(await page.getByLabel('School', { exact: true }).locator('option:checked').textContent()).toBe('Lakeside Primary');
    await context.close();
  });
});
