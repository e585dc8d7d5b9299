import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';

const e2e = useBrowserAndServer();
let proxy: FaultProxy;

beforeEach(async () => {
  proxy = await startFaultProxy(e2e.server.url);
});
afterEach(async () => {
  await proxy?.close();
});

const nameOf = (studentId: string): string => {
  const [row] = e2e.server.query<{ name: string }>('select name from students where student_number = ?', studentId);
  if (!row) throw new Error(`No student ${studentId}`);
  return row.name;
};
const opCount = (studentIds: string[]): number =>
  Number(
    e2e.server.query<{ n: number }>(
      `select count(*) as n from ops where student_number in (${studentIds.map(() => '?').join(',')})`,
      ...studentIds,
    )[0]?.n,
  );

describe('a kiosk meeting a newer server', () => {
  it('keeps draining when the server starts adding a field it does not know between two syncs', async () => {
    const context = await e2e.browser.newContext();
    const page = await openKiosk(context, proxy.url, e2e.server.pairingCode);

    const before = ['100101', '100102'];
    for (const id of before) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(opCount(before)).toBe(2);

    proxy.newerServer = true;
    const after = ['100103', '100104', '100105'];
    for (const id of after) await scan(page, id, new RegExp(`^${nameOf(id)} — `));
    await nudgeSync(page);
    await until('the three check-ins made after the server changed to arrive', () => opCount(after) === 3);
    await page.getByText('All sent').waitFor({ timeout: 30_000 });
    expect(proxy.widened.sync).toBeGreaterThan(0);

    // A check-in at another door comes down the feed with the newer fields and still lands on this kiosk.
    const other = await e2e.browser.newContext();
    const otherDoor = await openKiosk(other, proxy.url, e2e.server.pairingCode);
    const widenedPages = proxy.widened.changes;
    await scan(otherDoor, '100106', new RegExp(`^${nameOf('100106')} — `));
    await otherDoor.getByText('All sent').waitFor({ timeout: 30_000 });
    const [{ homeroom } = { homeroom: '' }] = e2e.server.query<{ homeroom: string }>(
      'select homeroom from students where student_number = ?',
      '100106',
    );
    await until("the other door's check-in, with the newer fields, on the first kiosk", async () => {
      await nudgeSync(page);
      const roll = await page.evaluate(
        async (group) =>
          (await (await fetch(`/api/roll?group=${encodeURIComponent(group)}&session=day`)).json()) as {
            source: string;
            rows: Array<{ studentId: string; status: string | null }>;
          },
        homeroom,
      );
      return roll.source === 'device' && roll.rows.some((r) => r.studentId === '100106' && r.status !== null);
    });
    expect(proxy.widened.changes).toBeGreaterThan(widenedPages);
    expect(await scan(page, '100106', new RegExp(`^${nameOf('100106')} — `))).toContain('already checked in at');
    await other.close();
    await context.close();
  });
});
