import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BACK_PRESSURE, type BackPressureOptions } from '../../src/server/back-pressure.ts';
import { databases } from '../support/databases.ts';
import { checkIn, countRows, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const limits = (overrides: Partial<BackPressureOptions>): BackPressureOptions => ({ ...DEFAULT_BACK_PRESSURE, ...overrides });
const at = Date.parse('2026-12-01T07:55:00Z');
const batch = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => checkIn(from + i, String(100001 + ((from + i) % 600)), at + (from + i) * 1000));

describe.each(databases())('on %s', (database) => {
  it('refuses new writes as busy, with Retry-After and nothing read, while reads and health go on', async () => {
    t = await startTestApp({ database, backPressure: limits({ maxPendingWrites: 0, retryAfterSeconds: 7 }) });
    const refused = await t.syncAsKiosk(batch(1, 5));
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('server-busy');
    expect(refused.headers['retry-after']).toBe('7');
    expect(await countRows(t.db, 'ops')).toBe(0);
    expect((await t.app.inject('/api/health')).statusCode).toBe(200);
    expect((await t.asKiosk('/api/roster')).statusCode).toBe(200);
  });

  it('turns writes away while more are under way than it allows, and takes them all when sent again', async () => {
    t = await startTestApp({ database, backPressure: limits({ maxPendingWrites: 2 }) });
    const app = t;
    const kiosks = await Promise.all(Array.from({ length: 8 }, (_, i) => app.pair(`back-pressure-kiosk-${String(i).padStart(20, '0')}`)));
    const send = (token: string, deviceId: string, ops: unknown[]) =>
      app.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { authorization: `Bearer ${token}` },
        payload: { v: 1, type: 'sync', deviceId, kioskId: app.kioskId, ops },
      });
    const work = kiosks.map((token, i) => ({
      token,
      deviceId: `back-pressure-kiosk-${String(i).padStart(20, '0')}`,
      ops: batch(1 + i * 50, 50),
    }));
    const first = await Promise.all(work.map((w) => send(w.token, w.deviceId, w.ops)));
    const busy = first.filter((r) => r.statusCode === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(first.every((r) => r.statusCode === 200 || r.statusCode === 503)).toBe(true);
    // Sent again one after another, as kiosks do after the pause: everything arrives, nothing twice.
    for (const w of work) expect((await send(w.token, w.deviceId, w.ops)).statusCode).toBe(200);
    expect(await countRows(t.db, 'ops')).toBe(400);
  });

  it('lets one sync of a device run at a time, queues a few behind it and refuses a flood, without holding up another kiosk', async () => {
    t = await startTestApp({ database, backPressure: limits({ maxWaitingPerDevice: 2 }) });
    const app = t;
    const other = await app.pair('back-pressure-other-kiosk-00000000001');
    const flood = await Promise.all(Array.from({ length: 6 }, (_, i) => app.syncAsKiosk(batch(1 + i * 20, 20))));
    const statuses = flood.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    const refused = flood.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.json().error.code).toBe('sync-in-progress');
      expect(r.headers['retry-after']).toBe('1');
    }
    const elsewhere = await app.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${other}` },
      payload: { v: 1, type: 'sync', deviceId: 'back-pressure-other-kiosk-00000000001', kioskId: app.kioskId, ops: batch(500, 5) },
    });
    expect(elsewhere.statusCode).toBe(200);
    expect(await countRows(t.db, 'ops')).toBe(65);
  });

  it('refuses writes for a moment after the event loop stalls, then takes them again', async () => {
    // Held for 3 s, so that a loaded machine still reaches the check inside the hold.
    t = await startTestApp({ database, backPressure: limits({ maxEventLoopDelayMs: 100, stallHoldMs: 3_000 }) });
    const stalledUntil = Date.now() + 400;
    while (Date.now() < stalledUntil) {
      // A stall: the event loop serves nothing meanwhile.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await t.syncAsKiosk(batch(1, 5));
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('server-busy');
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    expect((await t.syncAsKiosk(batch(1, 5))).statusCode).toBe(200);
  });
});
