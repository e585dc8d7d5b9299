/**
 * Saving a mark: the use case that owns the transaction across the outbox,
 * the dead letters, the meta store (the sequence counter) and the
 * device's copy of today (records, marks).
 *
 * Contract: it resolves only after IndexedDB has committed, so a 202 sent
 * after it survives a closed tab or a killed browser. The sequence counter
 * and the op are written together, so a number is never used twice; saving
 * the same opId again returns the op already saved and changes nothing.
 */
import { DAY_SESSION } from '../src/shared/attendance-model.ts';
import type { MarkInput } from '../src/shared/protocol.ts';
import type { OutboxOp } from './outbox-db.ts';
import { NO_KIOSK } from './outbox.ts';
import type { WorkerStores } from './worker-stores.ts';

export interface MarkStamp {
  /** The device's last measured clock offset; absent before its first sync. */
  offset?: number | undefined;
  /** The record version the mark was made against. */
  base?: number;
}

export async function saveMark(
  stores: WorkerStores,
  input: MarkInput,
  stamp: MarkStamp = {},
  /** The day book's update of today, run in the same transaction: one durable commit, not two. */
  alongside?: (op: OutboxOp) => Promise<void>,
  now: () => number = Date.now,
): Promise<{ op: OutboxOp; added: boolean }> {
  const { outbox, deadLetters, meta, records, marks } = stores;
  return stores.db.transaction('rw', [outbox.table, meta.table, deadLetters.table, records.table, marks.table], async () => {
    const existing = (await outbox.byOpId(input.opId)) ?? (await deadLetters.byOpId(input.opId));
    if (existing) return { op: existing, added: false };
    const counter = await meta.get('next-seq');
    const seq = typeof counter === 'number' ? counter : 1;
    const op: OutboxOp = {
      seq,
      opId: input.opId,
      kind: input.kind,
      kioskId: input.kioskId ?? NO_KIOSK,
      studentId: input.studentId,
      at: input.at,
      session: input.session ?? DAY_SESSION,
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.text === undefined ? {} : { text: input.text }),
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      base: input.base ?? stamp.base ?? 0,
      ...(stamp.offset === undefined ? {} : { offset: stamp.offset }),
      queuedAt: now(),
    };
    await outbox.add(op);
    await meta.set('next-seq', seq + 1);
    await alongside?.(op);
    return { op, added: true };
  });
}
