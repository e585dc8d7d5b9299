/**
 * The notices of a staff page in Chromium, on the roll: offline and back
 * online, the marks sent, a new conflict that stays with its "Open
 * conflicts" until taken by keyboard. Axe, and a screenshot under
 * tests/e2e/output/ for review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { openRoll, rollRow, signInAs } from './support/staff-browser.ts';

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

/** Two staff browsers other than the page's mark a student differently from the same version: a conflict. */
async function conflictElsewhere(studentId: string): Promise<void> {
  for (const [role, status] of [
    ['teacher', 'present'],
    ['office', 'absent'],
  ] as const) {
    const synced = await e2e.server.api(role, '/api/sync', {
      method: 'POST',
      body: {
        v: 1,
        type: 'sync',
        deviceId: `${role}-elsewhere-e2e-0001`,
        kioskId: 'staff-browser',
        ops: [{ seq: 1, kind: 'status', studentId, status, at: Date.now(), session: 'day', base: 0 }],
      },
    });
    expect(synced.status).toBe(200);
  }
}

describe('the notices of a staff page', () => {
  it('says offline, back online and the marks sent, and keeps a new conflict until it is opened', async () => {
    const pupil = student('100041');
    const { page, context } = await signInAs(e2e.browser, e2e.server.url, 'office', '/roll');
    await openRoll(page, pupil.homeroom);
    const notices = page.getByRole('region', { name: 'Notices' });

    // Offline only once the roll comes from the device's own copy of the day.
    const fromDevice = page.getByText('From this device’s copy: marks are kept here and sent when online.');
    await until('the roll from the device', async () => {
      if (await fromDevice.isVisible()) return true;
      await page.waitForTimeout(1_000);
      await page.reload();
      await openRoll(page, pupil.homeroom);
      return false;
    });
    await context.setOffline(true);
    await notices.getByText('Offline — marks are saved on this device and sent when the network is back.').waitFor();
    await rollRow(page, pupil.name).getByRole('button', { name: 'Absent' }).click();
    await rollRow(page, pupil.name).getByText('Waiting to send').waitFor();

    await context.setOffline(false);
    await notices.getByText('Back online.').waitFor();
    await nudgeSync(page);
    await notices.getByText('1 mark sent.').waitFor();

    await conflictElsewhere('100042');
    // The worker pulls at most every few seconds, however often it is asked.
    const conflict = notices.getByRole('listitem').filter({ hasText: '1 new conflict to settle.' });
    await until('the new conflict announced', async () => {
      await nudgeSync(page);
      return conflict.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    });

    expect(await notices.getByRole('list').getAttribute('aria-live')).toBe('polite');
    expect(await axeViolations(page)).toEqual([]);
    fs.mkdirSync(output, { recursive: true });
    await page.screenshot({ path: path.join(output, 'notices.png') });

    // The informational ones go by themselves; the one that needs a person stays.
    await notices.getByText('1 mark sent.').waitFor({ state: 'detached', timeout: 10_000 });
    await notices.getByText('Back online.').waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForTimeout(1_000);
    expect(await conflict.isVisible()).toBe(true);

    await conflict.getByRole('button', { name: 'Open conflicts' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${e2e.server.url}/office#conflicts-heading`);
    await page.getByRole('listitem', { name: new RegExp(`^${student('100042').name}, `) }).waitFor();
    await context.close();
  });
});
