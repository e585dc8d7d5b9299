/**
 * An upgrade with a queue: a kiosk whose previous release's worker left 50
 * check-ins in its IndexedDB (Dexie schema version 1, ops stamped with the
 * logical clock that release kept) takes the new release's worker, which
 * upgrades the database in place and sends every one of them, once.
 */
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/shared/batch-codec.ts';
import type { Op } from '../../src/shared/protocol.ts';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { openOutboxDb, type OutboxDb } from '../../sw/outbox-db.ts';
import { saveMark } from '../../sw/save-mark.ts';
import { SyncEngine } from '../../sw/sync-engine.ts';
import { workerStores } from '../../sw/worker-stores.ts';

const NAME = `doorline-upgrade-${process.pid}`;
const QUEUED = 50;
const at = 1_790_000_000_000;

/** The database as release 0.2's worker left it: its schema, its rows, field for field. */
async function writePreviousRelease(): Promise<void> {
  const previous = new Dexie(NAME);
  previous.version(1).stores({ outbox: 'seq, &opId', deadLetters: 'seq, opId', roster: 'studentId', meta: 'key' });
  await previous.open();
  await previous.table('outbox').bulkAdd(
    Array.from({ length: QUEUED }, (_, i) => ({
      seq: i + 1,
      opId: `01JE${String(i + 1).padStart(22, '0')}`,
      kind: 'check-in',
      kioskId: 'kiosk-0001',
      studentId: String(100001 + i),
      at: at + i * 1000,
      session: 'day',
      base: 0,
      offset: -1_250,
      hlc: `${String(at + i * 1000 - 1_250).padStart(15, '0')}:0000`,
      queuedAt: at + i * 1000 + 5,
    })),
  );
  await previous.table('meta').bulkAdd([
    { key: 'device-id', value: 'kiosk-device-0000000000000001' },
    { key: 'next-seq', value: QUEUED + 1 },
    { key: 'hlc', value: `${String(at + 49_000).padStart(15, '0')}:0000` },
    { key: 'device-token', value: 'a-device-token' },
  ]);
  await previous
    .table('roster')
    .bulkAdd(Array.from({ length: QUEUED }, (_, i) => ({ studentId: String(100001 + i), name: `Student ${i}`, homeroom: '7A' })));
  previous.close();
}

let db: OutboxDb | null = null;
afterEach(async () => {
  db?.close();
  db = null;
  await Dexie.delete(NAME);
});

describe('an upgrade with a queue', () => {
  it("sends every check-in the previous release's worker queued, once, and numbers new ones after them", async () => {
    await writePreviousRelease();
    db = openOutboxDb(NAME);
    const stores = workerStores(db);
    const received: Op[] = [];
    const engine = new SyncEngine({
      stores,
      kiosk: new KioskCache(stores, { headers: async () => ({}) }, () => Promise.reject(new Error('not used'))),
      compress: async (body) => ({ body, encoding: 'identity' }),
      post: async (body) => {
        const { ops } = decodeBatch(body, { maxOps: 10_000 });
        received.push(...ops);
        return { v: 1, type: 'sync-result', receipts: [{ n: ops.length, status: 'applied' }], serverTime: Date.now() };
      },
      publish: async () => undefined,
      requestBackgroundSync: async () => undefined,
      setTimer: () => undefined,
      isOnline: () => true,
      connection: () => undefined,
      sleep: async () => undefined,
      random: () => 0.5,
    });

    await engine.sync();
    expect(received.map((op) => op.seq)).toEqual(Array.from({ length: QUEUED }, (_, i) => i + 1));
    expect(received.every((op) => !('hlc' in op))).toBe(true);
    expect(received[0]).toMatchObject({ kind: 'check-in', studentId: '100001', at, session: 'day', offset: -1_250 });
    expect(await stores.outbox.size()).toBe(0);
    expect(await db.table('records').count()).toBe(0);

    const { op } = await saveMark(stores, {
      v: 1,
      opId: '01JE0000000000000000000099',
      kind: 'check-in',
      kioskId: 'kiosk-0001',
      studentId: '100002',
      at: at + 60_000,
    });
    expect(op.seq).toBe(QUEUED + 1);
  });
});
