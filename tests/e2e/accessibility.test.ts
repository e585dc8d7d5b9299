/**
 * Every page a person opens, checked with axe-core against WCAG 2.1 AA in the
 * state people meet it, and photographed under tests/e2e/output/ for review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { openKiosk, scan } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { openRoll, signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

async function checked(page: Page, name: string): Promise<void> {
  fs.mkdirSync(output, { recursive: true });
  await page.screenshot({ path: path.join(output, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe violations on ${name}`).toEqual([]);
}

describe('accessibility of every page', () => {
  it('finds nothing on the home page, the sign-in page and the kiosk, before and after pairing', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}/`);
    await page.getByRole('heading', { name: 'Doorline' }).waitFor();
    await checked(page, 'home');
    await page.goto(`${e2e.server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await checked(page, 'sign-in');
    await page.goto(`${e2e.server.url}/kiosk`);
    await page.getByRole('heading', { name: 'Set up this kiosk' }).waitFor();
    await checked(page, 'kiosk-setup');
    await page.close();
    const kiosk = await openKiosk(context, e2e.server.url, () => e2e.server.pairingCode());
    await scan(kiosk, '100001', /Ada Lovelace — (checked in|late)/);
    await checked(kiosk, 'kiosk-checked-in');
    await context.close();
  });

  it('finds nothing on the roll, the office and the admin page', async () => {
    const teacher = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    await openRoll(teacher.page, '7A');
    await checked(teacher.page, 'roll');
    await teacher.context.close();
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    await office.page.getByRole('heading', { level: 1 }).waitFor();
    await checked(office.page, 'office');
    await office.context.close();
    const admin = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    await admin.page.getByRole('heading', { level: 1 }).waitFor();
    await checked(admin.page, 'admin');
    await admin.context.close();
  });

  it('lets a person sign in with the keyboard alone', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}/sign-in?next=${encodeURIComponent('/roll')}`);
    await page.getByLabel('Sign-in name').waitFor();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('id') ?? document.activeElement?.tagName ?? '');
    // Tab moves through the form in reading order until the name field has focus.
    for (let i = 0; i < 5 && !(await page.getByLabel('Sign-in name').evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    expect(await page.getByLabel('Sign-in name').evaluate((el) => el === document.activeElement), `focus is on ${await focused()}`).toBe(
      true,
    );
    await page.keyboard.type('teacher@riverside.example');
    await page.keyboard.press('Tab');
    await page.keyboard.type('riverside-teacher');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${e2e.server.url}/roll`);
    await context.close();
  });
});
