/**
 * An admin imports the roster from a OneRoster zip on /admin: checks it,
 * reads the preview, applies it; a kiosk paired before then checks in a
 * student who joined and refuses one who left, without a reload. The
 * preview says near Apply how many students leave, and Apply asks first
 * when that is more than a quarter of the school.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_SCHOOL } from '../../src/server/demo-school.ts';
import { exportFiles, makeExport, zipExport } from '../support/roster-export.ts';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

/** The demo school's export: Ada Lovelace stays (matched by her card number), 24 students join, everyone else leaves. */
function riversideExport(): Buffer {
  const fixture = makeExport({ students: 24, names: [DEMO_SCHOOL.name] });
  fixture.schools[0]?.students.push({
    sourcedId: 'stu-ada',
    identifier: '100001',
    givenName: 'Ada',
    familyName: 'Lovelace',
    grade: '09',
    homeroom: 'class-A-hr-1',
  });
  return Buffer.from(zipExport(exportFiles(fixture, { bom: true, crlf: true, quoteAll: true })));
}

describe('importing the roster on the admin page', () => {
  it('previews a OneRoster zip, applies it, and the kiosk takes the joiner and refuses the leaver at once', async () => {
    const kioskContext = await e2e.browser.newContext();
    const door = await openKiosk(kioskContext, e2e.server.url, e2e.server.pairingCode);
    await scan(door, '100002', /— (checked in|late)/);

    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    const section = page.getByRole('region', { name: 'Import the roster' });
    await section
      .getByLabel('Roster file (.zip or .csv)')
      .setInputFiles({ name: 'riverside-oneroster.zip', mimeType: 'application/zip', buffer: riversideExport() });
    // By keyboard: from the file to the button, and Enter.
    await section.getByLabel('Roster file (.zip or .csv)').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Check the file');
    await page.keyboard.press('Enter');
    await section.getByText(/^Checked\. Nothing has changed yet/).waitFor({ timeout: 30_000 });
    const counts = section.getByRole('table', { name: DEMO_SCHOOL.name });
    await counts.getByRole('row', { name: 'Students 24 1 599 0' }).waitFor();
    await counts.getByRole('row', { name: 'Staff accounts 5 0 0 0' }).waitFor();
    await section.getByText(/^Changed: .*1 student linked to the information system\./).waitFor();
    expect(e2e.server.query<{ n: number }>('select count(*) as n from students where left_at is not null')[0]?.n).toBe(0);

    fs.mkdirSync(output, { recursive: true });
    await page.screenshot({ path: path.join(output, 'roster-import-preview.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'Apply' }).focus();
    await page.keyboard.press('Enter');
    // 599 of 600 leave: Apply asks first, with the safe choice focused; Tab reaches the other.
    await page.getByRole('dialog', { name: 'Take 599 students off the roster?' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Take 599 off and apply');
    await page.keyboard.press('Enter');
    await section.getByText(/^Imported\./).waitFor({ timeout: 30_000 });
    expect(e2e.server.query<{ n: number }>('select count(*) as n from students where left_at is not null')[0]?.n).toBe(599);
    await page.screenshot({ path: path.join(output, 'roster-import-applied.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // The kiosk hears of the new roster at its next pull: until then the joiner is not on the roster it holds.
    const headline = door.locator('#result-headline');
    await until(
      'the kiosk to take the joiner',
      async () => {
        await nudgeSync(door);
        await door.getByLabel('Student ID').fill('500001');
        await door.getByLabel('Student ID').press('Enter');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return /^Zoë O'Brien — (checked in|late)/.test((await headline.textContent()) ?? '');
      },
      45_000,
    );
    await scan(door, '100002', /^Not on this school's roster$/);
    await scan(door, '100001', /^Ada Lovelace — (checked in|late)/);
    await context.close();
    await kioskContext.close();
  });

  it('shows each problem with its file, row and column, and does not let it be applied', async () => {
    const fixture = makeExport({ students: 3, names: [DEMO_SCHOOL.name] });
    const files = exportFiles(fixture);
    const text = new TextDecoder().decode(files.get('enrollments.csv')).replace('class-A-hr-1,', 'class-gone,');
    files.set('enrollments.csv', new TextEncoder().encode(text));
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    const section = page.getByRole('region', { name: 'Import the roster' });
    await section
      .getByLabel('Roster file (.zip or .csv)')
      .setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from(zipExport(files)) });
    await section.getByRole('button', { name: 'Check the file' }).click();
    const problems = section.getByRole('table', { name: 'Problems to fix in the export' });
    await problems
      .getByRole('row', { name: /enrollments\.csv 2 classSourcedId This enrollment names a class/ })
      .waitFor({ timeout: 30_000 });
    await section.getByText(/^Nothing can be imported until the 1 problem below is fixed/).waitFor();
    expect(await section.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(output, 'roster-import-problems.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('maps the columns of a plain CSV on its first rows and imports it with that mapping', async () => {
    const csv = Buffer.from('\uFEFFPupil No,Forename,Surname,Tutor group\r\n100001,Ada,Lovelace,7A\r\n990001,Zoë,"O\'Brien, Jr.",7B\r\n');
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    const section = page.getByRole('region', { name: 'Import the roster' });
    await section.getByLabel('Roster file (.zip or .csv)').setInputFiles({ name: 'pupils.csv', mimeType: 'text/csv', buffer: csv });
    const sample = section.getByRole('table', { name: 'First rows of the file' });
    await sample.getByRole('row', { name: /990001 Zoë O'Brien, Jr\. 7B/ }).waitFor({ timeout: 30_000 });
    // Guessed from the header names; the person may change each.
    expect(await section.getByLabel('Student ID (on the card)').inputValue()).toBe('Pupil No');
    expect(await section.getByLabel('Given name').inputValue()).toBe('Forename');
    expect(await section.getByLabel('Family name').inputValue()).toBe('Surname');
    await section.getByLabel('Homeroom (optional)').selectOption('Tutor group');
    await page.screenshot({ path: path.join(output, 'roster-import-mapping.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await section.getByRole('button', { name: 'Check the file' }).click();
    await section
      .getByRole('table', { name: DEMO_SCHOOL.name })
      .getByRole('row', { name: 'Students 1 1 599 0' })
      .waitFor({ timeout: 30_000 });
    await section.getByRole('button', { name: 'Apply' }).click();
    await page
      .getByRole('dialog', { name: 'Take 599 students off the roster?' })
      .getByRole('button', { name: 'Take 599 off and apply' })
      .click();
    await section.getByText(/^Imported\./).waitFor({ timeout: 30_000 });
    expect(
      e2e.server.query<{ name: string; homeroom: string }>("select name, homeroom from students where student_number = '990001'"),
    ).toEqual([{ name: "Zoë O'Brien, Jr.", homeroom: '7B' }]);
    await context.close();
  });

  it('says near Apply how many students leave, and asks first when it is most of the school', async () => {
    // A school office sends only its three new students: the other 600 would leave.
    const csv = Buffer.from('ID,Given name,Family name\n200001,Ada,Byron\n200002,Alan,Turing\n200003,Grace,Hopper\n');
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    const section = page.getByRole('region', { name: 'Import the roster' });
    await section.getByLabel('Roster file (.zip or .csv)').setInputFiles({ name: 'new-students.csv', mimeType: 'text/csv', buffer: csv });
    await section
      .getByRole('table', { name: 'First rows of the file' })
      .getByRole('row', { name: /200003 Grace Hopper/ })
      .waitFor({ timeout: 30_000 });
    await section.getByRole('button', { name: 'Check the file' }).click();
    await section
      .getByRole('table', { name: DEMO_SCHOOL.name })
      .getByRole('row', { name: 'Students 3 0 600 0' })
      .waitFor({ timeout: 30_000 });
    const apply = section.getByRole('button', { name: 'Apply' });
    const warning =
      `600 of the 600 students now on the roster of ${DEMO_SCHOOL.name} are not in this file. ` +
      'Applying takes them off the kiosks and off the roll; their records are kept. That is every student the school has. ' +
      'The file must list every student who stays, not only new ones.';
    await section.getByText(warning).waitFor();
    // The button's description says it too, so a screen reader hears it on reaching Apply.
    const description = await apply.evaluate((button) =>
      (button.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    expect(description).toBe(warning);
    fs.mkdirSync(output, { recursive: true });
    await page.screenshot({ path: path.join(output, 'roster-import-leaving.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    const leftCount = (): number | undefined =>
      e2e.server.query<{ n: number }>('select count(*) as n from students where left_at is not null')[0]?.n;
    const question = page.getByRole('dialog', { name: 'Take 600 students off the roster?' });
    const focused = (): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.textContent);
    // By keyboard: Enter on Apply asks; the safe choice has the focus, so a second Enter applies nothing.
    await apply.focus();
    await page.keyboard.press('Enter');
    await question.waitFor();
    await question
      .getByText(/^This file leaves out 600 of the 600 students of .*If you meant only to add new students, do not apply/)
      .waitFor();
    expect(await focused()).toBe('Do not apply');
    await page.screenshot({ path: path.join(output, 'roster-import-confirm.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'detached' });
    await section.getByText('Not applied: nothing has changed.').waitFor();
    expect(await focused()).toBe('Apply');
    expect(leftCount()).toBe(0);
    // Escape is "do not apply" too.
    await page.keyboard.press('Enter');
    await question.waitFor();
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    expect(leftCount()).toBe(0);
    // Meant: Tab to the other choice.
    await apply.focus();
    await page.keyboard.press('Enter');
    await question.waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Take 600 off and apply');
    await page.keyboard.press('Enter');
    await section.getByText(/^Imported\./).waitFor({ timeout: 30_000 });
    expect(leftCount()).toBe(600);
    await context.close();
  });

  it('says "Choose a roster file first." when the file is checked before one is chosen', async () => {
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    const section = page.getByRole('region', { name: 'Import the roster' });
    const fileInput = section.getByLabel('Roster file (.zip or .csv)');
    await section.getByRole('button', { name: 'Check the file' }).focus();
    await page.keyboard.press('Enter');
    const alert = section.getByRole('alert');
    await alert.filter({ hasText: /^Choose a roster file first\.$/ }).waitFor();
    // The focus goes to the file to choose, marked as the field to fix.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('roster-file');
    expect(await fileInput.getAttribute('aria-invalid')).toBe('true');
    fs.mkdirSync(output, { recursive: true });
    await page.screenshot({ path: path.join(output, 'roster-import-no-file.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await fileInput.setInputFiles({
      name: 'pupils.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('ID,First,Last\n100001,Ada,Lovelace\n'),
    });
    await section.getByRole('table', { name: 'First rows of the file' }).waitFor({ timeout: 30_000 });
    expect(await section.locator('#roster-error').textContent()).toBe('');
    expect(await fileInput.getAttribute('aria-invalid')).toBeNull();
    await context.close();
  });

  it('reads a file chosen before the page has finished checking who is signed in', async () => {
    const csv = Buffer.from('Pupil No,Forename,Surname\n100001,Ada,Lovelace\n');
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/session', async (route) => {
      await held;
      await route.continue();
    });
    await page.reload({ waitUntil: 'domcontentloaded' });
    const section = page.getByRole('region', { name: 'Import the roster' });
    await section.getByLabel('Roster file (.zip or .csv)').setInputFiles({ name: 'early.csv', mimeType: 'text/csv', buffer: csv });
    release();
    await section
      .getByRole('table', { name: 'First rows of the file' })
      .getByRole('row', { name: /100001 Ada Lovelace/ })
      .waitFor({ timeout: 30_000 });
    expect(await section.getByLabel('Student ID (on the card)').inputValue()).toBe('Pupil No');
    await context.close();
  });
});
