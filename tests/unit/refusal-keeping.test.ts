/**
 * A device keeps what the server refused for as many days as the school set
 * (`keepRefusedDays` in its settings, 30 from an older server that sends
 * none), so staff can see it, and then deletes it at the next send.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/shared/batch-codec.ts';
import type { KioskConfig, SyncResponse } from '../../src/shared/protocol.ts';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { saveMark } from '../../sw/save-mark.ts';
import { SyncEngine } from '../../sw/sync-engine.ts';
import { workerStores, type WorkerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const DAY = 86_400_000;
const T = Date.parse('2026-11-24T08:00:00Z');
const fixture = useWorkerDb();
let stores: WorkerStores;
let now = T;
let seq = 0;

const config = (keepRefusedDays?: number): KioskConfig => ({
  v: 1,
  type: 'kiosk-config',
  school: { id: 's', name: 'Riverside', timeZone: 'Europe/London', bellTime: '08:40', ...(keepRefusedDays ? { keepRefusedDays } : {}) },
  kiosk: null,
  rosterVersion: '1',
  syncLimits: { maxBodyBytes: 1_048_576, maxOps: 2_000 },
});

const checkIn = () =>
  saveMark(stores, {
    v: 1,
    opId: `01JD${String(++seq).padStart(22, '0')}`,
    kind: 'check-in',
    kioskId: 'kiosk-0001',
    studentId: '100001',
    at: now,
  });

function engine(answer: 'applied' | 'rejected') {
  return new SyncEngine({
    stores,
    kiosk: new KioskCache(stores, { headers: async () => ({}) }, () => Promise.reject(new Error('not used'))),
    compress: async (body) => ({ body, encoding: 'identity' }),
    post: async (body): Promise<SyncResponse> => {
      const n = decodeBatch(body, { maxOps: 10_000 }).ops.length;
      return {
        v: 1,
        type: 'sync-result',
        receipts: [answer === 'applied' ? { n, status: 'applied' } : { n, status: 'rejected', code: 'unknown-student' }],
        serverTime: now,
      };
    },
    publish: async () => undefined,
    requestBackgroundSync: async () => undefined,
    setTimer: () => undefined,
    isOnline: () => true,
    now: () => now,
    sleep: async () => undefined,
    random: () => 0.5,
  });
}

beforeEach(() => {
  stores = workerStores(fixture.db);
  now = T;
});

describe('refusals kept on a device', () => {
  it.each([
    [7, 'the days the school set', 6, 8],
    [undefined, '30 days when the server sends none', 29, 31],
  ])('keeps them for %s (%s), then deletes them at the next send', async (days, _what, within, past) => {
    await stores.meta.set('kiosk-config', config(days));
    await checkIn();
    await checkIn();
    await engine('rejected').sync();
    expect(await stores.deadLetters.count()).toBe(2);

    now = T + within * DAY;
    await checkIn();
    await engine('applied').sync();
    expect(await stores.deadLetters.count()).toBe(2);

    now = T + past * DAY;
    await checkIn();
    await engine('applied').sync();
    expect(await stores.deadLetters.count()).toBe(0);
  });

  it('keeps a newer refusal when an older one goes', async () => {
    await stores.meta.set('kiosk-config', config(7));
    await checkIn();
    await engine('rejected').sync();
    now = T + 5 * DAY;
    await checkIn();
    await engine('rejected').sync();
    now = T + 8 * DAY;
    await checkIn();
    await engine('applied').sync();
    expect((await stores.deadLetters.newest()).map((d) => d.refusedAt)).toEqual([T + 5 * DAY]);
  });
});
