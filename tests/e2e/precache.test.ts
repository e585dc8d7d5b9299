import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openKiosk, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { openRoll, signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();

/** Every precached URL path on this device, by cache. */
function precached(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const keys = await (await caches.open(name)).keys();
      out[name] = keys.map((request) => new URL(request.url).pathname).sort();
    }
    return out;
  });
}

const all = (caches: Record<string, string[]>): string[] => Object.values(caches).flat();
const workerActive = (page: Page) =>
  page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated');

describe('what a device precaches', () => {
  it('keeps on a kiosk only what the kiosk opens, and the kiosk opens offline', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await until('the worker to be active', () => workerActive(page));
    const files = all(await precached(page));
    expect(files).toEqual(expect.arrayContaining(['/kiosk.html']));
    // The web manifest is the browser's to fetch when it installs the app, online: not worth a kiosk's first minute.
    expect(files).not.toContain('/manifest.webmanifest');
    expect(files.some((path) => /^\/ui\/kiosk\.[0-9A-Z]{8}\.js$/.test(path))).toBe(true);
    expect(files.some((path) => /^\/styles\.[0-9A-Z]{8}\.css$/.test(path))).toBe(true);
    expect(files.filter((path) => /roll|office|admin|sign-in|staff|index/.test(path))).toEqual([]);
    expect(files.some((path) => path.endsWith('.map'))).toBe(false);

    await context.setOffline(true);
    await page.reload();
    await page.getByText(/Ready offline — 600 students on this kiosk/).waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Student ID').isVisible()).toBe(true);
    await context.close();
  });

  it("keeps on a teacher's browser the teacher's pages, not the kiosk nor the office's or an admin's, and opens them offline", async () => {
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    await openRoll(page, '7A');
    await until('the worker to be active', () => workerActive(page));
    const teacherPages = ['/index.html', '/sign-in.html', '/roll.html'];
    await until("the teacher's pages precached", async () => {
      const files = all(await precached(page));
      return teacherPages.every((path) => files.includes(path));
    });
    const files = all(await precached(page));
    expect(files.some((path) => /kiosk/.test(path))).toBe(false);
    expect(files.some((path) => /^\/ui\/roll\.[0-9A-Z]{8}\.js$/.test(path))).toBe(true);
    expect(files.some((path) => /^\/staff\.[0-9A-Z]{8}\.css$/.test(path))).toBe(true);
    expect(files.filter((path) => /office|students|admin|setup|school|staff\.html|cards/.test(path))).toEqual([]);

    await context.setOffline(true);
    await page.goto(`${e2e.server.url}/roll`);
    await page.getByLabel('Homeroom').waitFor({ timeout: 10_000 });
    await page.goto(`${e2e.server.url}/sign-in?next=%2Froll`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    await context.close();
  });

  it("keeps the office's pages, with the staff style sheet they load, on a device that opens the office, and opens them offline", async () => {
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'office', '/office');
    await until('the worker to be active', () => workerActive(page));
    const officePages = ['/office.html', '/students.html', '/sign-in.html'];
    await until("the office's pages precached", async () => {
      const files = all(await precached(page));
      return officePages.every((path) => files.includes(path)) && files.some((path) => /^\/staff\.[0-9A-Z]{8}\.css$/.test(path));
    });
    expect(all(await precached(page)).filter((path) => /admin|setup|school|staff\.html|cards|kiosk/.test(path))).toEqual([]);
    // A worker installing under an office page fills the staff part that page needs (its style sheet), too.
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.unregister();
      for (const name of await caches.keys()) await caches.delete(name);
    });
    await page.reload();
    await until('the worker to be active again', () => workerActive(page));
    await until('the staff style sheet precached again', async () =>
      all(await precached(page)).some((path) => /^\/staff\.[0-9A-Z]{8}\.css$/.test(path)),
    );

    await context.setOffline(true);
    await page.goto(`${e2e.server.url}/students`);
    await page.getByRole('heading', { level: 1, name: 'Students' }).waitFor({ timeout: 10_000 });
    // Styled, so the staff style sheet came from this device: its rules are readable.
    const staffRules = await page.evaluate(
      () => [...document.styleSheets].find((sheet) => /\/staff\.[0-9A-Z]{8}\.css$/.test(sheet.href ?? ''))?.cssRules.length ?? 0,
    );
    expect(staffRules).toBeGreaterThan(0);
    await context.close();
  });

  it('takes the staff pages too once a kiosk opens one of them', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await until('the worker to be active', () => workerActive(page));
    expect(all(await precached(page))).not.toContain('/sign-in.html');
    await page.goto(`${e2e.server.url}/sign-in`);
    await until('the staff pages precached', async () => all(await precached(page)).includes('/roll.html'));
    await context.close();
  });
});
