/**
 * Back-pressure: when this process falls behind, new writes are refused at
 * once with 503 `server-busy` and a Retry-After, before their bodies are
 * read, instead of piling up in memory and timing out for everyone. Behind
 * means more writes under way than `maxPendingWrites`, or an event loop that
 * lately stalled longer than `maxEventLoopDelayMs`. Health checks, pages and
 * reads are never refused; a write once accepted is always finished.
 *
 * One device, one sync at a time: a device's next `POST /api/sync` (same
 * device token, or same staff session) waits for the one before it, so a
 * kiosk pipelining chunks over a long round trip loses nothing; more than
 * `maxWaitingPerDevice` waiting get 429 `sync-in-progress`. A kiosk that
 * floods therefore holds a handful of write slots, never all of them, and
 * one at a time reaches the database. This counts within
 * a process; several processes behind a balancer admit one each, and the
 * school's row lock (school-queries.ts) serializes them in the database.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DoorlineError } from '../shared/error-codes.ts';
import { sha256 } from './auth/secrets.ts';

export interface BackPressureOptions {
  maxPendingWrites: number;
  maxEventLoopDelayMs: number;
  maxWaitingPerDevice: number;
  /** What Retry-After tells a refused client. */
  retryAfterSeconds: number;
  /** How long writes are refused after a stall was seen: long enough for the backlog it caused to clear. */
  stallHoldMs: number;
}

export const DEFAULT_BACK_PRESSURE: BackPressureOptions = {
  maxPendingWrites: 64,
  maxEventLoopDelayMs: 2_000,
  maxWaitingPerDevice: 4,
  retryAfterSeconds: 5,
  stallHoldMs: 1_000,
};

const WRITES = new Set(['/api/sync', '/api/marks', '/api/queue-imports', '/api/conflicts/resolve']);
/** How often the event-loop delay is read and started afresh. */
const SAMPLE_MS = 250;

const isWrite = (request: FastifyRequest): boolean => request.method === 'POST' && WRITES.has(request.url.split('?')[0] ?? '');

/** The credential a sync speaks for, hashed: its device token or its staff session. */
function senderKey(request: FastifyRequest): string | null {
  const credential = request.headers.authorization ?? request.headers.cookie;
  return typeof credential === 'string' && credential !== '' ? sha256(credential) : null;
}

export function addBackPressure(app: FastifyInstance, options: BackPressureOptions = DEFAULT_BACK_PRESSURE): void {
  let pending = 0;
  let stalledUntil = 0;
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  // The sampler also times itself: a tick that comes late by more than the limit had the loop held that long. Node's
  // histogram alone was seen to miss a 400 ms stall on this machine, and the test of this rule failed under load.
  let lastTick = Date.now();
  const sampler = setInterval(() => {
    const now = Date.now();
    const late = now - lastTick - SAMPLE_MS;
    lastTick = now;
    if (delay.max / 1e6 > options.maxEventLoopDelayMs || late > options.maxEventLoopDelayMs) stalledUntil = now + options.stallHoldMs;
    delay.reset();
  }, SAMPLE_MS);
  sampler.unref();
  /**
   * Behind: a stall seen by the sampler, or one the histogram holds now. The
   * second covers a stall that ended just after a sample was taken: the
   * histogram records it only when its own timer next fires, which may come
   * after the sampler's, so it would otherwise be seen a sample late.
   */
  const stalled = (): boolean => Date.now() < stalledUntil || delay.max / 1e6 > options.maxEventLoopDelayMs;
  app.addHook('onClose', async () => {
    clearInterval(sampler);
    delay.disable();
  });

  /** Per sender: the tail of its chain of syncs, and how many wait on it. */
  const devices = new Map<string, { tail: Promise<void>; waiting: number }>();
  const released = new WeakMap<FastifyRequest, () => void>();

  app.addHook('onRequest', async (request) => {
    if (!isWrite(request)) return;
    if (pending >= options.maxPendingWrites || stalled())
      throw new DoorlineError('server-busy', { retryAfterSeconds: options.retryAfterSeconds });
    const key = request.url.startsWith('/api/sync') ? senderKey(request) : null;
    let turn: Promise<void> = Promise.resolve();
    let leaveChain = (): void => undefined;
    if (key !== null) {
      const device = devices.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
      if (device.waiting > options.maxWaitingPerDevice) throw new DoorlineError('sync-in-progress', { retryAfterSeconds: 1 });
      let release = (): void => undefined;
      const done = new Promise<void>((resolve) => (release = resolve));
      turn = device.tail;
      device.tail = turn.then(() => done);
      device.waiting += 1;
      devices.set(key, device);
      leaveChain = () => {
        device.waiting -= 1;
        if (device.waiting === 0) devices.delete(key);
        release();
      };
    }
    pending += 1;
    released.set(request, () => {
      pending -= 1;
      leaveChain();
    });
    await turn;
  });

  const finish = async (request: FastifyRequest): Promise<void> => {
    const release = released.get(request);
    released.delete(request);
    release?.();
  };
  app.addHook('onResponse', finish);
  app.addHook('onRequestAbort', finish);
}
