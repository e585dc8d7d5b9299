/** Chromium driven the way a person uses the kiosk: by label, by what the screen says. */
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { chromiumPath } from './chromium-check.ts';

export const CHROMIUM = chromiumPath();

export const LAUNCH: LaunchOptions = {
  executablePath: CHROMIUM,
  headless: true,
  // This machine has no outside network; Chromium's own background traffic only adds noise.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(LAUNCH);
}

export function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, LAUNCH);
}

/**
 * Opens the kiosk and waits until its worker controls the page and holds the
 * roster. A kiosk not paired yet shows its setup screen: `pairingCode` gives
 * the code an admin would read out, and the test types it in.
 */
export async function openKiosk(
  context: BrowserContext,
  baseUrl: string,
  pairingCode?: () => Promise<string>,
  timeoutMs = 30_000,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/kiosk`);
  const ready = page.getByText(/Ready offline — 600 students on this kiosk/);
  const setup = page.getByRole('heading', { name: 'Set up this kiosk' });
  await ready.or(setup).first().waitFor({ timeout: timeoutMs });
  if (await setup.isVisible()) {
    if (!pairingCode) throw new Error('The kiosk asks for a pairing code and the test gave none.');
    await page.getByLabel('Pairing code').fill(await pairingCode());
    await page.getByRole('button', { name: 'Pair this kiosk' }).click();
  }
  await ready.waitFor({ timeout: timeoutMs });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return page;
}

/** Types an ID and presses Enter, as a keyboard-wedge scanner does, and returns what the kiosk then says. */
export async function scan(page: Page, studentId: string, expect: RegExp): Promise<string> {
  const input = page.getByLabel('Student ID');
  await input.fill(studentId);
  await input.press('Enter');
  const headline = page.locator('#result-headline');
  await headline.filter({ hasText: expect }).waitFor({ timeout: 10_000 });
  return (await headline.textContent()) ?? '';
}

/** What a page would send on its timer; tests use it to retry without waiting for the browser. */
export async function nudgeSync(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.controller?.postMessage({ v: 1, type: 'sync-now' }));
}

export async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
