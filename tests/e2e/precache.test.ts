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
    expect(files).toEqual(expect.arrayContaining(['/kiosk.html', '/manifest.webmanifest']));
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

  it("keeps on a teacher's browser the staff pages and not the kiosk, and opens them offline", async () => {
    const { context, page } = await signInAs(e2e.browser, e2e.server.url, 'teacher', '/roll');
    await openRoll(page, '7A');
    await until('the worker to be active', () => workerActive(page));
    const staffPages = ['/index.html', '/sign-in.html', '/roll.html', '/office.html', '/admin.html'];
    await until('the staff pages precached', async () => {
      const files = all(await precached(page));
      return staffPages.every((path) => files.includes(path));
    });
    const files = all(await precached(page));
    expect(files.some((path) => /kiosk/.test(path))).toBe(false);
    expect(files.some((path) => /^\/ui\/roll\.[0-9A-Z]{8}\.js$/.test(path))).toBe(true);

    await context.setOffline(true);
    await page.goto(`${e2e.server.url}/roll`);
    await page.getByLabel('Homeroom').waitFor({ timeout: 10_000 });
    await page.goto(`${e2e.server.url}/sign-in?next=%2Froll`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
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
