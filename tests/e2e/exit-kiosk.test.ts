/**
 * A kiosk set up as an exit checks students out: the admin sets it to face
 * the exit, the kiosk reads so from its configuration, a scan says "checked
 * out", and the office's left-early list has the student; a reason can be
 * given first, offline too. A screenshot of the kiosk goes under
 * tests/e2e/output/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { nudgeSync, openKiosk, scan, until } from './support/kiosk-browser.ts';
import { useBrowserAndServer } from './support/lifecycle.ts';

const e2e = useBrowserAndServer();
const output = fileURLToPath(new URL('./output/', import.meta.url));

describe('a kiosk at the exit', () => {
  it('checks a student out with one scan, and the office sees who left and when', async () => {
    const kiosks = (await (await e2e.server.api('admin', '/api/kiosks')).json()) as { kiosks: Array<{ id: string; name: string }> };
    const main = kiosks.kiosks.find((k) => k.name === 'Main entrance');
    expect(main).toBeDefined();
    const changed = await e2e.server.api('admin', `/api/kiosks/${main?.id}`, { method: 'POST', body: { v: 1, direction: 'exit' } });
    expect(changed.status).toBe(200);

    const context = await e2e.browser.newContext();
    const door = await openKiosk(context, e2e.server.url, e2e.server.pairingCode);
    expect(await door.getByRole('button', { name: 'Check out' }).count()).toBe(1);
    const said = await scan(door, '100001', /Ada Lovelace — checked out \d\d:\d\d/);
    expect(said).not.toMatch(/checked in|late/);
    expect(await axeViolations(door)).toEqual([]);
    await door.screenshot({ path: path.join(output, 'kiosk-exit.png') });
    await nudgeSync(door);
    await until(
      'the check-out on the server',
      () =>
        e2e.server.query<{ n: number }>(
          "select count(*) as n from attendance a join students s on s.id = a.student_id where s.student_number = '100001' and a.check_out_at is not null",
        )[0]?.n === 1,
    );
    const today = (await (await e2e.server.api('office', '/api/today')).json()) as {
      leftEarly: Array<{ studentId: string; checkOutAt: number }>;
    };
    expect(today.leftEarly).toEqual([expect.objectContaining({ studentId: '100001', checkOutAt: expect.any(Number) })]);

    // A reason is optional at an exit; given offline, it waits on the kiosk with the check-out and reaches the server.
    await context.setOffline(true);
    await door.getByRole('button', { name: 'Give a reason' }).click();
    await door.getByRole('button', { name: 'Collected by a parent' }).click();
    await door.getByText('Checking out: Collected by a parent — scan your card').waitFor();
    await scan(door, '100002', /— checked out \d\d:\d\d/);
    expect(await door.locator('#result-detail').textContent()).toMatch(/Collected by a parent\. Saved on this kiosk\./);
    expect(await door.locator('#mode').isHidden()).toBe(true);
    expect(await door.getByRole('button', { name: 'Give a reason' }).count()).toBe(1);
    await context.setOffline(false);
    await nudgeSync(door);
    await until(
      'the reason on the server',
      () =>
        e2e.server.query<{ reason: string | null }>(
          "select a.check_out_reason as reason from attendance a join students s on s.id = a.student_id where s.student_number = '100002'",
        )[0]?.reason === 'collected',
    );
    await context.close();
  });
});
