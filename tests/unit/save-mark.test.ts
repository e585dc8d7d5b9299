import { beforeEach, describe, expect, it } from 'vitest';
import type { MarkInput, Receipt } from '../../src/shared/protocol.ts';
import type { OutboxDb, OutboxOp } from '../../sw/outbox-db.ts';
import { saveMark, type MarkStamp } from '../../sw/save-mark.ts';
import { settleReceipts } from '../../sw/settle-receipts.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const KIOSK = 'kiosk-0001';
let counter = 0;
const fixture = useWorkerDb();
let db: OutboxDb;

function mark(studentId: string, opId = `01JD${String(++counter).padStart(22, '0')}`): MarkInput {
  return { v: 1, opId, kind: 'check-in', kioskId: KIOSK, studentId, at: 1_790_000_000_000 + counter };
}

beforeEach(() => {
  db = fixture.db;
});

/** The device's stores, with the two use cases that write the outbox: save a mark, settle receipts. */
function device(on: OutboxDb, now: () => number = Date.now, newDeviceId?: () => string) {
  const stores = workerStores(on, newDeviceId);
  return {
    enqueue: (input: MarkInput, stamp?: MarkStamp, alongside?: (op: OutboxOp) => Promise<void>) =>
      saveMark(stores, input, stamp, alongside, now),
    settle: (sent: readonly Pick<OutboxOp, 'seq' | 'opId'>[], receipts: readonly Receipt[], slice?: number) =>
      settleReceipts(stores, sent, receipts, now, slice),
    waiting: (limit?: number) => stores.outbox.waiting(limit),
    size: () => stores.outbox.size(),
    backlog: () => stores.outbox.backlog(),
    backlogAfter: (seq: number) => stores.outbox.backlogAfter(seq),
    deadLetters: (limit?: number) => stores.deadLetters.newest(limit),
    deadLetterCount: () => stores.deadLetters.count(),
    lastSyncAt: () => stores.meta.lastSyncAt(),
    deviceId: () => stores.meta.deviceId(),
  };
}

describe('saving marks and settling receipts', () => {
  it('gives each saved mark the next sequence number, starting at 1', async () => {
    const outbox = device(db);
    const seqs = [];
    for (const id of ['100001', '100002', '100003']) seqs.push((await outbox.enqueue(mark(id))).op.seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect((await outbox.waiting(10)).map((op) => op.studentId)).toEqual(['100001', '100002', '100003']);
  });

  it('keeps counting after the database is closed and opened again', async () => {
    await device(db).enqueue(mark('100001'));
    db = fixture.reopen();
    const { op } = await device(db).enqueue(mark('100002'));
    expect(op.seq).toBe(2);
  });

  it('never reuses a sequence number, even after the outbox empties', async () => {
    const outbox = device(db);
    const { op } = await outbox.enqueue(mark('100001'));
    await outbox.settle([op], [{ status: 'applied' }]);
    expect((await outbox.enqueue(mark('100002'))).op.seq).toBe(2);
  });

  it('saves a mark posted twice with the same opId once', async () => {
    const outbox = device(db);
    const input = mark('100001');
    const first = await outbox.enqueue(input);
    const second = await outbox.enqueue(input);
    expect(first.added).toBe(true);
    expect(second).toEqual({ op: first.op, added: false });
    expect(await outbox.size()).toBe(1);
  });

  it('gives concurrent marks distinct sequence numbers', async () => {
    const outbox = device(db);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => outbox.enqueue(mark(String(100001 + i)))));
    expect(new Set(results.map((r) => r.op.seq)).size).toBe(25);
  });

  it('returns the oldest ops first, up to the limit', async () => {
    const outbox = device(db);
    for (let i = 0; i < 5; i++) await outbox.enqueue(mark(String(100001 + i)));
    expect((await outbox.waiting(2)).map((op) => op.seq)).toEqual([1, 2]);
  });

  it('says how many ops wait and when the oldest was saved, in all or after a sequence number', async () => {
    let now = 1_790_000_000_000;
    const outbox = device(db, () => now);
    expect(await outbox.backlog()).toEqual({ depth: 0, oldestAt: null });
    for (let i = 0; i < 4; i++) {
      now += 1000;
      await outbox.enqueue(mark(String(100001 + i)));
    }
    expect(await outbox.backlog()).toEqual({ depth: 4, oldestAt: 1_790_000_001_000 });
    expect(await outbox.backlogAfter(2)).toEqual({ depth: 2, oldestAt: 1_790_000_003_000 });
    expect(await outbox.backlogAfter(4)).toEqual({ depth: 0, oldestAt: null });
  });

  it('removes an op only when its own receipt arrives', async () => {
    const outbox = device(db);
    const ops = [];
    for (let i = 0; i < 4; i++) ops.push((await outbox.enqueue(mark(String(100001 + i)))).op);
    const [a, b, c, d] = ops as [(typeof ops)[0], (typeof ops)[0], (typeof ops)[0], (typeof ops)[0]];
    const result = await outbox.settle(
      // What was sent as c's seq was another op: its receipt is not c's.
      [a, b, { seq: c.seq, opId: d.opId }],
      [{ status: 'applied' }, { status: 'duplicate', original: { status: 'applied' } }, { status: 'applied' }],
    );
    expect(result).toEqual({ removed: 2, deadLettered: 0 });
    expect((await outbox.waiting(10)).map((op) => op.seq)).toEqual([c.seq, d.seq]);
  });

  it('settles a chunk slice by slice, each op only with its own receipt, and counts each outcome once', async () => {
    const outbox = device(db);
    const ops: OutboxOp[] = [];
    for (let i = 0; i < 7; i++) ops.push((await outbox.enqueue(mark(String(100001 + i)))).op);
    const kept = ops[4] as OutboxOp;
    const sent = ops.map((op) => (op === kept ? { seq: op.seq, opId: (ops[6] as OutboxOp).opId } : op));
    const receipts: Receipt[] = ops.map((_, i) => (i === 2 ? { status: 'rejected', code: 'unknown-student' } : { status: 'applied' }));
    // Slices of three: [1 2 3] [4 5 6] [7]; the refusal sits in the first, the op sent under another's opId in the second.
    expect(await outbox.settle(sent, receipts, 3)).toEqual({ removed: 5, deadLettered: 1 });
    expect((await outbox.waiting(10)).map((op) => op.seq)).toEqual([kept.seq]);
    expect((await outbox.deadLetters()).map((dead) => dead.seq)).toEqual([(ops[2] as OutboxOp).seq]);
  });

  it('lets a check-in saved during a long settle commit before the settle ends', async () => {
    const outbox = device(db);
    const ops: OutboxOp[] = [];
    for (let i = 0; i < 40; i++) ops.push((await outbox.enqueue(mark(String(100001 + (i % 600))))).op);
    const events: string[] = [];
    const settling = outbox
      .settle(
        ops,
        ops.map(() => ({ status: 'applied' as const })),
        5,
      )
      .then(() => events.push('settled'));
    const saving = outbox.enqueue(mark('100500')).then(({ op }) => events.push(`saved ${op.seq}`));
    await Promise.all([settling, saving]);
    expect(events).toEqual(['saved 41', 'settled']);
    expect((await outbox.waiting(10)).map((op) => op.seq)).toEqual([41]);
  });

  it('refuses to settle when receipts and ops do not pair up', async () => {
    const outbox = device(db);
    const { op } = await outbox.enqueue(mark('100001'));
    await expect(outbox.settle([op], [])).rejects.toThrow();
    expect(await outbox.size()).toBe(1);
  });

  it('keeps what the page sent about the mark', async () => {
    const outbox = device(db);
    const { op } = await outbox.enqueue({ ...mark('100001'), kind: 'status', status: 'absent', session: 'P2', base: 3 });
    expect(op).toMatchObject({ kind: 'status', status: 'absent', session: 'P2', base: 3 });
    const { op: plain } = await outbox.enqueue(mark('100002'));
    expect(plain).toMatchObject({ session: 'day', base: 0 });
    expect(plain).not.toHaveProperty('status');
  });

  it('moves a refused op to the dead letters with its receipt', async () => {
    const outbox = device(db);
    const { op } = await outbox.enqueue(mark('999999'));
    const receipt = { status: 'rejected', code: 'unknown-student' } as const;
    expect(await outbox.settle([op], [receipt])).toEqual({ removed: 0, deadLettered: 1 });
    expect(await outbox.size()).toBe(0);
    const [dead] = await outbox.deadLetters();
    expect(dead).toMatchObject({ seq: op.seq, studentId: '999999', receipt });
  });

  it('treats a replayed rejection like the rejection itself', async () => {
    const outbox = device(db);
    const { op } = await outbox.enqueue(mark('999999'));
    await outbox.settle([op], [{ status: 'duplicate', original: { status: 'rejected', code: 'unknown-student' } }]);
    expect(await outbox.deadLetterCount()).toBe(1);
  });

  it('records when the server last acknowledged something', async () => {
    let now = 1000;
    const outbox = device(db, () => now);
    expect(await outbox.lastSyncAt()).toBeNull();
    const { op } = await outbox.enqueue(mark('100001'));
    now = 5000;
    await outbox.settle([op], [{ status: 'applied' }]);
    expect(await outbox.lastSyncAt()).toBe(5000);
  });

  it('keeps one device id for the life of the database', async () => {
    let made = 0;
    const outbox = device(db, Date.now, () => `device-${++made}-abcdef`);
    const first = await outbox.deviceId();
    expect(await outbox.deviceId()).toBe(first);
    expect(await device(db, Date.now, () => 'other-device-id').deviceId()).toBe(first);
    expect(made).toBe(1);
  });

  it('stamps each mark with its base and the measured offset, and nothing nobody reads', async () => {
    const outbox = device(db);
    const first = (await outbox.enqueue(mark('100001'), { offset: -7_200_000, base: 3 })).op;
    const second = (await outbox.enqueue({ ...mark('100002'), at: first.at - 60_000 }, { offset: -7_200_000 })).op;
    expect(first).toMatchObject({ base: 3, offset: -7_200_000 });
    expect(second.offset).toBe(-7_200_000);
    expect(second.base).toBe(0);
    expect(Object.keys(first).sort()).toEqual([
      'at',
      'base',
      'kind',
      'kioskId',
      'offset',
      'opId',
      'queuedAt',
      'seq',
      'session',
      'studentId',
    ]);
    const unmeasured = (await outbox.enqueue(mark('100003'))).op;
    expect(unmeasured.offset).toBeUndefined();
  });

  it('records where each sent mark stands: sent, merged, in conflict or refused', async () => {
    const outbox = device(db);
    const ops = [];
    for (let i = 0; i < 4; i++) {
      const { op } = await outbox.enqueue(mark(String(100001 + i)));
      await db.marks.put({
        opId: op.opId,
        session: 'day',
        studentId: op.studentId,
        kind: op.kind,
        at: op.at,
        state: 'waiting',
        conflictId: null,
      });
      ops.push(op);
    }
    await outbox.settle(ops, [
      { status: 'applied' },
      { status: 'merged', rule: 'door-evidence' },
      { status: 'conflict', conflictId: 'c-1' },
      { status: 'rejected', code: 'unknown-student' },
    ]);
    const marks = await db.marks.bulkGet(ops.map((op) => op.opId));
    expect(marks.map((m) => [m?.state, m?.conflictId])).toEqual([
      ['sent', null],
      ['merged', null],
      ['conflict', 'c-1'],
      ['rejected', null],
    ]);
    expect(await outbox.size()).toBe(0);
    expect(await outbox.deadLetterCount()).toBe(1);
  });
});
