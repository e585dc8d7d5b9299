/**
 * Settling receipts: the use case that owns the transaction across the
 * outbox, the dead letters, the device's marks and the meta store. An op
 * leaves the outbox only here, with the server's receipt for exactly that op:
 * `applied`, `merged`, `conflict` and `duplicate` remove it, `rejected` moves
 * it to the dead letters. An op no longer in the outbox, or replaced by
 * another op under its seq, is left alone.
 */
import type { MarkState } from '../src/shared/office-protocol.ts';
import type { OutcomeStatus, Receipt } from '../src/shared/protocol.ts';
import { finalOutcome } from '../src/shared/receipts.ts';
import type { DeadLetter, OutboxOp } from './outbox-db.ts';
import type { WorkerStores } from './worker-stores.ts';

const MARK_STATE: Record<OutcomeStatus, MarkState> = { applied: 'sent', merged: 'merged', conflict: 'conflict', rejected: 'rejected' };

export interface SettleResult {
  removed: number;
  deadLettered: number;
}

/**
 * Ops settled per transaction. IndexedDB runs overlapping readwrite
 * transactions one after another, and a check-in's save needs the outbox
 * too: a slice this size commits in a few milliseconds (about 0.35 ms an op on a busy two-core machine), so a check-in waits
 * behind one slice at most, never behind a whole 2,000-op answer. A worker
 * stopped between slices leaves the rest of the chunk waiting; it is sent
 * again and the server answers it as a duplicate, so nothing is lost or
 * counted twice.
 */
export const SETTLE_SLICE = 50;

/** `receipts[i]` is the receipt for `sent[i]`; settled in order, SETTLE_SLICE ops per transaction. */
export async function settleReceipts(
  stores: WorkerStores,
  sent: readonly Pick<OutboxOp, 'seq' | 'opId'>[],
  receipts: readonly Receipt[],
  now: () => number = Date.now,
  slice: number = SETTLE_SLICE,
): Promise<SettleResult> {
  if (receipts.length !== sent.length) throw new Error(`settle: ${receipts.length} receipts for ${sent.length} ops`);
  const result: SettleResult = { removed: 0, deadLettered: 0 };
  const step = Math.max(1, slice);
  for (let from = 0; from < sent.length; from += step) {
    const stamp = result.removed + result.deadLettered === 0;
    const settled = await settleSlice(stores, sent.slice(from, from + step), receipts.slice(from, from + step), now(), stamp);
    result.removed += settled.removed;
    result.deadLettered += settled.deadLettered;
  }
  return result;
}

function settleSlice(
  stores: WorkerStores,
  sent: readonly Pick<OutboxOp, 'seq' | 'opId'>[],
  receipts: readonly Receipt[],
  at: number,
  /** Whether this slice records when the device last synced: the first slice that settles anything does. */
  stamp: boolean,
): Promise<SettleResult> {
  const { outbox, deadLetters, marks, meta } = stores;
  // Only that slice holds the meta store, where each request's headers are read (the token, the change cursor):
  // a read there waited behind every slice of the answers just in, up to 66 ms before a request of the backlog.
  const tables = [outbox.table, deadLetters.table, marks.table, ...(stamp ? [meta.table] : [])];
  return stores.db.transaction('rw', tables, async () => {
    const stored = await outbox.bySeq(sent.map((op) => op.seq));
    const remove: number[] = [];
    const dead: DeadLetter[] = [];
    const states: Array<{ opId: string; state: MarkState; conflictId: string | null }> = [];
    receipts.forEach((receipt, i) => {
      const op = stored[i];
      if (!op || op.opId !== sent[i]?.opId) return;
      remove.push(op.seq);
      const outcome = finalOutcome(receipt);
      if (outcome.status === 'rejected') dead.push({ ...op, receipt, refusedAt: at });
      states.push({
        opId: op.opId,
        state: MARK_STATE[outcome.status],
        conflictId: outcome.status === 'conflict' ? outcome.conflictId : null,
      });
    });
    await deadLetters.keep(dead);
    await outbox.remove(remove);
    // The roll shows where each of this device's marks stands.
    await marks.setStates(states);
    if (stamp && remove.length > 0) await meta.set('last-sync-at', at);
    return { removed: remove.length - dead.length, deadLettered: dead.length };
  });
}
