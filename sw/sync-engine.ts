/**
 * Runs drains and keeps what the pages are shown: phase, progress, network
 * quality, storage, refusals. Every trigger goes through `sync()`; the `sync`
 * event awaits it and so sees a failure (the browser then retries); other
 * triggers only report it.
 *
 *   idle ──trigger──▶ sending ──outbox empty──▶ idle
 *                        │
 *                        ├─ network, 5xx, portal, bad answer ──▶ waiting-for-network
 *                        │     (Background Sync registered, retry timer set)
 *                        └─ unpaired, revoked, refused batch ──▶ held (a person must act)
 */
import { DoorlineError, type ErrorCode, type OpErrorCode } from '../src/shared/error-codes.ts';
import { LIMITS } from '../src/shared/limits.ts';
import { PROTOCOL_VERSION, type SyncLimits, type SyncResponse } from '../src/shared/protocol.ts';
import { finalOutcome } from '../src/shared/receipts.ts';
import type { LaneName, NetworkQualityReport, StorageReport, SyncPhase, SyncProgress, WorkerStatus } from '../src/shared/worker-messages.ts';
import { LinkEstimator } from './chunk-scheduler.ts';
import { drainOutbox, singleFlight, type BodyEncoding } from './drain.ts';
import type { KioskCache } from './kiosk-cache.ts';
import { networkQuality, type ConnectionHints } from './network-quality.ts';
import type { Outbox } from './outbox.ts';

/** Failures that mean "the server was not reached": wait for the network and try again. */
const TRANSIENT: readonly ErrorCode[] = ['network-error', 'server-error', 'captive-portal', 'bad-response'];
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 120_000;
const RECENT_DEAD_LETTERS = 20;

export interface SyncEngineDelegate {
  outbox: Outbox;
  kiosk: KioskCache;
  compress: (bytes: Uint8Array) => Promise<{ body: Uint8Array; encoding: BodyEncoding }>;
  post: (body: Uint8Array, encoding: BodyEncoding, timeoutMs: number) => Promise<SyncResponse>;
  publish: (status: WorkerStatus) => Promise<void>;
  /** Asks the browser to fire a `sync` event when it is online again (Background Sync). */
  requestBackgroundSync: () => Promise<void>;
  setTimer: (callback: () => void, ms: number) => unknown;
  /** False only when the browser knows there is no network (navigator.onLine); true proves nothing. */
  isOnline: () => boolean;
  connection?: () => ConnectionHints | undefined;
  storageEstimate?: () => Promise<StorageReport | null>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class SyncEngine {
  private phase: SyncPhase = 'idle';
  private lastError: ErrorCode | null = null;
  private progress: SyncProgress | null = null;
  private quality: NetworkQualityReport | null = null;
  private failures = 0;
  private retryTimer: unknown = null;
  readonly sync: () => Promise<void>;

  constructor(private readonly d: SyncEngineDelegate) {
    this.sync = singleFlight(() => this.pass());
  }

  /** Leaves `held` once a person has acted (the kiosk was paired again, say); the next trigger sends. */
  resume(): void {
    if (this.phase !== 'held') return;
    this.phase = 'idle';
    this.lastError = null;
  }

  /** A trigger that nobody awaits: failures are already reported to the pages. */
  kick(): Promise<void> {
    return this.sync().catch(() => undefined);
  }

  async status(): Promise<WorkerStatus> {
    const [waiting, deadLetters, rosterSize, lastSyncAt, storage, recent] = await Promise.all([
      this.d.outbox.size(),
      this.d.outbox.deadLetterCount(),
      this.d.kiosk.rosterSize(),
      this.d.outbox.lastSyncAt(),
      this.d.storageEstimate?.().catch(() => null) ?? Promise.resolve(null),
      this.d.outbox.deadLetters(RECENT_DEAD_LETTERS),
    ]);
    return {
      v: PROTOCOL_VERSION,
      type: 'status',
      phase: this.phase,
      progress: this.phase === 'sending' ? this.progress : null,
      quality: this.quality ?? this.measureQuality(null),
      storage,
      recentDeadLetters: recent.map((dead) => ({
        seq: dead.seq,
        kind: dead.kind,
        studentId: dead.studentId,
        at: dead.at,
        code: (finalOutcome(dead.receipt) as { code: OpErrorCode }).code,
      })),
      waiting,
      deadLetters,
      rosterSize,
      lastError: this.lastError,
      lastSyncAt,
    };
  }

  async publish(): Promise<void> {
    await this.d.publish(await this.status());
  }

  private measureQuality(link: LinkEstimator | null): NetworkQualityReport {
    const connection = this.d.connection?.();
    return networkQuality({
      rttMs: link?.rttMs() ?? null,
      goodputBytesPerSec: link?.goodputBytesPerSec() ?? null,
      recentFailures: this.failures,
      ...(connection ? { connection } : {}),
    });
  }

  private async loadLink(): Promise<LinkEstimator> {
    const saved = await this.d.outbox.getMeta('link-estimate');
    if (saved) {
      try {
        return LinkEstimator.from(saved);
      } catch {
        // A link estimate from an older version is only a hint; start afresh.
      }
    }
    const link = new LinkEstimator();
    const hints = this.d.connection?.();
    if (hints?.rtt !== undefined || hints?.downlink !== undefined) {
      link.seed({ ...(hints.rtt === undefined ? {} : { rttMs: hints.rtt }), ...(hints.downlink === undefined ? {} : { downlinkKbps: hints.downlink * 1000 }) });
    }
    return link;
  }

  private async pass(): Promise<void> {
    if ((await this.d.outbox.size()) === 0) {
      this.phase = 'idle';
      return;
    }
    this.phase = 'sending';
    this.progress = null;
    // Telling the pages must not delay the first byte on the wire.
    void this.publish();
    const link = await this.loadLink();
    try {
      // With no network at all a request would only fail; the `sync` event or `online` comes back for it.
      if (!this.d.isOnline()) throw new DoorlineError('network-error', { reason: 'offline' });
      this.quality = this.measureQuality(link);
      const holdLanes = new Set<LaneName>(this.quality.saveData ? ['notes'] : []);
      const config = await this.d.kiosk.config();
      const limits: SyncLimits = config?.syncLimits ?? { maxBodyBytes: LIMITS.maxBodyBytes, maxOps: LIMITS.maxOpsPerBatch };
      await drainOutbox({
        outbox: this.d.outbox,
        deviceId: await this.d.outbox.deviceId(),
        limits,
        link,
        holdLanes,
        compress: this.d.compress,
        post: this.d.post,
        now: this.d.now ?? Date.now,
        sleep: this.d.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        random: this.d.random ?? Math.random,
        onProgress: (progress) => {
          this.phase = 'sending';
          this.lastError = null;
          this.progress = progress;
          void this.publish();
        },
        onRetry: (code) => {
          // While the scheduler backs off, the page says why nothing moves.
          if (!TRANSIENT.includes(code)) return;
          this.phase = 'waiting-for-network';
          this.lastError = code;
          void this.publish();
        },
      });
      this.phase = 'idle';
      this.lastError = null;
      this.failures = 0;
    } catch (error) {
      const code = error instanceof DoorlineError ? error.code : 'bad-response';
      this.lastError = code;
      this.phase = TRANSIENT.includes(code) ? 'waiting-for-network' : 'held';
      this.failures += 1;
      if (this.phase === 'waiting-for-network') {
        // A registration made while online fires at once, which would retry in
        // a tight loop; online, the browser already retries a failed `sync`
        // event by itself and the timer below covers the rest.
        if (!this.d.isOnline()) await this.d.requestBackgroundSync().catch(() => undefined);
        this.scheduleRetry();
      }
      throw error;
    } finally {
      this.quality = this.measureQuality(link);
      await this.d.outbox.setMeta('link-estimate', link.toJSON());
      await this.publish();
    }
  }

  /**
   * While the worker is alive it retries by itself with capped, jittered
   * backoff; browsers without Background Sync also get a nudge from every
   * open page's timer (see src/ui/sw-bridge.ts).
   */
  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
    const delay = base / 2 + (this.d.random ?? Math.random)() * (base / 2);
    this.retryTimer = this.d.setTimer(() => {
      this.retryTimer = null;
      void this.kick();
    }, delay);
  }
}
