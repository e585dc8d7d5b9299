/**
 * The outbox store: marks saved on this device until the server acknowledges
 * them, under (deviceId, per-device sequence). Only this module reads or
 * writes it; saving a mark (sw/save-mark.ts) and settling receipts
 * (sw/settle-receipts.ts) are the use cases that add and remove ops.
 */
import type { OutboxDb, OutboxOp } from './outbox-db.ts';

/** What a device still holds: how many ops, and when the oldest of them was saved (the device reports both). */
export interface Backlog {
  depth: number;
  oldestAt: number | null;
}

/** The kioskId a staff browser's ops carry: the server goes by the person's session, not by this. */
export const NO_KIOSK = 'staff-browser';

export class Outbox {
  constructor(private readonly db: OutboxDb) {}

  get table(): OutboxDb['outbox'] {
    return this.db.outbox;
  }

  size(): Promise<number> {
    return this.db.outbox.count();
  }

  /** Every waiting op, oldest first, up to `limit`. */
  waiting(limit = 10_000): Promise<OutboxOp[]> {
    return this.db.outbox.orderBy('seq').limit(limit).toArray();
  }

  /** Waiting ops saved after `seq`, oldest first, at most `limit` of them. */
  waitingAfter(seq: number, limit: number): Promise<OutboxOp[]> {
    return this.db.outbox.where('seq').above(seq).limit(limit).toArray();
  }

  byOpId(opId: string): Promise<OutboxOp | undefined> {
    return this.db.outbox.where('opId').equals(opId).first();
  }

  bySeq(seqs: readonly number[]): Promise<Array<OutboxOp | undefined>> {
    return this.db.outbox.bulkGet([...seqs]);
  }

  async add(op: OutboxOp): Promise<void> {
    await this.db.outbox.add(op);
  }

  async remove(seqs: readonly number[]): Promise<void> {
    await this.db.outbox.bulkDelete([...seqs]);
  }

  /** Every op waiting, and when the oldest was saved: two reads of the key, however long the queue. */
  async backlog(): Promise<Backlog> {
    return this.backlogAfter(0);
  }

  /** The ops saved after `seq`, and when the first of them was saved: a drain adds them to what it holds in memory. */
  async backlogAfter(seq: number): Promise<Backlog> {
    const after = () => this.db.outbox.where('seq').above(seq);
    const [depth, first] = await Promise.all([after().count(), after().first()]);
    return { depth, oldestAt: first?.queuedAt ?? null };
  }
}
