/**
 * Student cards end to end: an admin prints a homeroom's cards, a printed
 * card's barcodes read back as the student's ID, and a kiosk set to read
 * cards by camera checks that student in from the card held up to it, as a
 * typed ID would be, once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { decodePng, writeY4m } from './support/card-pictures.ts';
import { LAUNCH, openKiosk, scan } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

async function photograph(page: Page, name: string): Promise<void> {
  fs.mkdirSync(output, { recursive: true });
  await page.screenshot({ path: path.join(output, `${name}.png`), fullPage: true });
}

/** Opens /cards as the demo admin with homeroom 7A chosen; returns the page and the first card's picture and ID. */
async function printHomeroom(): Promise<{ page: Page; close: () => Promise<void>; png: Buffer; studentId: string; name: string }> {
  const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'admin', '/cards');
  await page.getByLabel('Homeroom').selectOption('7A');
  await page
    .getByRole('status')
    .filter({ hasText: /cards on \d+ A4 sheets \(10 to a sheet\)/ })
    .waitFor();
  const first = page.getByRole('article').first();
  const studentId = (await first.locator('.id-card-id').textContent()) ?? '';
  const name = (await first.locator('.id-card-name').textContent()) ?? '';
  return { page, close: () => context.close(), png: await first.screenshot(), studentId, name };
}

describe('student cards', () => {
  it('prints a homeroom on A4 or US Letter, by keyboard, with nothing else on the sheets', async () => {
    const { page, close } = await printHomeroom();
    const [expected] = e2e.server.query<{ n: number }>("select count(*) as n from students where homeroom = '7A' and left_at is null");
    expect(await page.getByRole('article').count()).toBe(expected?.n);
    expect(await page.getByRole('region', { name: 'Cards to print on A4' }).getByRole('region').count()).toBe(
      Math.ceil((expected?.n ?? 0) / 10),
    );
    // An admin finds the page among their staff pages.
    const link = page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Cards' });
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await axeViolations(page)).toEqual([]);
    await photograph(page, 'cards');

    // The paper by keyboard: the radio group takes the arrow keys.
    await page.getByRole('radio', { name: 'A4' }).focus();
    await page.keyboard.press('ArrowRight');
    await page
      .getByRole('status')
      .filter({ hasText: /US Letter sheets \(8 to a sheet\)/ })
      .waitFor();
    expect(await page.getByRole('region', { name: 'Sheet 1 of', exact: false }).first().getAttribute('class')).toContain('paper-letter');
    await page.keyboard.press('Tab');
    expect(await page.getByRole('button', { name: 'Print cards' }).evaluate((el) => el === document.activeElement)).toBe(true);

    await page.emulateMedia({ media: 'print' });
    await photograph(page, 'cards-print');
    expect(await page.getByRole('button', { name: 'Print cards' }).isVisible()).toBe(false);
    expect(await page.getByRole('article').first().isVisible()).toBe(true);
    // One printed page per sheet, at the sheet's own paper size.
    const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length).toBe(Math.ceil((expected?.n ?? 0) / 8));
    expect(pdf).toMatch(/\/MediaBox\s*\[0 0 612 792\]/);
    await close();
  });

  it("encodes the student's ID in both barcodes of a printed card", async () => {
    const { png, studentId, close } = await printHomeroom();
    const [student] = e2e.server.query<{ student_number: string }>(
      "select student_number from students where homeroom = '7A' and student_number = ?",
      studentId,
    );
    expect(student?.student_number).toBe(studentId);
    fs.mkdirSync(output, { recursive: true });
    fs.writeFileSync(path.join(output, 'card.png'), png);
    expect((await decodePng(png)).sort()).toEqual([`Code128: ${studentId}`, `QRCode: ${studentId}`]);
    await close();
  });

  it('checks a student in from the card held up to a camera kiosk, once, as a typed ID, online and offline', async () => {
    const { page: cards, png, name, close } = await printHomeroom();
    const video = path.join(e2e.server.dir, 'card.y4m');
    await writeY4m(cards, png, video);
    await close();
    const db = new Database(e2e.server.dbFile);
    db.prepare("update kiosks set scan_mode = 'camera'").run();
    db.close();

    const browser = await chromium.launch({
      ...LAUNCH,
      args: [
        ...(LAUNCH.args ?? []),
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const context = await browser.newContext();
      const kiosk = await openKiosk(context, e2e.server.url, () => e2e.server.pairingCode());
      await kiosk.getByText('Hold your card up to the camera').waitFor({ timeout: 20_000 });
      const headline = kiosk.locator('#result-headline');
      await headline.filter({ hasText: new RegExp(`^${name} — (checked in|late)`) }).waitFor({ timeout: 20_000 });
      expect(await kiosk.locator('#result-detail').textContent()).toMatch(/^7A\. Saved/);
      // The card stays in view: still one check-in, not "already checked in".
      await kiosk.waitForTimeout(2500);
      expect(await headline.textContent()).toMatch(new RegExp(`^${name} — (checked in|late)`));
      expect(await kiosk.getByLabel('Student ID').isVisible()).toBe(true);
      expect(await axeViolations(kiosk)).toEqual([]);
      await photograph(kiosk, 'kiosk-camera');
      // The reader and its WebAssembly are kept for offline use.
      const kept = await kiosk.evaluate(async () => (await (await caches.open('doorline-camera-pages')).keys()).map((r) => r.url));
      expect(kept.some((url) => /\/ui\/kiosk-camera\.[0-9A-Z]{8}\.js$/.test(url))).toBe(true);
      expect(kept.some((url) => /\/ui\/zxing_reader\.[0-9A-Z]{8}\.wasm$/.test(url))).toBe(true);

      // With the network gone the kiosk reopens with its camera reader and checks the next card in from its own copy.
      await context.setOffline(true);
      await kiosk.reload();
      await kiosk.getByText('Hold your card up to the camera').waitFor({ timeout: 20_000 });
      await headline.filter({ hasText: new RegExp(`^${name} — already checked in`) }).waitFor({ timeout: 20_000 });
    } finally {
      await browser.close();
    }
  });

  it('says plainly when a camera kiosk may not use a camera, and takes typed IDs as before', async () => {
    const db = new Database(e2e.server.dbFile);
    db.prepare("update kiosks set scan_mode = 'camera'").run();
    db.close();
    const context = await e2e.browser.newContext();
    await context.clearPermissions();
    const kiosk = await openKiosk(context, e2e.server.url, () => e2e.server.pairingCode());
    await kiosk
      .getByRole('status')
      .filter({ hasText: /(not allowed to use its camera|No camera was found on this kiosk)\. .*Scan or type the ID below instead\./ })
      .waitFor({ timeout: 20_000 });
    expect(await kiosk.getByLabel('Camera view').isVisible()).toBe(false);
    await scan(kiosk, '100001', /^Ada Lovelace — (checked in|late)/);
    expect(await axeViolations(kiosk)).toEqual([]);
    await photograph(kiosk, 'kiosk-camera-refused');
    await context.close();
  });
});
