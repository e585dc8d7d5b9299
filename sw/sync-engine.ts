/**
 * Runs drains and keeps what the pages are shown: phase, progress, network
 * quality, storage, refusals. Every trigger goes through `sync()`; the `sync`
 * event goes through `syncForEvent()`, awaits it and so sees a failure (the
 * browser then retries); other triggers only report it.
 *
 *   idle ──trigger──▶ offline? ──yes──▶ waiting-for-network (Background Sync registered; not a failure)
 *                        │no
 *                        ▼
 *                     sending ──outbox empty──▶ idle
 *                        │
 *                        ├─ retryable (network, 5xx, portal, bad answer) ──▶ waiting-for-network
 *                        │     (retry timer; Background Sync registered unless a sync event is
 *                        │      firing, whose rejection already keeps it)
 *                        └─ anything else (unpaired, revoked, newer protocol) ──▶ held (a person must act)
 */
import { DoorlineError, isRetryable, type ErrorCode, type OpErrorCode } from '../src/shared/error-codes.ts';
import { LIMITS } from '../src/shared/limits.ts';
import { PROTOCOL_VERSION, type SyncLimits, type SyncResponse } from '../src/shared/protocol.ts';
import { finalOutcome } from '../src/shared/receipts.ts';
import { DEFAULT_RETENTION } from '../src/shared/retention.ts';
import type {
  LaneName,
  NetworkQualityReport,
  StorageReport,
  SyncPhase,
  SyncProgress,
  WorkerStatus,
} from '../src/shared/worker-messages.ts';
import { DEFAULT_MAX_ATTEMPTS, LinkEstimator } from './chunk-scheduler.ts';
import { drainOutbox, singleFlight, type BodyEncoding } from './drain.ts';
import type { KioskCache } from './kiosk-cache.ts';
import { networkQuality, type ConnectionHints } from './network-quality.ts';
import { settleReceipts } from './settle-receipts.ts';
import type { Backlog } from './outbox.ts';
import type { WorkerStores } from './worker-stores.ts';
import { askedWaitMs, retryWaitMs } from './retry-backoff.ts';

const RECENT_DEAD_LETTERS = 20;
/** What an older server, which sends no `keepRefusedDays`, gets (src/shared/retention.ts's default). */
const DEFAULT_KEEP_REFUSED_DAYS = DEFAULT_RETENTION.refusedDays;
const DAY_MS = 86_400_000;

export interface SyncEngineDelegate {
  stores: WorkerStores;
  kiosk: KioskCache;
  compress: (bytes: Uint8Array) => Promise<{ body: Uint8Array; encoding: BodyEncoding }>;
  post: (body: Uint8Array, encoding: BodyEncoding, timeoutMs: number, held: Backlog) => Promise<SyncResponse>;
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
  /** Drains in a row that failed after reaching for the server; a pass skipped offline is not one. */
  private failures = 0;
  private retryTimer: unknown = null;
  /** The last few kinds of failure, newest first, each as "code@time" of its latest (memory only: a report, not a record). */
  private failed: string[] = [];
  /** `sync` events being answered now: their rejection keeps the registration, so none is made. */
  private syncEvents = 0;
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

  /** The `sync` event's drain: rejects on failure, so the browser keeps the registration and retries. */
  async syncForEvent(): Promise<void> {
    this.syncEvents += 1;
    try {
      await this.sync();
    } finally {
      this.syncEvents -= 1;
    }
  }

  /** A trigger that nobody awaits: failures are already reported to the pages. */
  kick(): Promise<void> {
    return this.sync().catch(() => undefined);
  }

  async status(): Promise<WorkerStatus> {
    // The state as of the moment it was asked: the drain may move on while the stores are read.
    const { phase, progress, lastError } = this;
    const [waiting, deadLetters, rosterSize, lastSyncAt, storage, recent] = await Promise.all([
      this.d.stores.outbox.size(),
      this.d.stores.deadLetters.count(),
      this.d.kiosk.rosterSize(),
      this.d.stores.meta.lastSyncAt(),
      this.d.storageEstimate?.().catch(() => null) ?? Promise.resolve(null),
      this.d.stores.deadLetters.newest(RECENT_DEAD_LETTERS),
    ]);
    return {
      v: PROTOCOL_VERSION,
      type: 'status',
      phase,
      progress: phase === 'sending' ? progress : null,
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
      lastError,
      lastSyncAt,
    };
  }

  /** The device's health for the next request (sync-headers.ts HEALTH_HEADER): link score and label, storage left, last failures. */
  async health(): Promise<string> {
    const { score, label } = this.quality ?? this.measureQuality(null);
    const storage = await this.d.storageEstimate?.().catch(() => null);
    return `${score};${label};${storage ? Math.max(0, storage.quota - storage.usage) : ''};${this.failed.join(',')}`;
  }

  private fail(code: ErrorCode): void {
    this.failed = [`${code}@${(this.d.now ?? Date.now)()}`, ...this.failed.filter((f) => !f.startsWith(`${code}@`))].slice(0, 3);
  }

  async publish(): Promise<void> {
    await this.d.publish(await this.status());
  }

  private measureQuality(link: LinkEstimator | null): NetworkQualityReport {
    const connection = this.d.connection?.();
    return networkQuality({
      rttMs: link?.rttMs() ?? link?.quickestMs() ?? null,
      goodputBytesPerSec: link?.measuresBandwidth() ? link.goodputBytesPerSec() : null,
      recentFailures: this.failures,
      ...(connection ? { connection } : {}),
    });
  }

  /** Refusals older than the school keeps them on a device go (they were on the pages' lists meanwhile). */
  private async forgetOldRefusals(): Promise<void> {
    const days = (await this.d.kiosk.config())?.school.keepRefusedDays ?? DEFAULT_KEEP_REFUSED_DAYS;
    const now = (this.d.now ?? Date.now)();
    if ((await this.d.stores.deadLetters.dropRefusedBefore(now - days * DAY_MS)) > 0) await this.publish();
  }

  private async loadLink(): Promise<LinkEstimator> {
    const saved = await this.d.stores.meta.get('link-estimate');
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
      link.seed({
        ...(hints.rtt === undefined ? {} : { rttMs: hints.rtt }),
        ...(hints.downlink === undefined ? {} : { downlinkKbps: hints.downlink * 1000 }),
      });
    }
    return link;
  }

  private async pass(): Promise<void> {
    await this.forgetOldRefusals();
    if ((await this.d.stores.outbox.size()) === 0) {
      this.phase = 'idle';
      return;
    }
    // The server speaks a newer protocol: nothing this worker sends will be taken. Only a new worker
    // (the page reloaded, see src/ui/kiosk-text.ts) sends again.
    if (this.phase === 'held' && this.lastError === 'unsupported-version') throw new DoorlineError('unsupported-version');
    if (!this.d.isOnline()) {
      // With no network at all a request would only fail, and a check-in made
      // offline says nothing about the link: no failure counted, no timer. The
      // `sync` event (or `online`) comes back for it.
      this.phase = 'waiting-for-network';
      this.lastError = 'network-error';
      await this.d.requestBackgroundSync().catch(() => undefined);
      await this.publish();
      throw new DoorlineError('network-error', { reason: 'offline' });
    }
    this.phase = 'sending';
    this.progress = null;
    // Telling the pages must not delay the first byte on the wire.
    void this.publish();
    const link = await this.loadLink();
    try {
      this.quality = this.measureQuality(link);
      const holdLanes = new Set<LaneName>(this.quality.saveData ? ['notes'] : []);
      const config = await this.d.kiosk.config();
      const limits: SyncLimits = config?.syncLimits ?? { maxBodyBytes: LIMITS.maxBodyBytes, maxOps: LIMITS.maxOpsPerBatch };
      await drainOutbox({
        outbox: this.d.stores.outbox,
        settle: (sent, receipts) => settleReceipts(this.d.stores, sent, receipts, this.d.now ?? Date.now),
        deviceId: await this.d.stores.meta.deviceId(),
        limits,
        link,
        holdLanes,
        timeZone: config?.school.timeZone,
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
          this.fail(code);
          // While the scheduler backs off, the page says why nothing moves.
          if (!isRetryable(code)) return;
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
      this.fail(code);
      this.lastError = code;
      this.phase = isRetryable(code) ? 'waiting-for-network' : 'held';
      if (this.phase === 'waiting-for-network') {
        this.failures += 1;
        // The timer dies with the worker; a Background Sync registration
        // outlives it and the page. One made while a `sync` event is firing
        // would make the browser fire again at once, in a tight loop: that
        // event's rejection already keeps the registration.
        if (this.syncEvents === 0) await this.d.requestBackgroundSync().catch(() => undefined);
        this.scheduleRetry(askedWaitMs(error));
      }
      throw error;
    } finally {
      this.quality = this.measureQuality(link);
      await this.d.stores.meta.set('link-estimate', link.toJSON());
      await this.publish();
    }
  }

  /**
   * While the worker is alive it retries by itself, going on from the
   * attempts the failed drain already made (sw/retry-backoff.ts), and never
   * sooner than a busy server's Retry-After;
   * browsers without Background Sync also get a nudge from every open page's
   * timer (see src/ui/sw-bridge.ts).
   */
  private scheduleRetry(serverAsksMs: number | null): void {
    if (this.retryTimer !== null) return;
    const delay = retryWaitMs(DEFAULT_MAX_ATTEMPTS + this.failures, this.d.random ?? Math.random, serverAsksMs);
    this.retryTimer = this.d.setTimer(() => {
      this.retryTimer = null;
      void this.kick();
    }, delay);
  }
}
