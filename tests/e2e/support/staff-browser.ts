/** A member of staff in Chromium: signs in through the sign-in page and works the roll and the office by role and label. */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

export async function signInAs(
  browser: Browser,
  baseUrl: string,
  role: 'teacher' | 'office' | 'admin',
  next: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}${next}`);
  // A page for staff sends a stranger to the sign-in page, and back afterwards.
  await page.waitForURL(/\/sign-in\?next=/);
  await page.getByLabel('Sign-in name').fill(`${role}@riverside.example`);
  await page.getByLabel('Password', { exact: true }).fill(`riverside-${role}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}${next}`);
  return { context, page };
}

/** Opens the roll and waits until the worker answers it from the device (so it works offline). */
export async function openRoll(page: Page, homeroom: string): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  await page.getByLabel('Homeroom').selectOption(homeroom);
  await page.locator('.roll-row').first().waitFor();
}

export function rollRow(page: Page, name: string): Locator {
  return page.getByRole('listitem', { name, exact: true });
}
