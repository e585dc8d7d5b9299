/**
 * The conflict dialog says what it will do: each side named by the person
 * and the device it came from, and a warning, by keyboard alone, before three
 * conflicts settled together mark checked-in students Absent. Axe, and a
 * screenshot under tests/e2e/output/ for review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

function student(studentId: string): { name: string; homeroom: string } {
  const [row] = e2e.server.query<{ name: string; homeroom: string }>(
    'select name, homeroom from students where student_number = ?',
    studentId,
  );
  if (!row) throw new Error(`No student ${studentId}`);
  return row;
}

function statusOf(studentId: string): string | undefined {
  return e2e.server.query<{ status: string }>(
    "select a.status from attendance a join students s on s.id = a.student_id where s.student_number = ? and a.session = 'day'",
    studentId,
  )[0]?.status;
}

/** A kiosk at the door checks the students in, as its worker would send them. */
async function doorScans(studentIds: string[]): Promise<void> {
  const deviceId = '00000001-e2e-door-kiosk-device';
  const paired = await fetch(`${e2e.server.url}/api/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: 1, code: await e2e.server.pairingCode(), deviceId, appVersion: '0.2.0' }),
  });
  const { token } = (await paired.json()) as { token: string };
  const kioskId = e2e.server.query<{ id: string }>('select id from kiosks')[0]?.id;
  const ops = studentIds.map((studentId, i) => ({ seq: i + 1, kind: 'check-in', studentId, at: Date.now(), session: 'day', base: 0 }));
  const synced = await fetch(`${e2e.server.url}/api/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ v: 1, type: 'sync', deviceId, kioskId, ops }),
  });
  expect(synced.status).toBe(200);
}

/** A member of staff's browser sends marks made on the versions it had seen. */
async function staffMarks(role: 'teacher' | 'office', marks: Array<{ studentId: string; status: string; base: number }>) {
  const synced = await e2e.server.api(role, '/api/sync', {
    method: 'POST',
    body: {
      v: 1,
      type: 'sync',
      deviceId: `${role}-browser-e2e-0001`,
      kioskId: 'staff-browser',
      ops: marks.map((m, i) => ({ seq: i + 1, kind: 'status', at: Date.now(), session: 'day', ...m })),
    },
  });
  expect(synced.status).toBe(200);
}

async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    return `${active?.tagName.toLowerCase()}:${active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? ''}`;
  });
}

describe('the conflict dialog, end to end', () => {
  it('names both sides by person and device and warns, by keyboard, before marking checked-in students absent', async () => {
    const ids = ['100031', '100032', '100033'];
    const [ada, alan, third] = ids.map(student);
    if (!ada || !alan || !third) throw new Error('students missing');
    // Two of them were checked in at the door; the teacher then marked all three present, and
    // an office desk that had seen the same versions marked them absent: three conflicts alike.
    await doorScans(['100031', '100032']);
    await staffMarks('teacher', [
      { studentId: '100031', status: 'present', base: 1 },
      { studentId: '100032', status: 'present', base: 1 },
      { studentId: '100033', status: 'present', base: 0 },
    ]);
    await staffMarks('office', [
      { studentId: '100031', status: 'absent', base: 1 },
      { studentId: '100032', status: 'absent', base: 1 },
      { studentId: '100033', status: 'absent', base: 0 },
    ]);
    expect(e2e.server.query("select 1 from conflicts where status = 'open'")).toHaveLength(3);

    const { page, context } = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    const first = page.getByRole('listitem', { name: `${ada.name}, ${ada.homeroom}` });
    await first.getByRole('button', { name: 'Select all like this' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('button:Settle the 3 selected together');
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog');
    await dialog.getByRole('columnheader', { name: /Katherine Johnson \(office\) on a staff browser/ }).waitFor();
    await dialog.getByRole('columnheader', { name: /Grace Hopper \(teacher\) on a staff browser/ }).waitFor();
    // The table shows one of the three; a door check-in of that one's day is said beside it.
    const shown = /the table shows (.+)'s\.$/.exec((await dialog.locator('.scope').textContent()) ?? '')?.[1];
    expect([ada.name, alan.name, third.name]).toContain(shown);
    const doorLine = dialog.getByText(new RegExp(`^The door checked ${shown} in at \\d\\d:\\d\\d that day\\.$`));
    expect(await doorLine.count()).toBe(shown === third.name ? 0 : 1);
    expect(await dialog.getByText('This device').count()).toBe(0);

    // Keyboard only: the status choice takes the office's Absent, a note, then Resolve.
    await dialog.getByLabel('Keep for Status').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => dialog.getByLabel('Keep for Status').inputValue()).toBe('local');
    expect(await dialog.getByLabel('Keep for Status').locator('option:checked').textContent()).toMatch(
      /^Take Katherine Johnson’s \(Absent\)/,
    );
    await expect.poll(() => dialog.locator('#dialog-preview').textContent()).toMatch(/^Absent/);
    await dialog.getByLabel('Note (required)').focus();
    await page.keyboard.type('Parents rang: all three at the dentist.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Resolve');
    await page.keyboard.press('Enter');

    // Held back: nothing is sent, the students are named, and the safe choice has the focus.
    const warning = dialog.getByRole('region', { name: '2 of the 3 students were checked in at the door' });
    await warning.waitFor();
    // Named in alphabetical order, whichever conflict was selected first.
    const [firstName, secondName] = [ada.name, alan.name].sort((a, b) => a.localeCompare(b, 'en'));
    await warning.getByText(new RegExp(`${firstName} at \\d\\d:\\d\\d, ${secondName} at \\d\\d:\\d\\d\\.$`)).waitFor();
    expect(await focused(page)).toBe('button:Go back and change');
    expect(await dialog.getByRole('button', { name: 'Resolve' }).isVisible()).toBe(false);
    expect(e2e.server.query("select 1 from conflicts where status = 'open'")).toHaveLength(3);
    expect(await axeViolations(page)).toEqual([]);
    fs.mkdirSync(output, { recursive: true });
    await dialog.screenshot({ path: path.join(output, 'conflict-warning.png') });

    // Going back returns to the choice; confirming sends the choices as they were made.
    await page.keyboard.press('Enter');
    expect(await warning.isVisible()).toBe(false);
    expect(await focused(page)).toBe('select:Keep for Status');
    await dialog.getByLabel('Note (required)').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await warning.waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Settle all 3 anyway');
    await page.keyboard.press('Enter');
    await page.getByText('Nothing to settle').waitFor();
    expect(ids.map(statusOf)).toEqual(['absent', 'absent', 'absent']);
    await context.close();
  });
});
