/**
 * The adaptive chunk scheduler: decides how big each request to /api/sync is,
 * how many are in flight, and what a failure means. It does no I/O; the
 * delegate takes chunks from the outbox, sends them, and owns time.
 *
 *   ┌─▶ sending: take(size) while fewer than inFlightLimit() are in flight
 *   │      │
 *   ├──────┼─ ack ─▶ measure the link; size ×2 at most, toward the estimate
 *   ├──────┼─ 413 ─▶ release; halve size; take the same ops again at once
 *   │      ├─ network, 5xx, 429, portal, bad answer ─▶ release; halve size on a timeout
 *   │      │     ├─▶ settling ─▶ backing off (1 s × 2^(n−1) jittered, or Retry-After) ─┐
 *   └──────┼─────┼────────────────────────────────────────────────────────────────────┘
 *          │     └─ the maxAttempts-th failure in a row ─▶ settling ─▶ failed
 *          ├─ unpaired, revoked, anything else ─▶ release ─▶ settling ─▶ failed
 *          └─ take() is null and nothing in flight ─▶ done
 *
 * "settling" launches nothing and waits for every request still in flight, so
 * no send outlives the run; "failed" rejects with the error that decided it.
 */
import { DoorlineError, isRetryable } from '../src/shared/error-codes.ts';
import { askedWaitMs, retryWaitMs } from './retry-backoff.ts';

export interface Chunk {
  /** Opaque to the scheduler. */
  id: number;
  ops: number;
  bytes: number;
}

export type ProgressEvent = { kind: 'sent'; chunk: Chunk; elapsedMs: number } | { kind: 'retry'; code: string; delayMs: number };

export interface SchedulerDelegate {
  /** Prepares the next chunk of about `targetBytes` encoded bytes (at most `maxOps` ops) from ops not yet sent or in flight, respecting dependency order; null when nothing can be sent now (empty, or only ops that wait for an in-flight chunk). */
  take(targetBytes: number, maxOps: number): Promise<Chunk | null>;
  /** Sends a chunk; resolves when the server has answered it (the delegate settles its receipts and keeps its ops out of `take` until then); rejects with a DoorlineError whose code classifies the failure. */
  send(chunk: Chunk): Promise<void>;
  /** Returns a chunk's ops to the queue after a failure (they will be taken again). */
  release(chunk: Chunk): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  onProgress?(event: ProgressEvent): void;
}

export interface SchedulerOptions {
  /** The server's advertised maximum body, in encoded bytes. */
  maxBytes: number;
  /** The server's advertised maximum ops per request. */
  maxOps: number;
  /** First chunk on a link with no measurement. */
  initialBytes?: number;
  /** How long one request should take on this link. */
  targetSeconds?: number;
  maxInFlight?: number;
  /** Consecutive failures (network, 5xx, portal, bad answer) before the run gives up. */
  maxAttempts?: number;
  /** Measurements carried between runs; updated in place. */
  link?: LinkEstimator;
}

export interface SchedulerResult {
  chunks: number;
  ops: number;
  bytes: number;
}

/** One second at 64 kbit/s, the slowest link Doorline serves. */
export const DEFAULT_INITIAL_BYTES = 8192;
export const DEFAULT_TARGET_SECONDS = 3;
export const DEFAULT_MAX_IN_FLIGHT = 3;
export const DEFAULT_MAX_ATTEMPTS = 4;
/** Below this a request is nearly all headers and round trip. */
export const MIN_CHUNK_BYTES = 512;
/** The server refused the request for its size: the same ops go again in smaller pieces. */
const TOO_LARGE = new Set<string>(['body-too-large', 'too-many-ops']);

/**
 * Two sizes must differ by this factor before the link estimator can tell
 * the round trip (same for every size) from transfer time (grows with size).
 */
const SIZE_CONTRAST = 1.5;

/** A request that has come back, one way or the other. */
interface Landed {
  serial: number;
  chunk: Chunk;
  probe: boolean;
  startedAt: number;
  epoch: number;
  stamp: DeliveryStamp;
  ok: boolean;
  error: unknown;
}

/** What a failed request means for the run: take again now, pause first, or stop. */
type Verdict = { kind: 'again' } | { kind: 'backoff'; code: string; ms: number } | { kind: 'stop'; error: unknown };

export async function runScheduler(delegate: SchedulerDelegate, options: SchedulerOptions): Promise<SchedulerResult> {
  const link = options.link ?? new LinkEstimator();
  const targetSeconds = options.targetSeconds ?? DEFAULT_TARGET_SECONDS;
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const clock = new DeliveryClock();

  /** Lowered for the rest of the run when the server refuses a size below what it advertised. */
  let byteCeiling = options.maxBytes;
  let opsCeiling = Math.max(1, options.maxOps);
  const clampBytes = (bytes: number): number => {
    const cap = Math.min(options.maxBytes, byteCeiling);
    return Math.round(Math.min(cap, Math.max(MIN_CHUNK_BYTES, bytes)));
  };

  /** Bytes that take `targetSeconds` on the measured link, round trip included; null before any measurement. */
  const estimateBytes = (): number | null => {
    const goodput = link.goodputBytesPerSec();
    if (link.sampleCount === 0 || goodput === null) return null;
    const rttSeconds = (link.rttMs() ?? 0) / 1000;
    // On a link whose round trip eats most of the target, pipelining hides it: keep chunks worth sending.
    const transferSeconds = Math.max(targetSeconds - rttSeconds, targetSeconds / 2);
    return goodput * transferSeconds;
  };

  let size = clampBytes(estimateBytes() ?? options.initialBytes ?? DEFAULT_INITIAL_BYTES);
  /** The last chunk was held below the size the link estimate asks for by the server's cap (ops or bytes). */
  let heldByCap = false;
  /** The next request goes at half size, to tell the round trip from transfer time (see SIZE_CONTRAST); the ones beside it at full size. */
  let probeNext = false;

  /** Requests in flight before any answer: one, or two when the first is held small by the ops cap (see the launch loop). */
  let firstRound = 1;
  /** Probes on the wire: the answer of one fits the round trip, so no other goes meanwhile. */
  let probing = 0;
  let failures = 0;
  /** Requests launched in one epoch fail together in one outage; only the first of them counts as an attempt. */
  let epoch = 0;
  let backoff: { code: string; ms: number } | null = null;
  let stop: { error: unknown } | null = null;
  let lastRefused: Chunk | null = null;
  const totals: SchedulerResult = { chunks: 0, ops: 0, bytes: 0 };

  /**
   * One request at a time until the link is measured (two when the first is
   * held small by the ops cap: the probe beside it), and again after a
   * failure until a success shows the link is back. Otherwise, when one
   * request would leave the link idle for more than a third of the time
   * (round trip over half the transfer time), keep enough requests in flight
   * to cover the round trip with transfers (the bandwidth-delay product):
   * 1 + ceil(rtt / transfer), up to maxInFlight. Below that threshold extra
   * requests gain little and cost a resend each when the link drops.
   *
   * A chunk held below the estimate by the server's cap (ops or bytes)
   * cannot grow to hide the round trip, and on a slow link a small chunk's
   * time is mostly the round trip and the server's answer, too little
   * transfer for the fit to tell apart from their jitter. Such chunks also
   * overlap as many as the estimate would carry in one request: no more
   * bytes in flight, and no more to resend when the link drops, than one
   * uncapped request. This holds from the first answer on: until the round
   * trip is fitted, the estimate counts the whole first request as transfer,
   * so it is low, never high, and the probe that fits the round trip goes
   * first among them instead of alone (alone, it cost a round trip and a
   * server's answer at the start of every backlog).
   */
  const inFlightLimit = (): number => {
    if (failures > 0) return 1;
    if (link.sampleCount === 0) return firstRound;
    const rtt = link.rttMs();
    const goodput = link.goodputBytesPerSec();
    const transferMs = goodput === null ? null : (size / goodput) * 1000;
    const hidingRtt = rtt === null || transferMs === null || rtt <= transferMs / 2 ? 1 : 1 + Math.ceil(rtt / transferMs);
    const estimate = estimateBytes();
    const underCap = heldByCap && estimate !== null ? Math.floor(estimate / size) : 1;
    return Math.min(maxInFlight, Math.max(hidingRtt, underCap));
  };

  const flights = new Map<number, Promise<Landed>>();
  let serial = 0;

  const launch = (chunk: Chunk, probe: boolean): void => {
    const startedAt = delegate.now();
    const flight = { serial: serial++, chunk, probe, startedAt, epoch, stamp: clock.onSend(startedAt) };
    if (probe) probing += 1;
    flights.set(
      flight.serial,
      (async (): Promise<Landed> => {
        try {
          await delegate.send(chunk);
          return { ...flight, ok: true, error: undefined };
        } catch (error) {
          return { ...flight, ok: false, error };
        }
      })(),
    );
  };

  const succeeded = (landed: Landed): void => {
    const now = delegate.now();
    const elapsedMs = now - landed.startedAt;
    const delivery = clock.onAck(landed.stamp, landed.chunk.bytes, now);
    const rtt = link.rttMs();
    if (delivery.includesRtt) link.observe(delivery.bytes, delivery.ms);
    else if (rtt !== null) link.observe(delivery.bytes, delivery.ms + rtt);
    else link.observe(landed.chunk.bytes, elapsedMs);

    failures = 0;
    lastRefused = null;
    totals.chunks += 1;
    totals.ops += landed.chunk.ops;
    totals.bytes += landed.chunk.bytes;

    const estimate = estimateBytes();
    let next = estimate === null ? size * 2 : Math.min(size * 2, estimate);
    // Asking for more bytes than a chunk stopped by the ops cap would bring no more ops.
    const opsCapped = landed.chunk.ops >= opsCeiling;
    if (opsCapped) next = Math.min(next, landed.chunk.bytes);
    // Held by the cap: this chunk was, or the next one will be (its bytes at this chunk's bytes per op reach the ops cap).
    // Judged for the next chunk too, so the chunk after the probe already overlaps instead of going alone.
    const bytesPerOp = landed.chunk.bytes / Math.max(1, landed.chunk.ops);
    heldByCap = opsCapped || next / bytesPerOp >= opsCeiling || next > Math.min(options.maxBytes, byteCeiling);
    // Same-size chunks cannot separate round trip from transfer (see SIZE_CONTRAST): send one half-size chunk to measure.
    // A round trip from the browser's connection hints does not count: goodput cannot be split with it.
    if (!link.fitsRoundTrip && probing === 0 && next < landed.chunk.bytes * SIZE_CONTRAST && next > landed.chunk.bytes / SIZE_CONTRAST) {
      probeNext = true;
    }
    size = clampBytes(next);
    delegate.onProgress?.({ kind: 'sent', chunk: landed.chunk, elapsedMs });
  };

  const failed = (landed: Landed): Verdict => {
    clock.onFail();
    delegate.release(landed.chunk);
    const { error, chunk } = landed;
    const code = error instanceof DoorlineError ? error.code : null;

    if (code !== null && TOO_LARGE.has(code)) {
      // A chunk that halving did not shrink (one op, or take() cannot cut finer) would be refused forever.
      const notSmaller = lastRefused !== null && chunk.bytes >= lastRefused.bytes && chunk.ops >= lastRefused.ops;
      if (chunk.ops <= 1 || notSmaller) return { kind: 'stop', error };
      lastRefused = chunk;
      size = clampBytes(Math.min(size, chunk.bytes) / 2);
      if (code === 'body-too-large') byteCeiling = size;
      else opsCeiling = Math.max(1, Math.min(opsCeiling, Math.floor(chunk.ops / 2)));
      delegate.onProgress?.({ kind: 'retry', code, delayMs: 0 });
      return { kind: 'again' };
    }

    if (code === null || !isRetryable(code)) return { kind: 'stop', error };

    if (code === 'network-error' && error instanceof DoorlineError && error.details?.['reason'] === 'timeout') {
      size = clampBytes(Math.min(size, chunk.bytes) / 2);
    }
    if (landed.epoch !== epoch) return { kind: 'again' };
    epoch += 1;
    failures += 1;
    if (failures >= maxAttempts) return { kind: 'stop', error };
    // A busy server's Retry-After (503, 429) outranks a shorter backoff of ours.
    return { kind: 'backoff', code, ms: retryWaitMs(failures, () => delegate.random(), askedWaitMs(error)) };
  };

  for (;;) {
    if (stop === null && backoff === null) {
      while (flights.size < inFlightLimit()) {
        let chunk: Chunk | null;
        try {
          chunk = await delegate.take(probeNext ? clampBytes(size / 2) : size, opsCeiling);
        } catch (error) {
          stop = { error };
          break;
        }
        if (chunk === null) break;
        launch(chunk, probeNext);
        probeNext = false;
        // The first chunk on an unmeasured link, held well below its size by the ops cap, leaves room in the bytes
        // that size allows for the probe that fits the round trip: it goes beside the chunk now, on a
        // connection of its own, not after the chunk's answer (a round trip and a server's answer later, at the
        // start of every backlog). Bytes in flight stay within one first request, as for the capped chunks above.
        // The probe is two thirds of the chunk, not half: whichever answers first, the second answer's sample
        // (both requests' bytes) still differs from the first's by SIZE_CONTRAST, so the round trip is fitted.
        if (serial === 1 && link.sampleCount === 0 && chunk.ops >= opsCeiling && (chunk.bytes * 5) / 3 <= size && !link.fitsRoundTrip) {
          size = clampBytes((chunk.bytes * 4) / 3);
          probeNext = true;
          firstRound = 2;
        }
      }
    }

    if (flights.size === 0) {
      if (stop !== null) throw stop.error;
      if (backoff === null) return totals;
      delegate.onProgress?.({ kind: 'retry', code: backoff.code, delayMs: backoff.ms });
      await delegate.sleep(backoff.ms);
      backoff = null;
      continue;
    }

    const landed = await Promise.race(flights.values());
    flights.delete(landed.serial);
    if (landed.probe) probing -= 1;
    if (landed.ok) {
      succeeded(landed);
      continue;
    }
    const verdict = failed(landed);
    if (verdict.kind === 'stop') stop ??= { error: verdict.error };
    else if (verdict.kind === 'backoff') backoff = verdict;
  }
}

interface DeliveryStamp {
  from: number;
  delivered: number;
  includesRtt: boolean;
}

/**
 * Turns acknowledgements into link samples, after TCP BBR's delivery rate
 * (https://datatracker.ietf.org/doc/html/draft-cheng-iccrg-delivery-rate-estimation).
 * A request that shared the link with others took longer than its own bytes
 * needed, so its sample is every byte acknowledged since the last
 * acknowledgement before it was sent, over the time since then. A sample
 * that starts when the link was idle contains one round trip; a sample that
 * starts at an earlier acknowledgement does not, and the caller adds one.
 */
class DeliveryClock {
  private inFlight = 0;
  private delivered = 0;
  private busySince = 0;
  /** The latest acknowledgement since the link last went idle. */
  private lastAckAt: number | null = null;

  onSend(now: number): DeliveryStamp {
    if (this.inFlight === 0) {
      this.busySince = now;
      this.lastAckAt = null;
    }
    this.inFlight += 1;
    return this.lastAckAt === null
      ? { from: this.busySince, delivered: this.delivered, includesRtt: true }
      : { from: this.lastAckAt, delivered: this.delivered, includesRtt: false };
  }

  onAck(stamp: DeliveryStamp, bytes: number, now: number): { bytes: number; ms: number; includesRtt: boolean } {
    this.inFlight -= 1;
    this.delivered += bytes;
    this.lastAckAt = now;
    return { bytes: this.delivered - stamp.delivered, ms: now - stamp.from, includesRtt: stamp.includesRtt };
  }

  onFail(): void {
    this.inFlight -= 1;
  }
}

/** Priors from navigator.connection: coarse, and `downlink` measures the other direction. */
export interface LinkPrior {
  rttMs?: number;
  downlinkKbps?: number;
}

export interface LinkEstimateJson {
  v: 1;
  /** Recent requests as [encoded bytes, elapsed ms], oldest first. */
  samples: Array<[number, number]>;
  fittedRttMs: number | null;
  prior: LinkPrior;
}

const WINDOW = 8;
/** A request at least this big takes long enough on any link Doorline serves to say something about its bandwidth. */
const BANDWIDTH_SAMPLE_BYTES = 16 * 1024;
/** Weight of the newest sample in the goodput average. */
const SMOOTHING = 0.3;
/** A sample that is nearly all round trip says little about bandwidth; it counts as at least this share of transfer. */
const MIN_TRANSFER_SHARE = 0.1;

/**
 * What the last requests say about the link. Each request takes one round
 * trip plus its bytes over the goodput: elapsed = rtt + bytes / goodput. A
 * least-squares line through recent (bytes, elapsed) pairs of different sizes
 * gives the round trip as its intercept, bounded by the smallest elapsed time
 * (small chunks are mostly round trip). Goodput is then bytes over
 * (elapsed − rtt), smoothed by an exponentially weighted average of bytes and
 * of transfer time. Until two sizes have been seen, the round trip is the
 * prior (from navigator.connection) or unknown, and goodput is bytes /
 * elapsed: a lower bound, so the next chunk is not oversized.
 */
export class LinkEstimator {
  private samples: Array<[number, number]> = [];
  private fittedRtt: number | null = null;
  private prior: LinkPrior = {};

  get sampleCount(): number {
    return this.samples.length;
  }

  /** Whether requests of different sizes have told the round trip from transfer time (a prior has not). */
  get fitsRoundTrip(): boolean {
    return this.fittedRtt !== null;
  }

  observe(bytes: number, elapsedMs: number): void {
    if (!(Number.isFinite(bytes) && Number.isFinite(elapsedMs) && bytes > 0 && elapsedMs > 0)) return;
    this.samples.push([bytes, elapsedMs]);
    if (this.samples.length > WINDOW) this.samples.shift();
    // With no contrast in sizes the line is undetermined; the previous fit still holds.
    this.fittedRtt = fitRoundTrip(this.samples) ?? this.fittedRtt;
  }

  rttMs(): number | null {
    return this.bounded(this.fittedRtt ?? this.prior.rttMs ?? null);
  }

  goodputBytesPerSec(): number | null {
    if (this.samples.length === 0) return this.prior.downlinkKbps === undefined ? null : (this.prior.downlinkKbps * 1000) / 8;
    // A prior round trip is too coarse to split a measured time with; until a fit does, all of it counts as transfer.
    const rtt = this.bounded(this.fittedRtt) ?? 0;
    let bytes = 0;
    let ms = 0;
    for (const [index, [sampleBytes, elapsed]] of this.samples.entries()) {
      const transfer = Math.max(elapsed - rtt, elapsed * MIN_TRANSFER_SHARE);
      const weight = index === 0 ? 1 : SMOOTHING;
      bytes += weight * (sampleBytes - bytes);
      ms += weight * (transfer - ms);
    }
    return (bytes / ms) * 1000;
  }

  /**
   * Whether a recent request was big enough for its time to be mostly
   * transfer. Below that (a few check-ins over a fast local link) bytes over
   * time measures the server's answer time, not the link, and says "poor"
   * about a link that is fine.
   */
  measuresBandwidth(): boolean {
    return this.samples.some(([bytes]) => bytes >= BANDWIDTH_SAMPLE_BYTES);
  }

  /** The quickest recent request: an upper bound on the round trip, known from the first sample. */
  quickestMs(): number | null {
    return this.samples.length === 0 ? null : Math.min(...this.samples.map(([, ms]) => ms));
  }

  /** No round trip is longer than the quickest request seen. */
  private bounded(rtt: number | null): number | null {
    return rtt === null ? null : Math.min(rtt, ...this.samples.map(([, ms]) => ms));
  }

  seed(prior: LinkPrior): void {
    this.prior = {
      ...(isPositive(prior.rttMs) ? { rttMs: prior.rttMs } : {}),
      ...(isPositive(prior.downlinkKbps) ? { downlinkKbps: prior.downlinkKbps } : {}),
    };
  }

  toJSON(): LinkEstimateJson {
    return { v: 1, samples: this.samples.map(([bytes, ms]) => [bytes, ms]), fittedRttMs: this.fittedRtt, prior: { ...this.prior } };
  }

  /** Throws a TypeError on anything but a version-1 estimate (an old row is only a hint; start afresh). */
  static from(json: unknown): LinkEstimator {
    assertLinkEstimateJson(json);
    const link = new LinkEstimator();
    link.samples = json.samples.slice(-WINDOW).map(([bytes, ms]) => [bytes, ms]);
    link.fittedRtt = json.fittedRttMs;
    link.seed(json.prior);
    return link;
  }
}

function fitRoundTrip(samples: ReadonlyArray<readonly [number, number]>): number | null {
  const sizes = samples.map(([bytes]) => bytes);
  if (samples.length < 2 || Math.max(...sizes) < Math.min(...sizes) * SIZE_CONTRAST) return null;
  const meanBytes = sizes.reduce((sum, bytes) => sum + bytes, 0) / samples.length;
  const meanMs = samples.reduce((sum, [, ms]) => sum + ms, 0) / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const [bytes, ms] of samples) {
    covariance += (bytes - meanBytes) * (ms - meanMs);
    variance += (bytes - meanBytes) ** 2;
  }
  const msPerByte = covariance / variance;
  // Bigger chunks arriving sooner is noise (a burst of cross traffic ended), not a link.
  if (!(msPerByte > 0)) return null;
  return Math.max(0, meanMs - msPerByte * meanBytes);
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function assertLinkEstimateJson(json: unknown): asserts json is LinkEstimateJson {
  const problem = (what: string): never => {
    throw new TypeError(`Not a link estimate: ${what}`);
  };
  if (typeof json !== 'object' || json === null) return problem('not an object');
  const value = json as Record<string, unknown>;
  if (value['v'] !== 1) problem('version');
  const samples = value['samples'];
  if (!Array.isArray(samples) || !samples.every((s: unknown) => Array.isArray(s) && s.length === 2 && isPositive(s[0]) && isPositive(s[1])))
    problem('samples');
  const fitted = value['fittedRttMs'];
  if (fitted !== null && !(typeof fitted === 'number' && Number.isFinite(fitted) && fitted >= 0)) problem('fittedRttMs');
  const prior = value['prior'];
  if (typeof prior !== 'object' || prior === null) return problem('prior');
  const { rttMs, downlinkKbps } = prior as Record<string, unknown>;
  if ((rttMs !== undefined && !isPositive(rttMs)) || (downlinkKbps !== undefined && !isPositive(downlinkKbps))) problem('prior');
}
