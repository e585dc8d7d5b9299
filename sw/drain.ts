/**
 * The drain: sends the outbox to the server, batch by batch, oldest first,
 * and settles each batch with the server's receipts.
 *
 *   idle ──trigger──▶ running ──outbox empty──▶ idle
 *                       │  ▲
 *          trigger ─────┘  └── another pass if a trigger came while running
 *                       │
 *                       └──failure──▶ idle, error rethrown (queue untouched)
 *
 * However many triggers arrive (sync event, online, page message, start-up,
 * timer), one drain runs at a time; triggers during a drain share its promise
 * and cause one more pass, so ops saved mid-drain are not left behind.
 */
import { DoorlineError } from '../src/shared/error-codes.ts';
import { PROTOCOL_VERSION, type Op, type SyncRequest, type SyncResponse } from '../src/shared/protocol.ts';
import { fromRuns } from '../src/shared/receipts.ts';
import { selectNext } from './lanes.ts';
import type { OutboxOp } from './outbox-db.ts';
import type { Outbox } from './outbox.ts';

export const BATCH_SIZE = 200;

export interface DrainDelegate {
  outbox: Outbox;
  deviceId: () => Promise<string>;
  send: (request: SyncRequest) => Promise<SyncResponse>;
  /** Called after every settled batch and when a drain ends. */
  onProgress?: (progress: { sent: number; remaining: number }) => void;
  batchSize?: number;
}

/** One pass: send until the outbox is empty; throw on the first failure. */
export async function drainOutbox(delegate: DrainDelegate): Promise<number> {
  const batchSize = delegate.batchSize ?? BATCH_SIZE;
  const deviceId = await delegate.deviceId();
  let sent = 0;
  for (;;) {
    const waiting = await delegate.outbox.waiting();
    const first = waiting[0];
    if (!first) break;
    // One batch speaks for one kiosk; a device moved to another kiosk sends its old ops first.
    const ops = selectNext(
      waiting.filter((op) => op.kioskId === first.kioskId),
      { max: batchSize },
    );
    const response = await delegate.send({
      v: PROTOCOL_VERSION,
      type: 'sync',
      deviceId,
      kioskId: first.kioskId,
      ops: ops.map(toWireOp),
    });
    const receipts = fromRuns(response.receipts);
    if (receipts.length !== ops.length) throw new DoorlineError('bad-response', { problem: `${receipts.length} receipts for ${ops.length} ops` });
    const settled = await delegate.outbox.settle(ops, receipts);
    const progressed = settled.removed + settled.deadLettered;
    sent += progressed;
    delegate.onProgress?.({ sent, remaining: await delegate.outbox.size() });
    // A server that answers without receipting anything would loop forever.
    if (progressed === 0) throw new DoorlineError('bad-response', { problem: 'no op of the batch was acknowledged' });
  }
  return sent;
}

export function toWireOp(op: OutboxOp): Op {
  const { seq, opId, kind, studentId, at, session, status, text, base } = op;
  return { seq, opId, kind, studentId, at, session, base, ...(status === undefined ? {} : { status }), ...(text === undefined ? {} : { text }) };
}

/** Wraps `pass` so concurrent triggers share one run (and cause at most one more pass). */
export function singleFlight(pass: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
