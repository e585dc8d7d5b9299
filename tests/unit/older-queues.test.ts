import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../src/shared/batch-codec.ts';
import { LIMITS } from '../../src/shared/limits.ts';
import { toWireOp } from '../../sw/drain.ts';
import type { OutboxOp } from '../../sw/outbox-db.ts';

describe('an outbox an older worker wrote', () => {
  // Workers up to 0.2 kept a logical clock on every queued op.
  const queued = {
    seq: 4,
    opId: '01JF0000000000000000000004',
    kind: 'check-in',
    kioskId: 'kiosk-0001',
    studentId: '100001',
    at: 1_790_000_000_000,
    session: 'day',
    base: 0,
    offset: -1_250,
    hlc: '001789999998750:0003',
    queuedAt: 1_790_000_000_010,
  } as OutboxOp;

  it('is sent without the logical clock nothing reads, and decodes on the server', () => {
    const wire = toWireOp(queued);
    expect(wire).toEqual({ seq: 4, kind: 'check-in', studentId: '100001', at: 1_790_000_000_000, session: 'day', base: 0, offset: -1_250 });
    expect(
      decodeBatch(encodeBatch({ deviceId: 'device-abcdef01', kioskId: 'kiosk-0001', ops: [wire] }), { maxOps: LIMITS.maxOpsPerBatch }).ops,
    ).toEqual([wire]);
  });
});
