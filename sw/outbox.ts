/**
 * The outbox store: marks saved on this device until the server acknowledges
 * them, under (deviceId, per-device sequence). Only this module reads or
 * writes it; saving a mark (sw/save-mark.ts) and settling receipts
 * (sw/settle-receipts.ts) are the use cases that add and remove ops.
 */
import type { OutboxDb, OutboxOp } from './outbox-db.ts';

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

  /** How many ops wait beside those `sent` (on the wire or answered), and when the oldest of them was saved: the device reports both. */
  async backlog(sent: ReadonlySet<number> = new Set()): Promise<{ depth: number; oldestAt: number | null }> {
    const left = () => this.db.outbox.where('seq').noneOf([...sent]);
    const [depth, oldest] = await Promise.all([left().count(), left().first()]);
    return { depth, oldestAt: oldest?.queuedAt ?? null };
  }
}
