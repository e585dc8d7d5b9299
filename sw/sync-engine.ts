/**
 * Runs drains and keeps what the pages are shown: the phase, the last error,
 * the counts. Every trigger goes through `sync()`; the `sync` event awaits it
 * and so sees a failure (the browser then retries); other triggers only log.
 */
import { DoorlineError, type ErrorCode } from '../src/shared/error-codes.ts';
import { PROTOCOL_VERSION } from '../src/shared/protocol.ts';
import type { SyncPhase, WorkerStatus } from '../src/shared/worker-messages.ts';
import { drainOutbox, singleFlight } from './drain.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { Outbox } from './outbox.ts';
import type { SendBatch } from './sync-client.ts';

/** Failures that mean "the server was not reached": wait for the network and try again. */
const TRANSIENT: readonly ErrorCode[] = ['network-error', 'server-error', 'captive-portal', 'bad-response'];
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = 120_000;

export interface SyncEngineDelegate {
  outbox: Outbox;
  kiosk: KioskCache;
  send: SendBatch;
  publish: (status: WorkerStatus) => Promise<void>;
  /** Asks the browser to fire a `sync` event when it is online again (Background Sync). */
  requestBackgroundSync: () => Promise<void>;
  setTimer: (callback: () => void, ms: number) => unknown;
  /** False only when the browser knows there is no network (navigator.onLine); true proves nothing. */
  isOnline: () => boolean;
  random?: () => number;
}

export class SyncEngine {
  private phase: SyncPhase = 'idle';
  private lastError: ErrorCode | null = null;
  private failures = 0;
  private retryTimer: unknown = null;
  readonly sync: () => Promise<void>;

  constructor(private readonly d: SyncEngineDelegate) {
    this.sync = singleFlight(() => this.pass());
  }

  /** A trigger that nobody awaits: failures are already reported to the pages. */
  kick(): Promise<void> {
    return this.sync().catch(() => undefined);
  }

  async status(): Promise<WorkerStatus> {
    const [waiting, deadLetters, rosterSize, lastSyncAt] = await Promise.all([
      this.d.outbox.size(),
      this.d.outbox.deadLetterCount(),
      this.d.kiosk.rosterSize(),
      this.d.outbox.lastSyncAt(),
    ]);
    return { v: PROTOCOL_VERSION, type: 'status', phase: this.phase, waiting, deadLetters, rosterSize, lastError: this.lastError, lastSyncAt };
  }

  async publish(): Promise<void> {
    await this.d.publish(await this.status());
  }

  private async pass(): Promise<void> {
    if ((await this.d.outbox.size()) === 0) {
      this.phase = 'idle';
      return;
    }
    this.phase = 'sending';
    await this.publish();
    try {
      // With no network at all a request would only fail; the `sync` event or `online` comes back for it.
      if (!this.d.isOnline()) throw new DoorlineError('network-error', { reason: 'offline' });
      await drainOutbox({
        outbox: this.d.outbox,
        deviceId: () => this.d.outbox.deviceId(),
        send: this.d.send,
        onProgress: () => void this.publish(),
      });
      this.phase = 'idle';
      this.lastError = null;
      this.failures = 0;
    } catch (error) {
      const code = error instanceof DoorlineError ? error.code : 'bad-response';
      this.lastError = code;
      this.phase = TRANSIENT.includes(code) ? 'waiting-for-network' : 'held';
      this.failures += 1;
      await this.d.requestBackgroundSync().catch(() => undefined);
      this.scheduleRetry();
      throw error;
    } finally {
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
