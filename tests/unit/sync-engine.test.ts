import { beforeEach, describe, expect, it } from 'vitest';
import { DoorlineError } from '../../src/shared/error-codes.ts';
import { decodeBatch } from '../../src/shared/batch-codec.ts';
import type { SyncResponse } from '../../src/shared/protocol.ts';
import type { WorkerStatus } from '../../src/shared/worker-messages.ts';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import type { OutboxDb } from '../../sw/outbox-db.ts';
import { saveMark } from '../../sw/save-mark.ts';
import { settleReceipts } from '../../sw/settle-receipts.ts';
import { workerStores, type WorkerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../../sw/chunk-scheduler.ts';
import { retryDelayMs } from '../../sw/retry-backoff.ts';
import { SyncEngine, type SyncEngineDelegate } from '../../sw/sync-engine.ts';

const fixture = useWorkerDb();
let db: OutboxDb;
let stores: WorkerStores;

beforeEach(async () => {
  db = fixture.db;
  stores = workerStores(db);
  for (let i = 1; i <= 3; i++) {
    await saveMark(stores, {
      v: 1,
      opId: `01JD${String(i).padStart(22, '0')}`,
      kind: 'check-in',
      kioskId: 'kiosk-0001',
      studentId: String(100000 + i),
      at: 1_790_000_000_000 + i,
    });
  }
});

type Post = (opCount: number) => Promise<SyncResponse>;

function engineWith(
  respond: Post,
  online: boolean | (() => boolean) = true,
  connection?: { saveData?: boolean },
  extra: Partial<SyncEngineDelegate> = {},
) {
  const published: WorkerStatus[] = [];
  const timers: number[] = [];
  let backgroundSyncs = 0;
  const engine = new SyncEngine({
    stores,
    kiosk: new KioskCache(stores, { headers: async () => ({}) }, () => Promise.reject(new Error('not used'))),
    compress: async (body) => ({ body, encoding: 'identity' }),
    post: (body) => respond(decodeBatch(body, { maxOps: 10_000 }).ops.length),
    publish: async (status) => void published.push(status),
    requestBackgroundSync: async () => void backgroundSyncs++,
    setTimer: (_callback, ms) => timers.push(ms),
    isOnline: () => (typeof online === 'function' ? online() : online),
    connection: () => connection,
    sleep: async () => undefined,
    random: () => 0.5,
    ...extra,
  });
  return { engine, published, timers, backgroundSyncs: () => backgroundSyncs };
}

const applyAll: Post = async (count) => ({
  v: 1,
  type: 'sync-result',
  receipts: [{ n: count, status: 'applied' }],
  serverTime: Date.now(),
});

describe('sync engine', () => {
  it('reports sending, then all sent', async () => {
    const { engine, published } = engineWith(applyAll);
    await engine.sync();
    expect(published[0]).toMatchObject({ phase: 'sending', waiting: 3 });
    expect(published.at(-1)).toMatchObject({ phase: 'idle', waiting: 0, lastError: null });
    expect(published.at(-1)?.lastSyncAt).toEqual(expect.any(Number));
  });

  it('waits for the network after a failure, retries on a timer and asks Background Sync to outlive the worker', async () => {
    const { engine, published, timers, backgroundSyncs } = engineWith(() => Promise.reject(new DoorlineError('network-error')));
    await expect(engine.sync()).rejects.toMatchObject({ code: 'network-error' });
    expect(published.at(-1)).toMatchObject({ phase: 'waiting-for-network', waiting: 3, lastError: 'network-error' });
    expect(backgroundSyncs()).toBe(1);
    // The drain made four attempts; the timer goes on with the fifth's pause.
    expect(timers).toEqual([retryDelayMs(DEFAULT_MAX_ATTEMPTS + 1, () => 0.5)]);
    expect(published.at(-1)?.quality?.label).toBeDefined();
  });

  it('registers no sync while a sync event fails: its rejection keeps the registration, a new one would fire at once', async () => {
    const { engine, backgroundSyncs } = engineWith(() => Promise.reject(new DoorlineError('server-error', { status: 503 })));
    await expect(engine.syncForEvent()).rejects.toMatchObject({ code: 'server-error' });
    expect(backgroundSyncs()).toBe(0);
  });

  it('does not count check-ins made offline as failures: once online, the first failure waits the first pause', async () => {
    let online = false;
    const { engine, timers } = engineWith(
      () => Promise.reject(new DoorlineError('server-error', { status: 503 })),
      () => online,
    );
    for (let i = 0; i < 10; i++) await expect(engine.sync()).rejects.toMatchObject({ code: 'network-error' });
    expect(timers).toEqual([]);
    online = true;
    await expect(engine.sync()).rejects.toMatchObject({ code: 'server-error' });
    expect(timers).toEqual([retryDelayMs(DEFAULT_MAX_ATTEMPTS + 1, () => 0.5)]);
  });

  it('never says it is sending while the browser knows it is offline', async () => {
    const { engine, published } = engineWith(applyAll, false);
    await expect(engine.sync()).rejects.toBeDefined();
    await expect(engine.sync()).rejects.toBeDefined();
    expect(published.map((s) => s.phase)).not.toContain('sending');
    expect(published.at(-1)?.quality?.label).not.toBe('offline');
  });

  it('reads a fast link with tiny requests as good, not poor', async () => {
    const { engine, published } = engineWith(async (count) => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return applyAll(count);
    });
    await engine.sync();
    expect(published.at(-1)?.quality?.label).toBe('good');
  });

  it('holds the queue and stops retrying when the server speaks a newer protocol', async () => {
    let sends = 0;
    const { engine, published, timers, backgroundSyncs } = engineWith(() => {
      sends++;
      return Promise.reject(new DoorlineError('unsupported-version'));
    });
    await expect(engine.sync()).rejects.toMatchObject({ code: 'unsupported-version' });
    expect(sends).toBe(1);
    // A check-in made afterwards triggers no new attempt: only a new worker (the page reloaded) sends again.
    await expect(engine.sync()).rejects.toMatchObject({ code: 'unsupported-version' });
    expect(sends).toBe(1);
    expect(published.at(-1)).toMatchObject({ phase: 'held', waiting: 3, lastError: 'unsupported-version' });
    expect(timers).toEqual([]);
    expect(backgroundSyncs()).toBe(0);
  });

  it('holds the queue and says why when the server refuses the batch itself', async () => {
    const { engine, published } = engineWith(() => Promise.reject(new DoorlineError('kiosk-not-found')));
    await expect(engine.sync()).rejects.toMatchObject({ code: 'kiosk-not-found' });
    expect(published.at(-1)).toMatchObject({ phase: 'held', waiting: 3, lastError: 'kiosk-not-found' });
  });

  it('stops, keeps the queue and asks for pairing when the server no longer knows the kiosk', async () => {
    let sends = 0;
    const { engine, published, timers, backgroundSyncs } = engineWith(() => {
      sends++;
      return Promise.reject(new DoorlineError('device-unauthorized'));
    });
    await expect(engine.sync()).rejects.toMatchObject({ code: 'device-unauthorized' });
    expect(sends).toBe(1);
    expect(published.at(-1)).toMatchObject({ phase: 'held', waiting: 3, lastError: 'device-unauthorized' });
    expect(timers).toEqual([]);
    expect(backgroundSyncs()).toBe(0);
  });

  it('reports progress while sending and a network quality score', async () => {
    const { engine, published } = engineWith(applyAll);
    await engine.sync();
    const sending = published.find((s) => s.progress !== null);
    expect(sending?.progress).toMatchObject({ lane: 'door', done: 3, total: 3 });
    expect(published.at(-1)?.quality).toEqual(expect.objectContaining({ score: expect.any(Number) }));
  });

  it('lets notes wait while the device asks to save data', async () => {
    await saveMark(stores, {
      v: 1,
      opId: `01JD${'9'.padStart(22, '0')}`,
      kind: 'note',
      text: 'Left early for the dentist',
      kioskId: 'kiosk-0001',
      studentId: '100009',
      at: 1_790_000_000_009,
    });
    const { engine, published } = engineWith(applyAll, true, { saveData: true });
    await engine.sync();
    expect((await stores.outbox.waiting()).map((op) => op.kind)).toEqual(['note']);
    expect(published.at(-1)?.quality?.saveData).toBe(true);
  });

  it('keeps the link estimate for the next drain', async () => {
    const { engine } = engineWith(applyAll);
    await engine.sync();
    expect(await stores.meta.get('link-estimate')).toBeTruthy();
  });

  it('does not try the network when the browser knows it is offline, and asks Background Sync to wake it', async () => {
    let sends = 0;
    const { engine, published, backgroundSyncs } = engineWith(async (count) => {
      sends++;
      return applyAll(count);
    }, false);
    await expect(engine.sync()).rejects.toMatchObject({ code: 'network-error' });
    expect(sends).toBe(0);
    expect(backgroundSyncs()).toBe(1);
    expect(published.at(-1)).toMatchObject({ phase: 'waiting-for-network', waiting: 3 });
  });

  it('says it waits for the network while the scheduler backs off', async () => {
    let calls = 0;
    const { engine, published } = engineWith((count) =>
      ++calls === 1 ? Promise.reject(new DoorlineError('server-error')) : applyAll(count),
    );
    await engine.sync();
    const phases = published.map((s) => s.phase);
    expect(phases).toContain('waiting-for-network');
    expect(phases.at(-1)).toBe('idle');
  });

  it('recovers after a failure and clears the error', async () => {
    let fail = true;
    const { engine, published } = engineWith((count) => (fail ? Promise.reject(new DoorlineError('server-error')) : applyAll(count)));
    await expect(engine.sync()).rejects.toBeDefined();
    fail = false;
    await engine.sync();
    expect(published.at(-1)).toMatchObject({ phase: 'idle', waiting: 0, lastError: null });
  });

  it('tells the server its link, the storage left and its last failures, each kind once with its latest time', async () => {
    let now = 1_790_000_100_000;
    let answer: Post = () => Promise.reject(new DoorlineError('network-error'));
    const { engine } = engineWith((count) => answer(count), true, undefined, {
      now: () => (now += 1000),
      storageEstimate: async () => ({ usage: 1_000, quota: 5_000_000 }),
    });
    expect(await engine.health()).toMatch(/^\d{1,3};(good|fair|poor|offline);4999000;$/);
    await expect(engine.sync()).rejects.toMatchObject({ code: 'network-error' });
    answer = () => Promise.reject(new DoorlineError('server-busy'));
    await expect(engine.sync()).rejects.toMatchObject({ code: 'server-busy' });
    const [score, label, free, failures] = (await engine.health()).split(';');
    expect(Number(score)).toBeLessThan(50);
    expect(label).toBeDefined();
    expect(free).toBe('4999000');
    // Newest first: the busy server, then the network error of the pass before (its latest attempt's time).
    expect(failures).toMatch(/^server-busy@\d{13},network-error@\d{13}$/);
    const [busyAt, networkAt] = (failures ?? '').split(',').map((f) => Number(f.split('@')[1]));
    expect(busyAt).toBeGreaterThan(networkAt ?? Infinity);
  });

  it('does nothing when the outbox is empty', async () => {
    const all = await stores.outbox.waiting(10);
    await settleReceipts(
      stores,
      all,
      all.map(() => ({ status: 'applied' as const })),
    );
    let sends = 0;
    const { engine } = engineWith(async (count) => {
      sends++;
      return applyAll(count);
    });
    await engine.sync();
    expect(sends).toBe(0);
  });
});
