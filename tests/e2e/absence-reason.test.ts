/**
 * A teacher marks a student absent on the roll and gives the reason from the
 * school's list, by keyboard alone; the reason reaches the server through
 * the worker and the row names it. axe finds nothing; a screenshot is kept
 * under tests/e2e/output/ for review.
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

function recordOf(studentId: string) {
  return e2e.server.query<{ status: string; status_reason: string | null; status_reason_text: string | null }>(
    "select a.status, a.status_reason, a.status_reason_text from attendance a join students s on s.id = a.student_id where s.student_number = ? and a.session = 'day'",
    studentId,
  )[0];
}

describe('absence reasons on the roll', () => {
  it('marks a student absent and gives the reason from the school’s list, by keyboard', async () => {
    const [ada] = e2e.server.query<{ name: string; homeroom: string }>(
      'select name, homeroom from students where student_number = ?',
      '100001',
    );
    if (!ada) throw new Error('No student 100001');
    const teacher = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    const page = teacher.page;
    await openRoll(page, ada.homeroom);
    const row = rollRow(page, ada.name);
    const reason = row.getByRole('combobox', { name: `Reason ${ada.name} is absent` });
    expect(await row.locator('.roll-reason').isHidden()).toBe(true);

    await row.getByRole('button', { name: 'Absent' }).focus();
    await page.keyboard.press('Enter');
    await reason.waitFor();
    expect(await reason.inputValue()).toBe('');
    await nudgeSync(page);
    await until('the absent on the server', () => recordOf('100001')?.status === 'absent');
    await row.getByText(/^Marked Absent — Sent/).waitFor();
    // Past Excused, the reason comes next.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await reason.evaluate((el) => el === document.activeElement)).toBe(true);
    // A closed list takes the first letters typed, as a select does.
    await page.keyboard.type('Ill');
    await row.getByText(`${ada.name} — Absent (Illness)`).waitFor();
    await nudgeSync(page);
    await until('the reason on the server', () => recordOf('100001')?.status_reason === 'illness');
    expect(recordOf('100001')).toEqual({ status: 'absent', status_reason: 'illness', status_reason_text: 'Illness' });

    // Excused instead keeps the reason given.
    await row.getByRole('button', { name: 'Excused' }).focus();
    await page.keyboard.press('Enter');
    await row.getByText(`${ada.name} — Excused (Illness)`).waitFor();
    await nudgeSync(page);
    await until('the excuse on the server', () => recordOf('100001')?.status === 'excused');
    expect(recordOf('100001')?.status_reason).toBe('illness');
    await page.reload();
    await openRoll(page, ada.homeroom);
    await rollRow(page, ada.name).getByText(`${ada.name} — Excused (Illness)`).waitFor();
    expect(
      await rollRow(page, ada.name)
        .getByRole('combobox', { name: `Reason ${ada.name} is excused` })
        .inputValue(),
    ).toBe('illness');

    expect(await axeViolations(page)).toEqual([]);
    fs.mkdirSync(output, { recursive: true });
    await rollRow(page, ada.name).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(output, 'absence-reason.png') });
  });

  it('lets an admin add a reason and reword one on the School settings page, by keyboard', async () => {
    const admin = await signInAs(e2e.browser, e2e.server.url, 'admin', '/school');
    const page = admin.page;
    const list = page.getByRole('group', { name: 'Absence reasons' });
    await list.getByRole('group', { name: 'Reason 4' }).waitFor();
    await list.getByRole('group', { name: 'Reason 3' }).getByLabel('Words').fill('Family reasons');
    await list.getByRole('button', { name: 'Add a reason' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Bereavement');
    await page.getByRole('button', { name: 'Save the settings' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const reasons = e2e.server.query<{ code: string; label: string; retired: number }>(
      'select code, label, retired from absence_reasons order by position',
    );
    expect(reasons.map((r) => [r.code, r.label, Number(r.retired)])).toEqual([
      ['illness', 'Illness', 0],
      ['medical-appointment', 'Medical appointment', 0],
      ['family', 'Family reasons', 0],
      ['unexplained', 'Unexplained', 0],
      ['bereavement', 'Bereavement', 0],
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await list.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(output, 'absence-reasons-settings.png'), fullPage: true });
  });
});
