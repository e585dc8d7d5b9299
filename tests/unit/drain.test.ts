import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoorlineError } from '../../src/shared/error-codes.ts';
import type { Receipt, SyncRequest, SyncResponse } from '../../src/shared/protocol.ts';
import { toRuns } from '../../src/shared/receipts.ts';
import { drainOutbox, singleFlight } from '../../sw/drain.ts';
import { openOutboxDb, type OutboxDb } from '../../sw/outbox-db.ts';
import { Outbox } from '../../sw/outbox.ts';

let name: string;
let db: OutboxDb;
let outbox: Outbox;
let n = 0;

async function queue(count: number, kioskId = 'kiosk-0001'): Promise<void> {
  for (let i = 0; i < count; i++) {
    n++;
    await outbox.enqueue({ v: 1, opId: `01JD${String(n).padStart(22, '0')}`, kind: 'check-in', kioskId, studentId: String(100000 + n), at: 1_790_000_000_000 + n });
  }
}

/** A server that applies everything it is sent and remembers every batch. */
function fakeServer(respond?: (request: SyncRequest, call: number) => Receipt[] | Error) {
  const batches: SyncRequest[] = [];
  const send = async (request: SyncRequest): Promise<SyncResponse> => {
    batches.push(request);
    const answer = respond?.(request, batches.length) ?? request.ops.map(() => ({ status: 'applied' as const }));
    if (answer instanceof Error) throw answer;
    return { v: 1, type: 'sync-result', receipts: toRuns(answer), serverTime: Date.now() };
  };
  return { batches, send };
}

beforeEach(() => {
  name = `drain-test-${Math.random()}`;
  db = openOutboxDb(name);
  outbox = new Outbox(db);
});

afterEach(async () => {
  db.close();
  await indexedDB.deleteDatabase(name);
});

describe('drain', () => {
  it('sends everything oldest first, in batches, and empties the outbox', async () => {
    await queue(7);
    const server = fakeServer();
    const sent = await drainOutbox({ outbox, deviceId: () => outbox.deviceId(), send: server.send, batchSize: 3 });
    expect(sent).toBe(7);
    expect(server.batches.map((b) => b.ops.map((op) => op.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(await outbox.size()).toBe(0);
  });

  it('sends the device identity and the kiosk with every batch', async () => {
    await queue(2);
    const server = fakeServer();
    await drainOutbox({ outbox, deviceId: async () => 'device-abcdef01', send: server.send });
    expect(server.batches[0]).toMatchObject({ v: 1, type: 'sync', deviceId: 'device-abcdef01', kioskId: 'kiosk-0001' });
  });

  it('keeps a batch to one kiosk when the device moved between kiosks', async () => {
    await queue(2, 'kiosk-0001');
    await queue(1, 'kiosk-0002');
    const server = fakeServer();
    await drainOutbox({ outbox, deviceId: () => outbox.deviceId(), send: server.send });
    expect(server.batches.map((b) => [b.kioskId, b.ops.length])).toEqual([['kiosk-0001', 2], ['kiosk-0002', 1]]);
  });

  it('keeps everything queued and rethrows when sending fails', async () => {
    await queue(5);
    const server = fakeServer(() => new DoorlineError('network-error'));
    await expect(drainOutbox({ outbox, deviceId: () => outbox.deviceId(), send: server.send })).rejects.toMatchObject({ code: 'network-error' });
    expect(await outbox.size()).toBe(5);
  });

  it('resumes after a failure without resending what was acknowledged', async () => {
    await queue(6);
    const server = fakeServer((_request, call) => (call === 2 ? new DoorlineError('server-error') : undefined as never));
    const delegate = { outbox, deviceId: () => outbox.deviceId(), send: server.send, batchSize: 3 };
    await expect(drainOutbox(delegate)).rejects.toMatchObject({ code: 'server-error' });
    expect((await outbox.oldest(10)).map((op) => op.seq)).toEqual([4, 5, 6]);
    await drainOutbox(delegate);
    expect(server.batches.map((b) => b.ops[0]?.seq)).toEqual([1, 4, 4]);
    expect(await outbox.size()).toBe(0);
  });

  it('refuses an answer whose receipts do not match the batch, and keeps everything', async () => {
    await queue(4);
    const server = fakeServer((request) => request.ops.slice(0, 2).map(() => ({ status: 'applied' as const })));
    await expect(drainOutbox({ outbox, deviceId: () => outbox.deviceId(), send: server.send })).rejects.toMatchObject({ code: 'bad-response' });
    expect(await outbox.size()).toBe(4);
  });

  it('sends roll marks first and never a check-out before its check-in', async () => {
    const add = (seq: number, kind: 'check-in' | 'check-out' | 'status' | 'note', studentId: string) =>
      outbox.enqueue({ v: 1, opId: `01JE${String(seq).padStart(22, '0')}`, kind, kioskId: 'kiosk-0001', studentId, at: 1_790_000_000_000 + seq, ...(kind === 'status' ? { status: 'absent' as const } : {}), ...(kind === 'note' ? { text: 'Dentist at 10' } : {}) });
    await add(1, 'note', '100009');
    await add(2, 'check-in', '100001');
    await add(3, 'check-out', '100001');
    await add(4, 'status', '100002');
    const server = fakeServer();
    await drainOutbox({ outbox, deviceId: () => outbox.deviceId(), send: server.send });
    expect(server.batches[0]?.ops.map((op) => [op.seq, op.kind])).toEqual([[4, 'status'], [2, 'check-in'], [3, 'check-out'], [1, 'note']]);
  });

  it('does not let a refused op block the ops behind it', async () => {
    await queue(3);
    const server = fakeServer((request) =>
      request.ops.map((_op, i): Receipt => (i === 0 ? { status: 'rejected', code: 'unknown-student' } : { status: 'applied' })),
    );
    await drainOutbox({ outbox, deviceId: () => outbox.deviceId(), send: server.send });
    expect(await outbox.size()).toBe(0);
    expect(await outbox.deadLetterCount()).toBe(1);
  });
});

describe('singleFlight', () => {
  function deferred() {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
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
