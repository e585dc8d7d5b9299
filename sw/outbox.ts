/**
 * The outbox: marks saved on this device until the server acknowledges them.
 *
 * Contract: `enqueue` resolves only after IndexedDB has committed the op, so a
 * 202 sent after it survives a closed tab or a killed browser. An op leaves the
 * outbox only through `settle`, with the server's receipt for exactly that op.
 */
import type { MarkState } from '../src/shared/office-protocol.ts';
import type { MarkInput, OutcomeStatus, Receipt } from '../src/shared/protocol.ts';
import { formatHlc, HLC_ZERO, parseHlc, tickHlc } from '../src/shared/hlc.ts';
import { finalOutcome } from '../src/shared/receipts.ts';
import type { DeadLetter, MetaKey, OutboxDb, OutboxOp } from './outbox-db.ts';

/** The kioskId a staff browser's ops carry: the server goes by the person's session, not by this. */
export const NO_KIOSK = 'staff-browser';

const MARK_STATE: Record<OutcomeStatus, MarkState> = { applied: 'sent', merged: 'merged', conflict: 'conflict', rejected: 'rejected' };

export interface SettleResult {
  removed: number;
  deadLettered: number;
}

export class Outbox {
  constructor(
    private readonly db: OutboxDb,
    private readonly now: () => number = Date.now,
    private readonly newDeviceId: () => string = () => crypto.randomUUID(),
  ) {}

  /** This device's identity, made on first use and kept for the life of the profile. */
  async deviceId(): Promise<string> {
    const known = await this.db.meta.get('device-id');
    if (typeof known?.value === 'string') return known.value;
    return this.db.transaction('rw', this.db.meta, async () => {
      const existing = await this.db.meta.get('device-id');
      if (typeof existing?.value === 'string') return existing.value;
      const id = this.newDeviceId();
      await this.db.meta.put({ key: 'device-id', value: id });
      return id;
    });
  }

  /**
   * Saves a mark under the next sequence number. The sequence counter and the
   * op are written in one transaction, so a number is never used twice; the
   * hybrid logical clock advances in the same transaction. Saving the same
   * opId again returns the op already saved.
   *
   * `offset`: the device's last measured clock offset (absent before its first
   * sync); `base`: the record version the mark was made against.
   */
  async enqueue(
    input: MarkInput,
    stamp: { offset?: number | undefined; base?: number } = {},
    /** Runs in the same transaction once the op is added (the day book's update): one durable commit, not two. */
    alongside?: (op: OutboxOp) => Promise<void>,
  ): Promise<{ op: OutboxOp; added: boolean }> {
    return this.db.transaction('rw', [this.db.outbox, this.db.meta, this.db.deadLetters, this.db.records, this.db.marks], async () => {
      const existing = (await this.db.outbox.where('opId').equals(input.opId).first()) ?? (await this.db.deadLetters.where('opId').equals(input.opId).first());
      if (existing) return { op: existing, added: false };
      const counter = await this.db.meta.get('next-seq');
      const seq = typeof counter?.value === 'number' ? counter.value : 1;
      const lastHlc = await this.db.meta.get('hlc');
      const hlc = tickHlc(typeof lastHlc?.value === 'string' ? parseHlc(lastHlc.value) : HLC_ZERO, input.at + (stamp.offset ?? 0));
      const op: OutboxOp = {
        seq,
        opId: input.opId,
        kind: input.kind,
        kioskId: input.kioskId ?? NO_KIOSK,
        studentId: input.studentId,
        at: input.at,
        session: input.session ?? 'day',
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.text === undefined ? {} : { text: input.text }),
        base: input.base ?? stamp.base ?? 0,
        ...(stamp.offset === undefined ? {} : { offset: stamp.offset }),
        hlc: formatHlc(hlc),
        queuedAt: this.now(),
      };
      await this.db.outbox.add(op);
      await this.db.meta.bulkPut([
        { key: 'next-seq', value: seq + 1 },
        { key: 'hlc', value: formatHlc(hlc) },
      ]);
      await alongside?.(op);
      return { op, added: true };
    });
  }

  async size(): Promise<number> {
    return this.db.outbox.count();
  }

  async deadLetterCount(): Promise<number> {
    return this.db.deadLetters.count();
  }

  /** The dead letters, newest first; `limit` of them when given. */
  async deadLetters(limit?: number): Promise<DeadLetter[]> {
    const newest = this.db.deadLetters.orderBy('seq').reverse();
    return (limit === undefined ? newest : newest.limit(limit)).toArray();
  }

  /** Every waiting op, oldest first (the lanes choose what goes next). */
  async waiting(limit = 10_000): Promise<OutboxOp[]> {
    return this.db.outbox.orderBy('seq').limit(limit).toArray();
  }

  /** Waiting ops saved after `seq`, oldest first, at most `limit` of them. */
  async waitingAfter(seq: number, limit: number): Promise<OutboxOp[]> {
    return this.db.outbox.where('seq').above(seq).limit(limit).toArray();
  }

  /**
   * Applies the server's receipts to the ops that were sent: `receipts[i]` is
   * the receipt for `sent[i]`. `applied` and `duplicate` remove the op,
   * `rejected` moves it to the dead letters. An op no longer in the outbox,
   * or replaced by another op under its seq, is left alone.
   */
  async settle(sent: readonly Pick<OutboxOp, 'seq' | 'opId'>[], receipts: readonly Receipt[]): Promise<SettleResult> {
    if (receipts.length !== sent.length) throw new Error(`settle: ${receipts.length} receipts for ${sent.length} ops`);
    const now = this.now();
    return this.db.transaction('rw', [this.db.outbox, this.db.deadLetters, this.db.meta, this.db.marks], async () => {
      const stored = await this.db.outbox.bulkGet(sent.map((op) => op.seq));
      const remove: number[] = [];
      const dead: DeadLetter[] = [];
      const states: Array<{ key: string; changes: { state: MarkState; conflictId: string | null } }> = [];
      receipts.forEach((receipt, i) => {
        const op = stored[i];
        if (!op || op.opId !== sent[i]?.opId) return;
        remove.push(op.seq);
        const outcome = finalOutcome(receipt);
        if (outcome.status === 'rejected') dead.push({ ...op, receipt, refusedAt: now });
        states.push({ key: op.opId, changes: { state: MARK_STATE[outcome.status], conflictId: outcome.status === 'conflict' ? outcome.conflictId : null } });
      });
      if (dead.length > 0) await this.db.deadLetters.bulkPut(dead);
      await this.db.outbox.bulkDelete(remove);
      // The roll shows where each of this device's marks stands.
      if (states.length > 0) await this.db.marks.bulkUpdate(states);
      if (remove.length > 0) await this.db.meta.put({ key: 'last-sync-at', value: now });
      return { removed: remove.length - dead.length, deadLettered: dead.length };
    });
  }

  async lastSyncAt(): Promise<number | null> {
    const entry = await this.db.meta.get('last-sync-at');
    return typeof entry?.value === 'number' ? entry.value : null;
  }

  /** How many ops wait, and when the oldest of them was saved: the device reports both at each sync. */
  async backlog(): Promise<{ depth: number; oldestAt: number | null }> {
    const [depth, oldest] = await Promise.all([this.db.outbox.count(), this.db.outbox.orderBy('seq').first()]);
    return { depth, oldestAt: oldest?.queuedAt ?? null };
  }

  async getMeta(key: MetaKey): Promise<unknown> {
    return (await this.db.meta.get(key))?.value;
  }

  async setMeta(key: MetaKey, value: unknown): Promise<void> {
    await this.db.meta.put({ key, value });
  }
}

