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

/** `receipts[i]` is the receipt for `sent[i]`. */
export async function settleReceipts(
  stores: WorkerStores,
  sent: readonly Pick<OutboxOp, 'seq' | 'opId'>[],
  receipts: readonly Receipt[],
  now: () => number = Date.now,
): Promise<SettleResult> {
  if (receipts.length !== sent.length) throw new Error(`settle: ${receipts.length} receipts for ${sent.length} ops`);
  const at = now();
  const { outbox, deadLetters, marks, meta } = stores;
  return stores.db.transaction('rw', [outbox.table, deadLetters.table, meta.table, marks.table], async () => {
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
    if (remove.length > 0) await meta.set('last-sync-at', at);
    return { removed: remove.length - dead.length, deadLettered: dead.length };
  });
}
