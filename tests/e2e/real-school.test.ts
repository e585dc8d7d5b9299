/**
 * A real school's first morning on an empty server (DOORLINE_DEMO=0), in
 * real Chromium: the first admin signs in with the printed one-time
 * password, creates the school, imports its OneRoster export through the
 * admin page's preview, adds and pairs a kiosk where a student checks in.
 * A later export (a leaver, a joiner) reaches the open kiosk without a
 * reload. A teacher from the export gets a one-time password, chooses their
 * own, and their roll opens on their homeroom with the door's check-in.
 * Every page visited is checked with axe and photographed under
 * tests/e2e/output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFiles, makeExport, zipExport, type FixtureExport } from '../support/roster-export.ts';
import { axeViolations } from './support/axe.ts';
import { launchBrowser, nudgeSync, scan, until } from './support/kiosk-browser.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';
import { rollRow } from './support/staff-browser.ts';

const output = fileURLToPath(new URL('./output/', import.meta.url));

async function checked(page: Page, name: string): Promise<void> {
  fs.mkdirSync(output, { recursive: true });
  await page.screenshot({ path: path.join(output, `real-school-${name}.png`), fullPage: true });
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

/** Signs in with a one-time password and chooses a new one, as anyone does the first time. */
async function firstSignIn(page: Page, name: string, oneTime: string, chosen: string): Promise<void> {
  await page.waitForURL(/\/sign-in\?next=/);
  await checked(page, `sign-in-${name.split('@')[0]}`);
  await page.getByLabel('Sign-in name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(oneTime);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await checked(page, `new-password-${name.split('@')[0]}`);
  await page.getByLabel('New password', { exact: true }).fill(chosen);
  await page.getByLabel('New password again').fill(chosen);
  await page.getByRole('button', { name: 'Save the new password' }).click();
}

/** Checks an export on the admin page, reads the student counts of its preview, and applies it. */
async function importExport(page: Page, fixture: FixtureExport, file: string, students: string): Promise<void> {
  const section = page.getByRole('region', { name: 'Import the roster' });
  await section.getByLabel('Roster file (.zip or .csv)').setInputFiles({
    name: file,
    mimeType: 'application/zip',
    buffer: Buffer.from(zipExport(exportFiles(fixture, { bom: true, crlf: true, quoteAll: true }))),
  });
  await section.getByRole('button', { name: 'Check the file' }).click();
  await section.getByText(/^Checked\. Nothing has changed yet/).waitFor({ timeout: 30_000 });
  await section
    .getByRole('table', { name: 'Northfield Academy' })
    .getByRole('row', { name: `Students ${students}` })
    .waitFor();
  await checked(page, `preview-${file.replace(/\.zip$/, '')}`);
  await section.getByRole('button', { name: 'Apply' }).click();
  await section.getByText(/^Imported\./).waitFor({ timeout: 30_000 });
}

describe("a real school's first morning", () => {
  let browser: Browser;
  let server: ServerProcess;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer({ env: { DOORLINE_DEMO: '0' } });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await server?.stop();
    await browser?.close();
  });
  const newContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
    contexts.push(context);
    return context;
  };

  // Eight students in two homerooms (7A: 500001, 500003, …; 8A: 500002, 500004, …), a teacher for each and the head.
  const fixture = makeExport({ students: 8, homerooms: 2 });
  const school = fixture.schools[0];
  if (!school) throw new Error('the export has no school');

  it('goes from an empty server to a check-in, a new roster at the door and a teacher at their roll', async () => {
    expect(server.output()).not.toContain('Created the demo school');
    const adminPassword = await oneTimePassword(server);
    const admin = await (await newContext()).newPage();

    await admin.goto(`${server.url}/admin`);
    await firstSignIn(admin, 'admin', adminPassword, 'northfield-admin-2026');
    await admin.waitForURL(`${server.url}/setup`);
    await admin.getByRole('heading', { name: 'Set up your school' }).waitFor();
    // The export names the school "Northfield Academy": the first import links the school of that name.
    await admin.getByLabel('School name').fill('Northfield Academy');
    await admin.getByLabel('Time zone').selectOption('Europe/London');
    await admin.getByLabel('Bell', { exact: true }).fill('08:45');
    // Open every day, so that the morning is a school day whenever the test runs.
    await admin.getByLabel('Saturday').uncheck();
    await admin.getByLabel('Sunday').uncheck();
    await checked(admin, 'setup');
    await admin.getByRole('button', { name: 'Create the school' }).click();
    await admin.getByRole('heading', { name: 'Northfield Academy is set up' }).waitFor();
    await checked(admin, 'setup-done');

    // Before the roster, the pages say what is missing rather than showing nothing.
    const early = await admin.context().newPage();
    for (const page of ['students', 'roll']) {
      await early.goto(`${server.url}/${page}`);
      await early.getByRole('heading', { level: 1 }).waitFor();
      await early.waitForLoadState('networkidle');
      await early.getByText(/no students (yet|on the roster yet): .*import/i).waitFor();
      await checked(early, `${page}-before-the-roster`);
    }
    await early.close();

    // The set-up's next steps lead on, in the order a school takes them.
    await admin.getByRole('link', { name: 'Import the roster' }).click();
    await admin.waitForURL(`${server.url}/admin#roster-import`);
    await importExport(admin, fixture, 'northfield-september.zip', '8 0 0 0');
    expect(server.query<{ n: number }>('select count(*) as n from students where left_at is null')[0]?.n).toBe(8);
    await checked(admin, 'imported');

    // Cards for the imported homeroom, with the school's name on them.
    await admin.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Cards' }).click();
    await admin.waitForURL(`${server.url}/cards`);
    await admin.getByLabel('Homeroom').selectOption('7A');
    await expect.poll(() => admin.getByRole('article').count(), { timeout: 20_000 }).toBe(4);
    expect(await admin.getByRole('article').first().textContent()).toContain('Northfield Academy');
    await checked(admin, 'cards');
    await admin.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Admin' }).click();
    await admin.waitForURL(`${server.url}/admin`);

    // A kiosk of the school's own, paired with a code the admin reads out.
    const kiosks = admin.getByRole('region', { name: 'Kiosks' });
    await kiosks.getByLabel('Name', { exact: true }).fill('Main door');
    await kiosks.getByRole('button', { name: 'Add the kiosk' }).click();
    await admin.getByRole('status').filter({ hasText: 'Main door is added' }).waitFor();
    await admin.getByLabel('Kiosk', { exact: true }).selectOption({ label: 'Main door' });
    await admin.getByRole('button', { name: 'Make a pairing code' }).click();
    const shown = admin.locator('#pairing-code').filter({ hasText: /^[0-9A-Z]{4}-[0-9A-Z]{4}$/ });
    await shown.waitFor();
    const code = (await shown.textContent()) ?? '';
    await checked(admin, 'pairing-code');

    const door = await (await newContext()).newPage();
    await door.goto(`${server.url}/kiosk`);
    await door.getByRole('heading', { name: 'Set up this kiosk' }).waitFor({ timeout: 30_000 });
    await checked(door, 'kiosk-setup');
    await door.getByLabel('Pairing code').fill(code);
    await door.getByRole('button', { name: 'Pair this kiosk' }).click();
    await door.getByText('Ready offline — 8 students on this kiosk').waitFor({ timeout: 30_000 });
    await door.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await scan(door, '500001', /^Zoë O'Brien — (checked in|late)/);
    await checked(door, 'kiosk-check-in');
    await door.getByText('All sent').waitFor({ timeout: 30_000 });

    // October's export: 500002 has left, 500099 has joined 8A.
    const later: FixtureExport = structuredClone(fixture);
    const next = later.schools[0];
    if (!next) throw new Error('the export has no school');
    next.students = next.students.filter((s) => s.identifier !== '500002');
    next.students.push({
      sourcedId: 'stu-joiner',
      identifier: '500099',
      givenName: 'Katherine',
      familyName: 'Johnson',
      grade: '08',
      homeroom: 'class-A-hr-2',
    });
    await importExport(admin, later, 'northfield-october.zip', '1 0 1 7');

    // The open kiosk hears of the new roster at its next pull, with no reload.
    await until(
      'the kiosk to take the joiner',
      async () => {
        await nudgeSync(door);
        await door.getByLabel('Student ID').fill('500099');
        await door.getByLabel('Student ID').press('Enter');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return /^Katherine Johnson — (checked in|late)/.test((await door.locator('#result-headline').textContent()) ?? '');
      },
      45_000,
    );
    await scan(door, '500002', /^Not on this school's roster$/);
    await checked(door, 'kiosk-leaver');

    // The 7A teacher from the export has an account that waits for a one-time password from the admin.
    const teacher = school.staff[0];
    if (!teacher) throw new Error('the export has no teacher');
    const teacherName = `${teacher.givenName} ${teacher.familyName}`;
    await admin.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Staff' }).click();
    await admin.waitForURL(`${server.url}/staff`);
    const row = admin.getByRole('row', { name: teacherName });
    await expect.poll(async () => (await row.getByRole('cell').allTextContents()).slice(0, 3)).toEqual([teacher.email, 'Teacher', '7A']);
    await checked(admin, 'staff');
    await row.getByRole('button', { name: `Give a one-time password (${teacherName})` }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Make a one-time password' }).click();
    const shownOnce = admin.getByRole('region', { name: 'One-time password' });
    await expect.poll(() => shownOnce.textContent()).toContain(`${teacherName}’s account is ready`);
    const oneTime = ((await admin.locator('#one-time-secret').textContent()) ?? '').trim();
    expect(oneTime).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await checked(admin, 'staff-one-time-password');

    const roll = await (await newContext()).newPage();
    await roll.goto(`${server.url}/roll`);
    await firstSignIn(roll, teacher.email, oneTime, 'chloe-own-password');
    await roll.waitForURL(`${server.url}/roll`);
    await expect.poll(() => roll.locator('#roll-subtitle').textContent(), { timeout: 30_000 }).toMatch(/^7A · /);
    expect(await roll.getByLabel('Homeroom').inputValue()).toBe('7A');
    const homeroom = school.students.filter((s) => s.homeroom === 'class-A-hr-1').map((s) => `${s.givenName} ${s.familyName}`);
    for (const name of homeroom) await rollRow(roll, name).waitFor();
    await expect.poll(() => rollRow(roll, "Zoë O'Brien").textContent()).toMatch(/At the door \d\d:\d\d/);
    expect(await rollRow(roll, "Ana-María O'Brien").textContent()).toContain('Not scanned at the door');
    await checked(roll, 'teacher-roll');

    // A closure made today on School settings: the roll says there is no school rather than showing a register to take.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    await admin.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'School settings' }).click();
    await admin.waitForURL(`${server.url}/school`);
    await admin.getByRole('button', { name: 'Add a closure' }).click();
    const closure = admin.getByRole('group', { name: 'Closure 1' });
    await closure.getByLabel('First day').fill(today);
    await closure.getByLabel('Last day').fill(today);
    await closure.getByLabel('Reason').fill('Staff training day');
    await admin.getByRole('button', { name: 'Save the settings' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await checked(admin, 'school-settings-closure');
    await roll.reload();
    await expect
      .poll(() => roll.locator('#roll-subtitle').textContent(), { timeout: 30_000 })
      .toContain('No school today: Staff training day');
    await checked(roll, 'teacher-roll-closed');
  });
});
