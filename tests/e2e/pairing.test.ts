import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';
import { signInAs } from './support/staff-browser.ts';

const e2e = useBrowserAndServer();

const count = (sql: string): number => Number(Object.values(e2e.server.query(sql)[0] ?? { n: 0 })[0]);

describe('pairing a kiosk', () => {
  it('asks for a pairing code, refuses a wrong one, and works once paired', async () => {
    const context = await e2e.browser.newContext();
    const asked: string[] = [];
    const pageAsked: string[] = [];
    context.on('request', (request) => {
      (request.serviceWorker() ? asked : pageAsked).push(new URL(request.url()).pathname);
    });
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}/kiosk`);
    await page.getByRole('heading', { name: 'Set up this kiosk' }).waitFor();
    await until('the worker to be active', () =>
      page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated'),
    );
    // Waiting for its code, the kiosk's worker asks the server nothing it would refuse, nor does its page:
    // no worker was ever active here, so nothing can have paired this browser.
    expect(asked.filter((path) => path.startsWith('/api/'))).toEqual([]);
    expect(pageAsked.filter((path) => path.startsWith('/api/'))).toEqual([]);
    await page.getByLabel('Pairing code').fill('ZZZZ-ZZZZ');
    await page.getByRole('button', { name: 'Pair this kiosk' }).click();
    await page.getByText(/That code is not valid/).waitFor();
    await page.getByLabel('Pairing code').fill(await e2e.server.pairingCode());
    await page.getByRole('button', { name: 'Pair this kiosk' }).click();
    await page.getByText(/Ready offline — 600 students on this kiosk/).waitFor({ timeout: 30_000 });
    await scan(page, '100001', /Ada Lovelace — (checked in|late)/);
    await until(
      'the check-in in the database',
      () => count("select count(*) as n from ops where student_number = '100001' and actor_kind = 'door'") === 1,
    );
    const devices = (await (await e2e.server.api('admin', '/api/devices')).json()) as {
      devices: Array<{ kind: string; appVersion: string; queueDepth: number }>;
    };
    expect(devices.devices).toEqual([expect.objectContaining({ kind: 'kiosk', appVersion: '0.2.0', queueDepth: expect.any(Number) })]);
    await context.close();
  });
});

describe('the admin page', () => {
  it('makes a pairing code a kiosk takes, lists the kiosk with what it reports, and revokes it', async () => {
    const admin = await signInAs(e2e.browser, e2e.server.url, 'admin', '/admin');
    await admin.page.getByRole('button', { name: 'Make a pairing code' }).click();
    // The code appears once the server has answered.
    const shown = admin.page.locator('#pairing-code').filter({ hasText: /^[0-9A-Z]{4}-[0-9A-Z]{4}$/ });
    await shown.waitFor();
    const code = (await shown.textContent()) ?? '';
    await admin.page.getByText(/Works once, until \d\d:\d\d/).waitFor();

    const kiosk = await e2e.browser.newContext();
    const door = await openKiosk(kiosk, e2e.server.url, async () => code);
    await scan(door, '100001', /Ada Lovelace — (checked in|late)/);
    await door.getByText('All sent').waitFor();

    await admin.page.reload();
    const row = admin.page.getByRole('row', { name: 'Main entrance' });
    await row.getByText('0.2.0').waitFor();
    await row.getByText('Paired', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await admin.page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/^Revoked/).waitFor();

    await nudgeSync(door);
    await scan(door, '100002', /— (checked in|late)/);
    await door.getByRole('heading', { name: 'This kiosk was unpaired by the office' }).waitFor({ timeout: 20_000 });
    await admin.context.close();
    await kiosk.close();
  });
});

describe('a revoked kiosk', () => {
  it('says it was unpaired, keeps its queue and saves it as a file the office imports once', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const page = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    await context.setOffline(true);
    for (const id of ['100002', '100003', '100004']) await scan(page, id, /— (checked in|late)/);
    await page
      .getByText('3 check-ins saved on this kiosk')
      .or(page.getByText(/Waiting for the network — 3 check-ins/))
      .first()
      .waitFor();

    const devices = (await (await e2e.server.api('admin', '/api/devices')).json()) as { devices: Array<{ id: string }> };
    const revoked = await e2e.server.api('admin', `/api/devices/${devices.devices[0]?.id}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(204);
    await context.setOffline(false);
    await nudgeSync(page);
    await page.getByRole('heading', { name: 'This kiosk was unpaired by the office' }).waitFor({ timeout: 20_000 });
    await page.getByText('3 check-ins are kept on this kiosk and could not be sent.').waitFor();
    expect(count('select count(*) as n from ops')).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Save the waiting check-ins as a file' }).click(),
    ]);
    const file = JSON.parse(fs.readFileSync((await download.path()) as string, 'utf8')) as { type: string; ops: unknown[] };
    expect(file).toMatchObject({ type: 'queue-export', kioskName: 'Main entrance' });
    expect(file.ops).toHaveLength(3);
    // Still kept on the kiosk after saving the file.
    await page.getByText('3 check-ins are kept on this kiosk and could not be sent.').waitFor();

    const imported = await e2e.server.api('office', '/api/queue-imports', { method: 'POST', body: file });
    expect(((await imported.json()) as { receipts: unknown }).receipts).toEqual([{ status: 'applied', n: 3 }]);
    const again = await e2e.server.api('office', '/api/queue-imports', { method: 'POST', body: file });
    expect(((await again.json()) as { receipts: unknown }).receipts).toEqual([
      { status: 'duplicate', original: { status: 'applied' }, n: 3 },
    ]);
    expect(count('select count(*) as n from attendance')).toBe(3);
    await context.close();
  });
});
