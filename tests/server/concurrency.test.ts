/**
 * Writers at the same time: kiosks sending together for one school must
 * neither lose a change nor let the change feed skip one, and one pairing
 * code pairs one kiosk. SQLite runs one transaction at a time; PostgreSQL
 * runs them side by side, so these hold there only by locking.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPairingCode } from '../../src/server/pairing.ts';
import { databases } from '../support/databases.ts';
import { ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

const AT_0758 = Date.parse('2026-11-24T07:58:00Z');
const KIOSKS = 6;

describe.each(databases())('on %s', (database) => {
  let t: TestApp;
  let kiosks: Array<{ deviceId: string; token: string }>;

  beforeEach(async () => {
    t = await startTestApp({ database });
    t.clock.now = AT_0758 + 60_000;
    kiosks = [];
    for (let i = 1; i <= KIOSKS; i++) {
      const deviceId = `concurrent-kiosk-${i}`;
      kiosks.push({ deviceId, token: await t.pair(deviceId) });
    }
  });
  afterEach(async () => t.close());

  function send(kiosk: { deviceId: string; token: string }, ops: unknown[]): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${kiosk.token}` },
      payload: { v: 1, type: 'sync', deviceId: kiosk.deviceId, kioskId: t.kioskId, ops },
    });
  }

  it('keeps every change to one record, one version after another, when six kiosks send for the same student at once', async () => {
    const answers = await Promise.all(
      kiosks.map((kiosk, i) =>
        send(kiosk, [{ seq: 1, kind: 'check-in', studentId: '100001', at: AT_0758 - i * 1000, session: 'day', base: 0 }]),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(kiosks.map(() => 200));
    const audit = await t.db.selectFrom('audit_log').select('version').orderBy('version').execute();
    const record = await t.db.selectFrom('attendance').select(['version', 'check_in_at']).executeTakeFirstOrThrow();
    expect(audit.map((a) => a.version)).toEqual(Array.from({ length: audit.length }, (_, i) => i + 1));
    expect(record.version).toBe(audit.length);
    // The earliest check-in wins, whichever kiosk's batch was written last.
    expect(record.check_in_at).toBe(AT_0758 - (KIOSKS - 1) * 1000);
  });

  it('never moves a reader past a change it was not sent while kiosks write at once', async () => {
    const office = await t.signIn('office');
    const pull = async (cursor: string) =>
      (await t.app.inject({ url: `/api/changes?cursor=${cursor}`, headers: office })).json() as {
        cursor: string;
        more: boolean;
        changes: Array<{ studentId: string; version: number }>;
      };
    let cursor = (await pull('')).cursor;
    const seen = new Set<string>();
    let writing = true;
    const writers = Promise.all(
      kiosks.map(async (kiosk, k) => {
        for (let batch = 0; batch < 5; batch++) {
          const ops = Array.from({ length: 10 }, (_, i) => ({
            seq: batch * 10 + i + 1,
            kind: 'check-in',
            studentId: String(100001 + k * 50 + batch * 10 + i),
            at: AT_0758,
            session: 'day',
            base: 0,
          }));
          expect((await send(kiosk, ops)).statusCode).toBe(200);
        }
      }),
    ).finally(() => (writing = false));
    const reader = (async () => {
      // A read on SQLite never leaves the microtask queue: each lap yields, so the writers' requests go on.
      for (let lap = 0; (writing || lap === 0) && lap < 5_000; lap++) {
        await new Promise((resolve) => setImmediate(resolve));
        const page = await pull(cursor);
        for (const change of page.changes) seen.add(`${change.studentId}@${change.version}`);
        cursor = page.cursor;
      }
    })();
    await Promise.all([writers, reader]);
    for (let page = await pull(cursor); ; page = await pull(cursor)) {
      for (const change of page.changes) seen.add(`${change.studentId}@${change.version}`);
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(seen.size).toBe(KIOSKS * 50);
  });

  it('pairs one kiosk when the same code is typed on two at once', async () => {
    const { code } = await createPairingCode(t.db, { schoolId: t.schoolId, kioskId: t.kioskId, createdBy: 'test', now: t.clock.now });
    const answers = await Promise.all(
      ['twin-kiosk-a', 'twin-kiosk-b'].map((deviceId) =>
        t.app.inject({
          method: 'POST',
          url: '/api/pair',
          headers: { origin: ORIGIN },
          payload: { v: 1, code, deviceId, appVersion: '0.2.0' },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 400]);
    expect(answers.find((a) => a.statusCode === 400)?.json().error.code).toBe('pairing-code-invalid');
  });
});
