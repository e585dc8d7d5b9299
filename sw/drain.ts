/**
 * The drain: sends the outbox to the server until it is empty. The lanes
 * choose which ops go next, the scheduler decides how many bytes each request
 * carries and how many are in flight, the batch codec encodes them and gzip
 * compresses them. An op leaves the outbox only with its receipt.
 *
 * However many triggers arrive (sync event, online, page message, start-up,
 * timer), one drain runs at a time (`singleFlight`); triggers during a drain
 * share its promise and cause one more pass, so ops saved mid-drain are sent.
 *
 * The drain reads each waiting op once, by sequence, into a window of up to
 * WINDOW_OPS ops the lanes choose from: each chunk reads at most a page of
 * ops it has not read yet (an index range that is empty once the backlog is
 * in), not the whole queue again, so a check-in saved meanwhile never waits
 * behind a long read; a page is read READ_PAGE_OPS at a time for the same
 * reason. Acknowledged ops leave the window; failed ones stay.
 *
 * Receipts settle behind the answers, one chunk after another, while the
 * next request is on the wire: the link is timed without the settle, and a
 * pass ends only once every answer it had is settled. An answered op leaves
 * the window at once: the server has it, so the ops the lanes hold behind it
 * go without waiting for its settle (the scheduler ends a pass when take()
 * finds nothing with nothing in flight), and a settle that fails stops the
 * drain with the op still queued, to be answered as a duplicate next time.
 */
import { encodeBatch } from '../src/shared/batch-codec.ts';
import { DoorlineError, isErrorCode, type ErrorCode } from '../src/shared/error-codes.ts';
import type { Op, Receipt, SyncLimits, SyncResponse } from '../src/shared/protocol.ts';
import { fromRuns } from '../src/shared/receipts.ts';
import type { LaneName, SyncProgress } from '../src/shared/worker-messages.ts';
import { runScheduler, type LinkEstimator, type SchedulerDelegate } from './chunk-scheduler.ts';
import { laneOf, selectNext } from './lanes.ts';
import { recordDaysIn } from './record-days.ts';
import type { OutboxOp } from './outbox-db.ts';
import type { Backlog, Outbox } from './outbox.ts';

export type BodyEncoding = 'gzip' | 'identity';

export interface DrainDelegate {
  outbox: Pick<Outbox, 'size' | 'waitingAfter' | 'backlogAfter'>;
  /** Applies a chunk's receipts (sw/settle-receipts.ts): the only way an op leaves the outbox. */
  settle: (sent: readonly OutboxOp[], receipts: readonly Receipt[]) => Promise<unknown>;
  deviceId: string;
  limits: SyncLimits;
  link: LinkEstimator;
  /** Lanes that wait (notes while Save-Data is on). */
  holdLanes: ReadonlySet<LaneName>;
  /** The school's time zone, once known: ops of different school days then travel in overlapping requests. */
  timeZone?: string | undefined;
  compress: (bytes: Uint8Array) => Promise<{ body: Uint8Array; encoding: BodyEncoding }>;
  /** `held`: what the device still holds beside this pass's ops on the wire or answered, this request's included. */
  post: (body: Uint8Array, encoding: BodyEncoding, timeoutMs: number, held: Backlog) => Promise<SyncResponse>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onProgress?: (progress: SyncProgress) => void;
  /** A request failed and the scheduler waits `delayMs` before trying again. */
  onRetry?: (code: ErrorCode, delayMs: number) => void;
}

export interface DrainSummary {
  ops: number;
  bytes: number;
  serverTime: number | null;
}

/**
 * First guess at a gzipped op's size, before any chunk has been measured
 * (about 4.3 bytes for a morning's check-ins: `npm run bench -- wire`). A
 * guess on the low side is trimmed to the byte budget before sending.
 */
const INITIAL_BYTES_PER_OP = 4;
/** Shortest time a request may take before it counts as timed out. */
const MIN_TIMEOUT_MS = 20_000;
/**
 * Ops read per IndexedDB transaction. A check-in's save waits for a read of
 * the outbox already under way: a page this size is read in a few
 * milliseconds, and the save runs between two pages.
 */
export const READ_PAGE_OPS = 250;
/** Ops the lanes choose among at once: a few requests' worth, so a roll mark behind a long backlog still goes first. */
export const WINDOW_OPS = 10_000;

interface InFlight {
  ops: OutboxOp[];
  body: Uint8Array;
  encoding: BodyEncoding;
}

export function toWireOp(op: OutboxOp): Op {
  const { seq, kind, studentId, at, session, status, text, reason, base, offset } = op;
  return {
    seq,
    kind,
    studentId,
    at,
    session,
    base,
    ...(status === undefined ? {} : { status }),
    ...(text === undefined ? {} : { text }),
    ...(reason === undefined ? {} : { reason }),
    ...(offset === undefined ? {} : { offset }),
  };
}

/** One pass: send until nothing is left to send; rejects (queue kept) when the scheduler gives up. */
export async function drainOutbox(d: DrainDelegate): Promise<DrainSummary> {
  const inFlight = new Map<number, InFlight>();
  const inFlightSeqs = new Set<number>();
  const started = d.now();
  let nextId = 1;
  let bytesPerOp = INITIAL_BYTES_PER_OP;
  let done = 0;
  /** Ops answered by the server whose receipts have not settled yet. */
  let unsettled = 0;
  let bytesSent = 0;
  let total = await d.outbox.size();
  let serverTime: number | null = null;
  /** Waiting ops read so far and not yet acknowledged, by seq; `readTo`: the highest seq read. */
  const window = new Map<number, OutboxOp>();
  /** The school days of each op in the window, worked out once as it is read. */
  const daysInWindow = new Map<number, readonly string[] | undefined>();
  const recordDays = recordDaysIn(d.timeZone);
  let readTo = 0;
  const refill = async (most = Infinity): Promise<void> => {
    let room = Math.min(WINDOW_OPS - window.size, 2 * d.limits.maxOps, most);
    while (room > 0) {
      const page = await d.outbox.waitingAfter(readTo, Math.min(room, READ_PAGE_OPS));
      for (const op of page) {
        window.set(op.seq, op);
        daysInWindow.set(op.seq, recordDays(op));
        readTo = Math.max(readTo, op.seq);
      }
      room -= page.length;
      if (page.length < READ_PAGE_OPS) break;
    }
    total = Math.max(total, done + unsettled + window.size);
  };
  /**
   * The pages for the next chunk are read while this one is on the wire: a
   * read waits behind each settle transaction on the outbox, and eight of
   * them in a row after an answer held the next request back. The next take
   * still reads a page of what was saved since, so a check-in made meanwhile
   * is not a chunk late.
   */
  let readingAhead = null as Promise<void> | null;
  const readAhead = (): void => {
    if (readingAhead !== null) return;
    // A failed read is met again by the next take, which reads again.
    const reading: Promise<void> = refill()
      .catch(() => undefined)
      .finally(() => {
        readingAhead = null;
      });
    readingAhead = reading;
  };

  /**
   * What the device holds beside the ops on the wire and those answered: the
   * ops read and not in flight (the window drops an op once answered), and
   * the ops saved after the last one read. Worked out from memory and one
   * key range, not by walking the outbox past every op sent: that walk, for
   * each request, took a 20,000-op backlog from 6 s to 20 s and held every
   * check-in made meanwhile behind it.
   */
  const stillHeld = async (): Promise<Backlog> => {
    const unread = await d.outbox.backlogAfter(readTo);
    let depth = unread.depth;
    let oldestAt = unread.oldestAt;
    for (const op of window.values()) {
      if (inFlightSeqs.has(op.seq)) continue;
      depth += 1;
      if (oldestAt === null || op.queuedAt < oldestAt) oldestAt = op.queuedAt;
    }
    return { depth, oldestAt };
  };

  const encode = async (ops: OutboxOp[]): Promise<{ body: Uint8Array; encoding: BodyEncoding }> => {
    const kioskId = (ops[0] as OutboxOp).kioskId;
    return d.compress(encodeBatch({ deviceId: d.deviceId, kioskId, ops: ops.map(toWireOp) }));
  };

  const forget = (id: number): InFlight | undefined => {
    const entry = inFlight.get(id);
    inFlight.delete(id);
    for (const op of entry?.ops ?? []) inFlightSeqs.delete(op.seq);
    return entry;
  };

  /** Receipts settle one chunk after another, in the order the answers came; a failure stops the drain, its ops still queued. */
  let settling: Promise<void> = Promise.resolve();
  let settleFailure = null as { error: unknown } | null;

  const delegate: SchedulerDelegate = {
    async take(targetBytes, maxOps) {
      if (settleFailure) throw settleFailure.error;
      // With a chunk's worth of ops in hand the chunk goes at once: a read now would wait behind the settle
      // transactions of the answers just in (IndexedDB runs them in order), and held the requests that
      // should overlap one behind another. What was saved meanwhile goes in the next chunk.
      const inHand = window.size - inFlightSeqs.size;
      if (inHand < Math.min(maxOps, d.limits.maxOps, Math.max(1, Math.floor(targetBytes / bytesPerOp)))) {
        const ahead = readingAhead;
        await ahead;
        // After a read ahead, one page picks up what was saved since it began.
        await refill(ahead ? READ_PAGE_OPS : Infinity);
      }
      const candidates = selectNext([...window.values()], {
        max: Math.min(maxOps, d.limits.maxOps),
        inFlight: inFlightSeqs,
        holdLanes: d.holdLanes,
        daysOf: (op) => daysInWindow.get(op.seq),
      });
      const first = candidates[0];
      if (!first) return null;
      // One request speaks for one kiosk; stopping at the first op of another
      // kiosk keeps the lanes' dependency order.
      const cut = candidates.findIndex((op) => op.kioskId !== first.kioskId);
      const eligible = cut === -1 ? candidates : candidates.slice(0, cut);
      let n = Math.max(1, Math.min(eligible.length, Math.floor(targetBytes / bytesPerOp)));
      let encoded = await encode(eligible.slice(0, n));
      const budget = Math.min(targetBytes, d.limits.maxBodyBytes);
      /** The ops that would fill 95% of the budget at this encoding's size per op. */
      const refit = (): number => Math.max(1, Math.min(eligible.length, Math.floor((n * budget * 0.95) / encoded.body.length)));
      // A small chunk (the probe) packs worse than a big one: its size per op left the next chunks up to a third short of their budget.
      if (n < eligible.length && encoded.body.length < budget * 0.8) {
        n = refit();
        encoded = await encode(eligible.slice(0, n));
      }
      // The size per op is only an estimate: trim until the chunk fits its budget and the server's cap.
      for (let tries = 0; encoded.body.length > budget && n > 1 && tries < 4; tries++) {
        n = refit();
        encoded = await encode(eligible.slice(0, n));
      }
      bytesPerOp = encoded.body.length / n;
      const ops = eligible.slice(0, n);
      const id = nextId++;
      inFlight.set(id, { ops, ...encoded });
      for (const op of ops) inFlightSeqs.add(op.seq);
      readAhead();
      return { id, ops: n, bytes: encoded.body.length };
    },

    async send(chunk) {
      const entry = inFlight.get(chunk.id);
      if (!entry) throw new DoorlineError('bad-response', { problem: `chunk ${chunk.id} is not in flight` });
      const response = await d.post(entry.body, entry.encoding, timeoutFor(d.link, entry.body.length), await stillHeld());
      const receipts = fromRuns(response.receipts);
      if (receipts.length !== entry.ops.length) {
        throw new DoorlineError('bad-response', { problem: `${receipts.length} receipts for ${entry.ops.length} ops` });
      }
      // The answer is in: the scheduler times the link up to here, and the next request
      // goes out while these receipts settle. The server has these ops now, so the ops that
      // waited for them may go at once; they leave the window here and the outbox once settled.
      forget(chunk.id);
      for (const op of entry.ops) {
        window.delete(op.seq);
        daysInWindow.delete(op.seq);
      }
      unsettled += entry.ops.length;
      settling = settling.then(async () => {
        if (settleFailure) return;
        try {
          await d.settle(entry.ops, receipts);
        } catch (error) {
          settleFailure = { error };
          return;
        }
        unsettled -= entry.ops.length;
        done += entry.ops.length;
        bytesSent += entry.body.length;
        serverTime = response.serverTime;
        const seconds = Math.max(0.001, (d.now() - started) / 1000);
        const rate = done / seconds;
        const remaining = Math.max(0, total - done);
        d.onProgress?.({
          lane: laneOf(entry.ops[0] as OutboxOp) satisfies LaneName,
          done,
          total: Math.max(total, done),
          bytesSent,
          rate: Math.round(rate * 10) / 10,
          etaSeconds: remaining === 0 ? 0 : rate > 0 ? Math.round(remaining / rate) : null,
        });
      });
    },

    release(chunk) {
      forget(chunk.id);
    },

    now: d.now,
    sleep: d.sleep,
    random: d.random,
    onProgress(event) {
      if (event.kind === 'retry' && isErrorCode(event.code)) d.onRetry?.(event.code, event.delayMs);
    },
  };

  try {
    await runScheduler(delegate, { maxBytes: d.limits.maxBodyBytes, maxOps: d.limits.maxOps, link: d.link });
  } finally {
    // No settle outlives the pass: the next pass (one at a time) reads the outbox as settled.
    await settling;
    await readingAhead?.catch(() => undefined);
  }
  if (settleFailure) throw settleFailure.error;
  return { ops: done, bytes: bytesSent, serverTime };
}

/** Long enough for the request on this link, several times over, so only a stalled link times out. */
function timeoutFor(link: LinkEstimator, bytes: number): number {
  const rtt = link.rttMs() ?? 1000;
  const goodput = link.goodputBytesPerSec();
  const expected = rtt + (goodput ? (bytes / goodput) * 1000 : bytes / 8);
  return Math.max(MIN_TIMEOUT_MS, Math.round(expected * 4));
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
