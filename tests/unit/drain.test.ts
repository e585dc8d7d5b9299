import { beforeEach, describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/shared/batch-codec.ts';
import { DoorlineError } from '../../src/shared/error-codes.ts';
import type { OpKind } from '../../src/shared/attendance-model.ts';
import type { Op, Receipt, SyncResponse } from '../../src/shared/protocol.ts';
import { toRuns } from '../../src/shared/receipts.ts';
import type { SyncProgress } from '../../src/shared/worker-messages.ts';
import { LinkEstimator } from '../../sw/chunk-scheduler.ts';
import { drainOutbox, singleFlight, type DrainDelegate } from '../../sw/drain.ts';
import type { OutboxDb } from '../../sw/outbox-db.ts';
import type { Outbox } from '../../sw/outbox.ts';
import { saveMark } from '../../sw/save-mark.ts';
import { settleReceipts } from '../../sw/settle-receipts.ts';
import { workerStores, type WorkerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();
let db: OutboxDb;
let stores: WorkerStores;
let outbox: Outbox;
let n = 0;

async function queue(count: number, kioskId = 'kiosk-0001', kind: OpKind = 'check-in'): Promise<void> {
  for (let i = 0; i < count; i++) {
    n++;
    await saveMark(stores, {
      v: 1,
      opId: `01JD${String(n).padStart(22, '0')}`,
      kind,
      kioskId,
      studentId: String(100000 + n),
      at: 1_790_000_000_000 + n * 1000,
      ...(kind === 'status' ? { status: 'absent' as const } : {}),
      ...(kind === 'note' ? { text: 'Dentist at 10' } : {}),
    });
  }
}

interface Sent {
  kioskId: string;
  deviceId: string;
  ops: Op[];
  bytes: number;
}

/** A server that decodes what it is sent and applies everything, unless `respond` says otherwise. */
function fakeServer(respond?: (ops: Op[], call: number) => Receipt[] | Error) {
  const requests: Sent[] = [];
  const post: DrainDelegate['post'] = async (body) => {
    const batch = decodeBatch(body, { maxOps: 10_000 });
    requests.push({ ...batch, bytes: body.length });
    const answer = respond?.(batch.ops, requests.length) ?? batch.ops.map((): Receipt => ({ status: 'applied' }));
    if (answer instanceof Error) throw answer;
    return { v: 1, type: 'sync-result', receipts: toRuns(answer), serverTime: 1_790_000_100_000 } satisfies SyncResponse;
  };
  return { requests, post };
}

function delegate(post: DrainDelegate['post'], extra: Partial<DrainDelegate> = {}): DrainDelegate {
  return {
    outbox,
    settle: (sent, receipts) => settleReceipts(stores, sent, receipts),
    deviceId: 'device-abcdef01',
    limits: { maxBodyBytes: 1024 * 1024, maxOps: 2000 },
    link: new LinkEstimator(),
    holdLanes: new Set(),
    compress: async (body) => ({ body, encoding: 'identity' }),
    post,
    now: Date.now,
    sleep: async () => undefined,
    random: () => 0.5,
    ...extra,
  };
}

beforeEach(() => {
  db = fixture.db;
  stores = workerStores(db);
  outbox = stores.outbox;
});

describe('drain', () => {
  it('sends everything, in the compact codec, and empties the outbox', async () => {
    await queue(7);
    const server = fakeServer();
    const summary = await drainOutbox(delegate(server.post));
    expect(summary.ops).toBe(7);
    expect(server.requests.flatMap((r) => r.ops.map((op) => op.seq))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests[0]).toMatchObject({ deviceId: 'device-abcdef01', kioskId: 'kiosk-0001' });
    // Stamped at intake: the offset once the device has measured one (not yet here).
    expect(server.requests[0]?.ops[0]).toEqual({
      seq: 1,
      kind: 'check-in',
      studentId: '100001',
      at: 1_790_000_001_000,
      session: 'day',
      base: 0,
    });
    expect(await outbox.size()).toBe(0);
  });

  it('keeps a request to one kiosk when the device moved between kiosks', async () => {
    await queue(2, 'kiosk-0001');
    await queue(1, 'kiosk-0002');
    const server = fakeServer();
    await drainOutbox(delegate(server.post));
    expect(server.requests.map((r) => [r.kioskId, r.ops.length])).toEqual([
      ['kiosk-0001', 2],
      ['kiosk-0002', 1],
    ]);
  });

  it('sizes requests to the byte budget and never above the server cap', async () => {
    await queue(3000);
    const server = fakeServer();
    await drainOutbox(delegate(server.post, { limits: { maxBodyBytes: 4096, maxOps: 2000 } }));
    expect(server.requests.length).toBeGreaterThan(1);
    expect(Math.max(...server.requests.map((r) => r.bytes))).toBeLessThanOrEqual(4096);
    expect(server.requests.reduce((sum, r) => sum + r.ops.length, 0)).toBe(3000);
  });

  it('reads each waiting op from the outbox once, not the whole queue again for every chunk', async () => {
    await queue(60);
    let rowsRead = 0;
    const counting = Object.create(outbox) as Outbox;
    counting.waitingAfter = async (seq, limit) => {
      const rows = await outbox.waitingAfter(seq, limit);
      rowsRead += rows.length;
      return rows;
    };
    counting.waiting = async () => {
      throw new Error('the drain must not read the whole queue');
    };
    const server = fakeServer();
    await drainOutbox(delegate(server.post, { outbox: counting, limits: { maxBodyBytes: 1024 * 1024, maxOps: 5 } }));
    expect(server.requests.length).toBe(12);
    expect(rowsRead).toBe(60);
    expect(await outbox.size()).toBe(0);
  });

  it('reads the next ops from the outbox while a request is on the wire, not after its answer', async () => {
    await queue(1200);
    let sending = 0;
    const pagesReadWhileSending: number[] = [];
    const reading = Object.create(outbox) as Outbox;
    reading.waitingAfter = async (seq, limit) => {
      const rows = await outbox.waitingAfter(seq, limit);
      if (sending > 0 && rows.length > 0) pagesReadWhileSending.push(rows.length);
      return rows;
    };
    const server = fakeServer();
    await drainOutbox(
      delegate(
        async (body, encoding, timeoutMs, sent) => {
          sending++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          sending--;
          return server.post(body, encoding, timeoutMs, sent);
        },
        { outbox: reading, limits: { maxBodyBytes: 1024 * 1024, maxOps: 200 } },
      ),
    );
    expect(pagesReadWhileSending.length).toBeGreaterThan(0);
    expect(server.requests.flatMap((r) => r.ops.map((op) => op.seq))).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(await outbox.size()).toBe(0);
  });

  it("sends the next chunk while the last answer's receipts settle, and removes each op only once it is settled", async () => {
    await queue(6);
    const events: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = fakeServer((ops) => {
      events.push(`sent ${ops.map((op) => op.seq).join(',')}`);
      if (ops[0]?.seq === 4) release();
      return ops.map((): Receipt => ({ status: 'applied' }));
    });
    const summary = await drainOutbox(
      delegate(server.post, {
        limits: { maxBodyBytes: 1024 * 1024, maxOps: 3 },
        settle: async (sent, receipts) => {
          // The first answer's receipts settle only once the second request has been answered.
          if (sent[0]?.seq === 1) await held;
          events.push(`settled ${sent.map((op) => op.seq).join(',')}`);
          return settleReceipts(stores, sent, receipts);
        },
      }),
    );
    expect(events).toEqual(['sent 1,2,3', 'sent 4,5,6', 'settled 1,2,3', 'settled 4,5,6']);
    expect(summary.ops).toBe(6);
    expect(await outbox.size()).toBe(0);
  });

  it('sends the ops that wait for an answered chunk while its receipts still settle, and the whole backlog in one pass', async () => {
    // Three students on two days, with no clock offset measured: each op waits for the earlier op of its student.
    for (const day of [0, 1]) {
      for (const student of ['100001', '100002', '100003']) {
        n++;
        await saveMark(stores, {
          v: 1,
          opId: `01JD${String(n).padStart(22, '0')}`,
          kind: 'check-in',
          kioskId: 'kiosk-0001',
          studentId: student,
          at: 1_790_000_000_000 + day * 86_400_000 + n * 1000,
        });
      }
    }
    const events: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = fakeServer((ops) => {
      events.push(`sent ${ops.map((op) => op.seq).join(',')}`);
      if (ops[0]?.seq === 4) release();
      return ops.map((): Receipt => ({ status: 'applied' }));
    });
    const summary = await drainOutbox(
      delegate(server.post, {
        limits: { maxBodyBytes: 1024 * 1024, maxOps: 3 },
        timeZone: 'Europe/London',
        settle: async (sent, receipts) => {
          // The first answer's receipts settle only once the ops that waited for it have been answered too.
          if (sent[0]?.seq === 1) await Promise.race([held, new Promise((resolve) => setTimeout(resolve, 200))]);
          events.push(`settled ${sent.map((op) => op.seq).join(',')}`);
          return settleReceipts(stores, sent, receipts);
        },
      }),
    );
    expect(events).toEqual(['sent 1,2,3', 'sent 4,5,6', 'settled 1,2,3', 'settled 4,5,6']);
    expect(summary.ops).toBe(6);
    expect(await outbox.size()).toBe(0);
  });

  it('tells the server, with each request, what the device still holds beside the ops on the wire and already answered', async () => {
    await queue(5);
    await queue(1, 'kiosk-0002');
    const reports: string[] = [];
    const server = fakeServer();
    const post: DrainDelegate['post'] = async (body, encoding, timeoutMs, held) => {
      const { depth, oldestAt } = held;
      reports.push(`${depth};${oldestAt === null ? 'none' : oldestAt === (await outbox.bySeq([6]))[0]?.queuedAt ? 'seq 6' : 'other'}`);
      // A check-in saved while the first request is on the wire is held too.
      if (reports.length === 1) await queue(1, 'kiosk-0002');
      return server.post(body, encoding, timeoutMs, held);
    };
    // A cap of 6: the first request is cut at the other kiosk's op, not by the cap, so it goes alone and the reports come in order.
    await drainOutbox(delegate(post, { limits: { maxBodyBytes: 1024 * 1024, maxOps: 6 } }));
    expect(server.requests.map((r) => r.ops.length)).toEqual([5, 2]);
    // The first request leaves the other kiosk's op waiting; the last leaves nothing, though its receipts are not settled yet.
    expect(reports).toEqual(['1;seq 6', '0;none']);
    expect(await outbox.backlog()).toEqual({ depth: 0, oldestAt: null });
  });

  it('sends the same students on different school days in overlapping requests once it knows the school time zone', async () => {
    const morning = Date.parse('2026-11-30T08:00:00Z');
    for (const day of [0, 1]) {
      for (const student of ['100001', '100002', '100003']) {
        n++;
        const at = morning + day * 86_400_000 + n * 1000;
        await saveMark(
          stores,
          { v: 1, opId: `01JD${String(n).padStart(22, '0')}`, kind: 'check-in', kioskId: 'kiosk-0001', studentId: student, at },
          { offset: 0 },
        );
      }
    }
    const overlap = async (timeZone: string | undefined): Promise<number> => {
      let open = 0;
      let most = 0;
      // A long round trip, already measured: the scheduler keeps several requests in flight when the lanes let it.
      const link = new LinkEstimator();
      for (const bytes of [10_000, 20_000, 40_000, 80_000]) link.observe(bytes, 800 + bytes / 1000);
      const answered = await drainOutbox(
        delegate(
          async (body) => {
            open++;
            most = Math.max(most, open);
            await new Promise((resolve) => setTimeout(resolve, 30));
            open--;
            const batch = decodeBatch(body, { maxOps: 10 });
            return { v: 1, type: 'sync-result', receipts: toRuns(batch.ops.map((): Receipt => ({ status: 'applied' }))), serverTime: 0 };
          },
          { limits: { maxBodyBytes: 2048, maxOps: 3 }, link, timeZone, settle: async () => undefined },
        ),
      );
      expect(answered.ops).toBe(6);
      return most;
    };
    expect(await overlap(undefined)).toBe(1);
    expect(await overlap('Europe/London')).toBe(2);
  });

  it('stops when receipts cannot be settled, and keeps the ops they were for', async () => {
    await queue(6);
    const server = fakeServer();
    const failing = delegate(server.post, {
      limits: { maxBodyBytes: 1024 * 1024, maxOps: 3 },
      settle: async () => {
        throw new Error('QuotaExceededError');
      },
    });
    await expect(drainOutbox(failing)).rejects.toThrow('QuotaExceededError');
    expect(server.requests.length).toBeLessThanOrEqual(2);
    expect(await outbox.size()).toBe(6);
  });

  it('keeps everything queued and rethrows when sending keeps failing', async () => {
    await queue(5);
    const server = fakeServer(() => new DoorlineError('network-error'));
    await expect(drainOutbox(delegate(server.post))).rejects.toMatchObject({ code: 'network-error' });
    expect(await outbox.size()).toBe(5);
  });

  it('retries a failed request and delivers each op once', async () => {
    await queue(6);
    const server = fakeServer((_ops, call) => (call === 1 ? new DoorlineError('server-error') : (undefined as never)));
    await drainOutbox(delegate(server.post));
    expect(await outbox.size()).toBe(0);
    expect(server.requests.slice(1).flatMap((r) => r.ops.map((op) => op.seq))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses an answer whose receipts do not match the request, and keeps everything', async () => {
    await queue(4);
    const server = fakeServer((ops) => ops.slice(0, 2).map((): Receipt => ({ status: 'applied' })));
    await expect(drainOutbox(delegate(server.post))).rejects.toMatchObject({ code: 'bad-response' });
    expect(await outbox.size()).toBe(4);
  });

  it('stops at once, keeping the queue, when the kiosk is no longer paired', async () => {
    await queue(3);
    const server = fakeServer(() => new DoorlineError('device-unauthorized'));
    await expect(drainOutbox(delegate(server.post))).rejects.toMatchObject({ code: 'device-unauthorized' });
    expect(server.requests).toHaveLength(1);
    expect(await outbox.size()).toBe(3);
  });

  it('does not let a refused op block the ops behind it', async () => {
    await queue(3);
    const server = fakeServer((ops) =>
      ops.map((_op, i): Receipt => (i === 0 ? { status: 'rejected', code: 'unknown-student' } : { status: 'applied' })),
    );
    await drainOutbox(delegate(server.post));
    expect(await outbox.size()).toBe(0);
    expect(await stores.deadLetters.count()).toBe(1);
  });

  it('sends roll marks first and lets notes wait while Save-Data is on', async () => {
    await queue(1, 'kiosk-0001', 'note');
    await queue(2, 'kiosk-0001', 'check-in');
    await queue(1, 'kiosk-0001', 'status');
    const server = fakeServer();
    await drainOutbox(delegate(server.post, { holdLanes: new Set(['notes']) }));
    expect(server.requests.flatMap((r) => r.ops.map((op) => op.kind))).toEqual(['status', 'check-in', 'check-in']);
    expect((await outbox.waiting()).map((op) => op.kind)).toEqual(['note']);
  });

  it('reports progress as it goes', async () => {
    await queue(3000);
    const events: SyncProgress[] = [];
    const server = fakeServer();
    await drainOutbox(delegate(server.post, { limits: { maxBodyBytes: 4096, maxOps: 2000 }, onProgress: (p) => events.push(p) }));
    expect(events.length).toBe(server.requests.length);
    expect(events.at(-1)).toMatchObject({ lane: 'door', done: 3000, total: 3000, etaSeconds: 0 });
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b));
    expect(events.at(-1)?.bytesSent).toBe(server.requests.reduce((sum, r) => sum + r.bytes, 0));
  });
});

describe('singleFlight', () => {
  function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((res) => {
      resolve = res;
    });
    return { promise, resolve };
  }

  it('runs one pass however many triggers arrive at once, plus one more for triggers during it', async () => {
    const passes: Array<ReturnType<typeof deferred>> = [];
    const run = singleFlight(() => {
      const pass = deferred();
      passes.push(pass);
      return pass.promise;
    });
    const first = run();
    const second = run();
    const third = run();
    expect(passes).toHaveLength(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
    passes[0]?.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(passes).toHaveLength(2);
    passes[1]?.resolve();
    await first;
    expect(passes).toHaveLength(2);
  });

  it('starts afresh after a pass fails', async () => {
    let calls = 0;
    const run = singleFlight(async () => {
      calls++;
      if (calls === 1) throw new Error('offline');
    });
    await expect(run()).rejects.toThrow('offline');
    await run();
    expect(calls).toBe(2);
  });
});
