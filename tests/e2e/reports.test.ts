/**
 * The Reports page in Chromium: a door check-in counted in the day's bar and
 * the tables, a range chosen by keyboard, a backwards range refused in words,
 * axe on screen, and screenshots on screen and as printed under
 * tests/e2e/output/ for review.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

describe('attendance reports', () => {
  it('shows rates, the chart and its numbers for a range, chosen by keyboard, and prints without the form', async () => {
    const kiosk = await e2e.browser.newContext();
    const door = await openKiosk(kiosk, e2e.server.url, e2e.server.pairingCode);
    await scan(door, '100001', /Ada Lovelace — (checked in|late)/);
    await nudgeSync(door);
    await until(
      'the check-in on the server',
      () =>
        e2e.server.query("select 1 from attendance a join students s on s.id = a.student_id where s.student_number = '100001'").length > 0,
    );
    await kiosk.close();

    const office = await signInAs(e2e.browser, e2e.server.url, 'office', '/reports');
    const page = office.page;
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^Showing .+ to .+\.$/);
    const summary = await page.locator('.report-summary').textContent();
    expect(summary).toMatch(/: [\d,]+ school days?\. Attendance (\d+\.\d%|—)/);
    const chart = page.getByRole('img', { name: /Whole-day marks over the last \d+ school days/ });
    await expect.poll(() => chart.count()).toBe(1);
    for (const heading of ['The school', 'Homerooms', 'Persistent absence', 'Repeated lateness', 'Every student']) {
      expect(await page.getByRole('heading', { name: heading, level: 2 }).count()).toBe(1);
    }
    const schoolDays = Number(/: (\d+) school days?/.exec(summary ?? '')?.[1]);
    if (schoolDays > 0) {
      // Today is a school day: Ada's check-in is in its bar and her row counts it.
      const ada = page.getByRole('region', { name: /^Every student/ }).getByRole('row', { name: /Ada Lovelace/ });
      const cells = await ada.getByRole('cell').allTextContents();
      expect(Number(cells[3]) + Number(cells[4])).toBe(1);
      await page.getByText("The chart's numbers").click();
      const lastDay = page
        .getByRole('region', { name: /^Whole-day marks/ })
        .getByRole('row')
        .last();
      const dayCells = await lastDay.getByRole('cell').allTextContents();
      expect(Number(dayCells[0]) + Number(dayCells[1])).toBe(1);
    }
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(output, 'report.png'), fullPage: true });

    // A backwards range is refused in words before anything is asked of the server.
    const first = page.getByLabel('First day');
    const last = page.getByLabel('Last day');
    const lastValue = await last.inputValue();
    await first.fill(lastValue);
    await last.fill(`${lastValue.slice(0, 4)}-01-01`);
    if (lastValue.slice(5) !== '01-01') {
      expect(await last.evaluate((el: HTMLInputElement) => el.validationMessage)).toBe('The last day cannot come before the first day.');
    }

    // By keyboard: one day, from the last day's field to "Show the report".
    await last.fill(lastValue);
    await last.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.report-summary').textContent()).toMatch(/: (0 school days|1 school day)\./);

    // In print the form and the buttons are gone, the tables stay.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#report-form').isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Every student' }).isVisible()).toBe(true);
    // The top of the printed page: every table prints whole, which makes the full page far too long to look at.
    await page.screenshot({ path: path.join(output, 'report-print.png') });
    await office.context.close();
  });
});
