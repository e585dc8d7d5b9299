/**
 * The emergency roll call with the network down: two staff browsers start it
 * offline and tick different students; once the link returns both show the
 * union. A tick made by mistake is undone offline on the other browser while
 * a student is found on the first; both end up showing the same list, and
 * the office sees who is still missing and ends it with a record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

interface Student {
  name: string;
  homeroom: string;
}

function student(studentId: string): Student {
  const [row] = e2e.server.query<{ name: string; homeroom: string }>(
    'select name, homeroom from students where student_number = ?',
    studentId,
  );
  if (!row) throw new Error(`No student ${studentId}`);
  return row;
}

let opCount = 0;
/** A present mark from the office, straight to the server: these four are on site. */
async function markPresent(studentId: string): Promise<void> {
  const opId = `01JF${String(++opCount).padStart(22, '0')}`;
  const response = await e2e.server.api('office', '/api/marks', {
    method: 'POST',
    body: { v: 1, opId, kind: 'status', studentId, at: Date.now(), session: 'day', status: 'present' },
  });
  expect(response.status).toBe(201);
}

/** Waits until the worker controls the page and holds today's records, so the page works offline. */
async function readyOffline(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  await until('the day loaded on the device', async () => {
    await nudgeSync(page);
    return page.evaluate(async () => ((await (await fetch('/api/roll')).json()) as { source?: string }).source === 'device');
  });
}

const counts = (page: Page, found: number, missing: number) =>
  Promise.all([
    page.getByText(`${found} found`, { exact: true }).waitFor({ timeout: 30_000 }),
    page.getByText(`${missing} still missing`, { exact: true }).waitFor({ timeout: 30_000 }),
  ]);

const row = (page: Page, name: string) => page.locator('.rc-row', { hasText: name });

describe('the emergency roll call', () => {
  it('merges ticks and an undo made offline on two staff browsers, and the office sees who is still missing', async () => {
    const onSite = ['100001', '100002', '100003', '100004'];
    for (const id of onSite) await markPresent(id);
    const [ada, bea, cy, dee] = onSite.map(student) as [Student, Student, Student, Student];

    const teacher = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    const admin = await signInAs(e2e.browser, e2e.server.url, 'admin', '/roll-call');
    await readyOffline(teacher.page);
    await readyOffline(admin.page);
    await admin.page.reload();
    await admin.page.getByText('No roll call is running today.').waitFor();

    await teacher.context.setOffline(true);
    await admin.context.setOffline(true);

    // The teacher starts it from the header of the roll, by keyboard.
    const emergency = teacher.page.getByRole('button', { name: 'Emergency roll call' });
    await emergency.focus();
    await teacher.page.keyboard.press('Enter');
    await teacher.page.getByRole('dialog').getByRole('button', { name: 'Start the roll call' }).click();
    await teacher.page.waitForURL(`${e2e.server.url}/roll-call`);
    await teacher.page.getByText(/Running since .* started on this device/).waitFor();
    await teacher.page.getByRole('button', { name: 'Emergency roll call — running' }).waitFor();
    await counts(teacher.page, 0, 4);

    // The admin, offline too, starts it from the page's own button a moment later.
    await admin.page.getByRole('button', { name: 'Start the emergency roll call' }).click();
    await admin.page.getByRole('dialog').getByRole('button', { name: 'Start the roll call' }).click();
    await counts(admin.page, 0, 4);

    await row(teacher.page, ada.name)
      .getByRole('button', { name: `Found: ${ada.name}` })
      .click();
    // The admin finds Bea by searching.
    await admin.page.getByLabel('Search by name, ID or homeroom').fill(bea.name.split(' ')[0] ?? bea.name);
    await row(admin.page, bea.name)
      .getByRole('button', { name: `Found: ${bea.name}` })
      .click();
    await admin.page.getByLabel('Search by name, ID or homeroom').fill('');
    await counts(teacher.page, 1, 3);
    await counts(admin.page, 1, 3);
    fs.mkdirSync(output, { recursive: true });
    await teacher.page.screenshot({ path: path.join(output, 'roll-call-offline.png'), fullPage: true });
    expect(await axeViolations(teacher.page), 'axe violations on the roll call offline').toEqual([]);
    expect(e2e.server.query('select * from roll_calls')).toHaveLength(0);

    // The link returns: both send their ops and each sees the other's tick.
    await teacher.context.setOffline(false);
    await admin.context.setOffline(false);
    await nudgeSync(teacher.page);
    await nudgeSync(admin.page);
    await until('both starts and both ticks on the server', () => e2e.server.query('select * from roll_call_ticks').length === 2);
    expect(e2e.server.query('select * from roll_calls')).toHaveLength(1);
    await counts(teacher.page, 2, 2);
    await counts(admin.page, 2, 2);
    for (const page of [teacher.page, admin.page]) {
      await row(page, ada.name)
        .getByRole('button', { name: new RegExp(`${ada.name}: Found`) })
        .waitFor();
      await row(page, bea.name)
        .getByRole('button', { name: new RegExp(`${bea.name}: Found`) })
        .waitFor();
    }

    // The teacher, offline again, undoes the admin's tick of Bea by keyboard (a mistake); the admin finds Cy meanwhile.
    await teacher.context.setOffline(true);
    await row(teacher.page, bea.name)
      .getByRole('button', { name: new RegExp(`${bea.name}: Found`) })
      .focus();
    await teacher.page.keyboard.press('Enter');
    await row(teacher.page, bea.name)
      .getByRole('button', { name: `Found: ${bea.name}`, pressed: false })
      .waitFor();
    await counts(teacher.page, 1, 3);
    await row(admin.page, cy.name)
      .getByRole('button', { name: `Found: ${cy.name}` })
      .click();
    await until(
      "Cy's tick on the server",
      () => e2e.server.query("select * from roll_call_ticks where student_number = '100003'").length === 1,
    );
    await teacher.context.setOffline(false);
    await nudgeSync(teacher.page);
    await until('the undo on the server', () => e2e.server.query('select * from roll_call_undos').length === 1);
    for (const page of [teacher.page, admin.page]) {
      await counts(page, 2, 2);
      await row(page, bea.name)
        .getByRole('button', { name: `Found: ${bea.name}`, pressed: false })
        .waitFor();
      await row(page, cy.name)
        .getByRole('button', { name: new RegExp(`${cy.name}: Found`), pressed: true })
        .waitFor();
    }

    // The office sees who is still missing.
    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/roll-call');
    await counts(office.page, 2, 2);
    await office.page.getByLabel('Only those still missing').check();
    await row(office.page, bea.name).waitFor();
    await row(office.page, dee.name).waitFor();
    expect(await office.page.locator('.rc-row').count()).toBe(2);
    await office.page.getByLabel('Only those still missing').uncheck();
    await office.page.screenshot({ path: path.join(output, 'roll-call.png'), fullPage: true });
    expect(await axeViolations(office.page), 'axe violations on the roll call').toEqual([]);

    // The office ends it: the log names who was still missing and for how long it ran.
    await office.page.getByRole('button', { name: 'End the roll call' }).click();
    await office.page.getByRole('dialog').getByRole('button', { name: 'End the roll call' }).click();
    await office.page.getByRole('heading', { name: 'The last roll call' }).waitFor({ timeout: 30_000 });
    await office.page.getByText(/2 students were still missing when it ended/).waitFor();
    // The header's button no longer says it runs, without a reload.
    await office.page.getByRole('button', { name: 'Emergency roll call', exact: true }).waitFor();
    await office.page.screenshot({ path: path.join(output, 'roll-call-ended.png'), fullPage: true });
    expect(await axeViolations(office.page), 'axe violations on the ended roll call').toEqual([]);
    const [record] = e2e.server.query<{ details: string }>("select details from admin_log where action = 'roll-call-ended'");
    const details = JSON.parse(record?.details ?? '{}') as { missing: Array<{ studentId: string }>; durationMs: number };
    expect(details.missing.map((m) => m.studentId).sort()).toEqual(['100002', '100004']);
    expect(details.durationMs).toBeGreaterThan(0);

    await teacher.context.close();
    await admin.context.close();
    await office.context.close();
  });
});
