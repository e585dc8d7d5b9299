import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DoorlineError, type ErrorCode } from '../../src/shared/error-codes.ts';
import { LinkEstimator, runScheduler, type Chunk, type SchedulerDelegate, type SchedulerOptions } from '../../sw/chunk-scheduler.ts';

/** Every op encodes to 64 bytes, so a chunk's transfer time is a whole number of milliseconds on these links. */
const OP_BYTES = 64;
const KBIT_64 = 8_000;
const KBIT_256 = 32_000;

type Event =
  | [t: number, kind: 'send', chunk: number, bytes: number]
  | [t: number, kind: 'ack', chunk: number]
  | [t: number, kind: 'fail', chunk: number, code: string]
  | [t: number, kind: 'retry', code: string, delayMs: number]
  | [t: number, kind: 'done']
  | [t: number, kind: 'rejected', code: string];

interface Failure {
  code: ErrorCode;
  details?: Record<string, unknown>;
  /** When the failure is noticed, after the send. */
  afterMs: number;
}

interface LinkSetup {
  bytesPerSec: number;
  rttMs: number;
  ops: number;
  /** Called for every send (1-based); a Failure makes it fail. */
  fail?: (call: number, chunk: Chunk) => Failure | undefined;
  random?: () => number;
  /** Ops from this index on wait until every op before it is acknowledged (a dependency). */
  barrier?: number;
  /** How long the server takes to answer the n-th send (1-based), on top of the round trip. */
  answerMs?: (call: number) => number;
}

/**
 * A simulated school link: one uplink that carries one request body at a time
 * at `bytesPerSec` (a request sent while another is transferring queues
 * behind it), and an answer `rttMs` after the body has gone through.
 */
function simulatedLink(setup: LinkSetup) {
  const events: Event[] = [];
  let queue = Array.from({ length: setup.ops }, (_, index) => index);
  const taken = new Map<number, number[]>();
  let acked = 0;
  let calls = 0;
  let nextId = 1;
  let linkFreeAt = 0;
  let inFlight = 0;
  let mostInFlight = 0;

  const waitsOnBarrier = (op: number): boolean => setup.barrier !== undefined && op >= setup.barrier && acked < setup.barrier;

  const delegate: SchedulerDelegate = {
    async take(targetBytes, maxOps) {
      const wanted = Math.min(maxOps, Math.max(1, Math.floor(targetBytes / OP_BYTES)));
      const free = queue.filter((op) => !waitsOnBarrier(op));
      const ops = free.slice(0, wanted);
      if (ops.length === 0) return null;
      queue = queue.filter((op) => !ops.includes(op));
      const id = nextId++;
      taken.set(id, ops);
      return { id, ops: ops.length, bytes: ops.length * OP_BYTES };
    },

    send(chunk) {
      calls += 1;
      const failure = setup.fail?.(calls, chunk);
      events.push([Date.now(), 'send', chunk.id, chunk.bytes]);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      return new Promise((resolve, reject) => {
        if (failure) {
          setTimeout(() => {
            inFlight -= 1;
            events.push([Date.now(), 'fail', chunk.id, failure.code]);
            reject(new DoorlineError(failure.code, { ...failure.details, call: calls }));
          }, failure.afterMs);
          return;
        }
        const transferred = Math.max(Date.now(), linkFreeAt) + (chunk.bytes * 1000) / setup.bytesPerSec;
        linkFreeAt = transferred;
        setTimeout(
          () => {
            inFlight -= 1;
            acked += taken.get(chunk.id)?.length ?? 0;
            taken.delete(chunk.id);
            events.push([Date.now(), 'ack', chunk.id]);
            resolve();
          },
          transferred + setup.rttMs + (setup.answerMs?.(calls) ?? 0) - Date.now(),
        );
      });
    },

    release(chunk) {
      queue = [...(taken.get(chunk.id) ?? []), ...queue].sort((a, b) => a - b);
      taken.delete(chunk.id);
    },

    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: setup.random ?? (() => 0.5),
    onProgress(event) {
      if (event.kind === 'retry') events.push([Date.now(), 'retry', event.code, event.delayMs]);
    },
  };

  return {
    delegate,
    events,
    /** Ops neither acknowledged nor in a chunk: what the caller still has queued. */
    queued: () => queue.length,
    inTransit: () => taken.size,
    mostInFlight: () => mostInFlight,
    sends: () => events.filter((event) => event[1] === 'send'),
    /** [bytes, ms from send to ack] per acknowledged chunk, in send order. */
    chunks: () =>
      events.flatMap((event) => {
        if (event[1] !== 'send') return [];
        const ack = events.find((other) => other[1] === 'ack' && other[2] === event[2]);
        return ack ? [[event[3], ack[0] - event[0]]] : [];
      }),
  };
}

/** Runs the scheduler to the end under fake timers and records how it ended. */
async function run(link: ReturnType<typeof simulatedLink>, options: Partial<SchedulerOptions> = {}) {
  const outcome = runScheduler(link.delegate, { maxBytes: 1024 * 1024, maxOps: 2000, ...options }).then(
    (result) => {
      link.events.push([Date.now(), 'done']);
      return result;
    },
    (error: unknown) => {
      link.events.push([Date.now(), 'rejected', error instanceof DoorlineError ? error.code : String(error)]);
      throw error;
    },
  );
  outcome.catch(() => undefined);
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A link measured in an earlier drain: 256 kbit/s with an 800 ms round trip. */
const measuredSatelliteLink = () =>
  LinkEstimator.from({
    v: 1,
    samples: [
      [8192, 1056],
      [16384, 1312],
    ],
    fittedRttMs: 800,
    prior: {},
  });

const timeout: Failure = { code: 'network-error', details: { reason: 'timeout' }, afterMs: 10_000 };

function cycle(values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] as number;
}

describe('chunk scheduler: sizing', () => {
  it('starts at initialBytes on an unknown link, one request at a time', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_64, rttMs: 800, ops: 300 });
    await expect(run(link)).resolves.toEqual({ chunks: 2, ops: 300, bytes: 19_200 });
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [1824, 'ack', 1],
      [1824, 'send', 2, 11008],
      [4000, 'ack', 2],
      [4000, 'done'],
    ]);
    expect(link.mostInFlight()).toBe(1);
  });

  it('grows each chunk at most twofold, then holds at the size the link carries in targetSeconds', async () => {
    const link = simulatedLink({ bytesPerSec: 64_000, rttMs: 100, ops: 12_000 });
    await run(link, { maxOps: 100_000 });
    // 64 KB/s and 100 ms: 185,600 bytes take 2.9 s plus the round trip.
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [228, 'ack', 1],
      [228, 'send', 2, 16384],
      [584, 'ack', 2],
      [584, 'send', 3, 32768],
      [1196, 'ack', 3],
      [1196, 'send', 4, 65536],
      [2320, 'ack', 4],
      [2320, 'send', 5, 131072],
      [4468, 'ack', 5],
      [4468, 'send', 6, 185600],
      [7468, 'ack', 6],
      [7468, 'send', 7, 185600],
      [10468, 'ack', 7],
      [10468, 'send', 8, 142848],
      [12800, 'ack', 8],
      [12800, 'done'],
    ]);
  });

  it('converges to about three seconds a chunk on a 64 kbit/s link with 800 ms round trips', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_64, rttMs: 800, ops: 2000 });
    await run(link);
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [1824, 'ack', 1],
      [1824, 'send', 2, 13440],
      [4304, 'ack', 2],
      [4304, 'send', 3, 17600],
      [7304, 'ack', 3],
      [7304, 'send', 4, 17600],
      [10304, 'ack', 4],
      [10304, 'send', 5, 17600],
      [13304, 'ack', 5],
      [13304, 'send', 6, 17600],
      [16304, 'ack', 6],
      [16304, 'send', 7, 17600],
      [19304, 'ack', 7],
      [19304, 'send', 8, 17600],
      [22304, 'ack', 8],
      [22304, 'send', 9, 768],
      [23200, 'ack', 9],
      [23200, 'done'],
    ]);
    expect(link.mostInFlight()).toBe(1);
  });

  it('converges to about three seconds a chunk on a 256 kbit/s link with 400 ms round trips', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 400, ops: 5000 });
    await run(link);
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [656, 'ack', 1],
      [656, 'send', 2, 16384],
      [1568, 'ack', 2],
      [1568, 'send', 3, 32768],
      [2992, 'ack', 3],
      [2992, 'send', 4, 65536],
      [5440, 'ack', 4],
      [5440, 'send', 5, 83200],
      [8440, 'ack', 5],
      [8440, 'send', 6, 83200],
      [11440, 'ack', 6],
      [11440, 'send', 7, 30720],
      [12800, 'ack', 7],
      [12800, 'done'],
    ]);
  });

  it('never asks for more than the server advertises, in bytes or in ops', async () => {
    const bytesCapped = simulatedLink({ bytesPerSec: 64_000, rttMs: 100, ops: 2000 });
    await run(bytesCapped, { maxBytes: 20_000 });
    expect(bytesCapped.sends().map(([, , , bytes]) => bytes)).toEqual([8192, 16384, 19968, 19968, 19968, 19968, 19968, 3584]);

    const opsCapped = simulatedLink({ bytesPerSec: 64_000, rttMs: 100, ops: 500 });
    await run(opsCapped, { maxOps: 100 });
    expect(opsCapped.sends().every(([, , , bytes]) => bytes <= 100 * OP_BYTES)).toBe(true);
  });

  it('sends one half-size chunk to measure the round trip when a cap makes every chunk the same size, overlapped from the first answer', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 400, ops: 1000 });
    await run(link, { maxOps: 100 });
    // 100 ops are 6,400 bytes, 200 ms on this link: three requests keep it busy through the 400 ms round trip.
    // The half-size probe goes first of three at the first answer, not alone: alone, it cost a round trip (400 ms).
    expect(link.events).toEqual([
      [0, 'send', 1, 6400],
      [600, 'ack', 1],
      [600, 'send', 2, 3200],
      [600, 'send', 3, 6400],
      [600, 'send', 4, 6400],
      [1100, 'ack', 2],
      [1100, 'send', 5, 6400],
      [1300, 'ack', 3],
      [1300, 'send', 6, 6400],
      [1500, 'ack', 4],
      [1500, 'send', 7, 6400],
      [1700, 'ack', 5],
      [1700, 'send', 8, 6400],
      [1900, 'ack', 6],
      [1900, 'send', 9, 6400],
      [2100, 'ack', 7],
      [2100, 'send', 10, 6400],
      [2300, 'ack', 8],
      [2300, 'send', 11, 3200],
      [2500, 'ack', 9],
      [2700, 'ack', 10],
      [2800, 'ack', 11],
      [2800, 'done'],
    ]);
  });

  it('sends the probe beside the first chunk when the ops cap holds that chunk well below the first size', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 400, ops: 500 });
    await run(link, { maxOps: 50 });
    // 50 ops are 3,200 bytes: with a probe of two thirds of that, still less than the 8,192 bytes a first chunk may carry,
    // so both go at once instead of the probe a round trip later; then the capped chunks overlap.
    const sends = link.sends().map(([t, , , bytes]) => [t, bytes]);
    expect(sends.slice(0, 2)).toEqual([
      [0, 3200],
      [0, 2112],
    ]);
    // The probe's answer fits the round trip: no second probe while it is on the wire, only the last chunk's remainder is small.
    expect(sends.slice(2, -1).every(([, bytes]) => bytes === 3200)).toBe(true);
    expect(link.mostInFlight()).toBe(3);
    expect(link.queued()).toBe(0);
  });

  it("measures the round trip with a half-size chunk, and then pipelines, even when the browser's connection hints gave one", async () => {
    const capped = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 400, ops: 1000 });
    // What Chromium's navigator.connection says on a link it has not measured: too coarse to split a request's time with.
    const hinted = new LinkEstimator();
    hinted.seed({ rttMs: 100, downlinkKbps: 10_000 });
    await run(capped, { maxOps: 100, link: hinted });
    expect(capped.sends().map(([t, , , bytes]) => [t, bytes])).toEqual([
      [0, 6400],
      [600, 3200],
      [600, 6400],
      [600, 6400],
      [1100, 6400],
      [1300, 6400],
      [1500, 6400],
      [1700, 6400],
      [1900, 6400],
      [2100, 6400],
      [2300, 3200],
    ]);
    expect(capped.mostInFlight()).toBe(3);
  });

  it("overlaps chunks held small by the server's ops cap even when the server's answer times hide the link's bandwidth", async () => {
    const answers = [250, 0, 300, 50, 200, 0, 350, 100];
    const link = simulatedLink({
      bytesPerSec: KBIT_256,
      rttMs: 400,
      ops: 3000,
      answerMs: (call) => answers[(call - 1) % answers.length] as number,
    });
    const hinted = new LinkEstimator();
    hinted.seed({ rttMs: 100, downlinkKbps: 10_000 });
    await run(link, { maxOps: 100, link: hinted });
    // 100 ops are 6,400 bytes, 200 ms on this link: alone, each request would leave it idle two thirds of the time.
    expect(link.mostInFlight()).toBe(3);
    expect(
      link
        .sends()
        .slice(0, 2)
        .map(([, , , bytes]) => bytes),
    ).toEqual([6400, 3200]);
    // From the first answer the chunks held by the cap overlap, the probe that fits the round trip first among them: none goes alone.
    const [firstAck] = link.events.filter(([, kind]) => kind === 'ack') as Array<[number, string]>;
    expect(link.events.filter(([at, kind]) => kind === 'send' && at === firstAck?.[0]).map(([, , , bytes]) => bytes)).toEqual([
      3200, 6400, 6400,
    ]);
    expect(link.queued()).toBe(0);
  });

  it('halves the chunk after a timeout', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_64, rttMs: 800, ops: 1000, fail: (call) => (call === 3 ? timeout : undefined) });
    await run(link);
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [1824, 'ack', 1],
      [1824, 'send', 2, 13440],
      [4304, 'ack', 2],
      [4304, 'send', 3, 17600],
      [14304, 'fail', 3, 'network-error'],
      [14304, 'retry', 'network-error', 750],
      [15054, 'send', 4, 8768],
      [16950, 'ack', 4],
      [16950, 'send', 5, 17600],
      [19950, 'ack', 5],
      [19950, 'send', 6, 16000],
      [22750, 'ack', 6],
      [22750, 'done'],
    ]);
  });

  it('splits the same ops into halves at once after a 413, and stays below the refused size', async () => {
    const link = simulatedLink({
      bytesPerSec: KBIT_64,
      rttMs: 800,
      ops: 1000,
      fail: (call) => (call === 2 ? { code: 'body-too-large', afterMs: 800 } : undefined),
    });
    await run(link);
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [1824, 'ack', 1],
      [1824, 'send', 2, 13440],
      [2624, 'fail', 2, 'body-too-large'],
      [2624, 'retry', 'body-too-large', 0],
      [2624, 'send', 3, 6720],
      [4264, 'ack', 3],
      [4264, 'send', 4, 6720],
      [5904, 'ack', 4],
      [5904, 'send', 5, 6720],
      [7544, 'ack', 5],
      [7544, 'send', 6, 6720],
      [9184, 'ack', 6],
      [9184, 'send', 7, 6720],
      [10824, 'ack', 7],
      [10824, 'send', 8, 6720],
      [12464, 'ack', 8],
      [12464, 'send', 9, 6720],
      [14104, 'ack', 9],
      [14104, 'send', 10, 6720],
      [15744, 'ack', 10],
      [15744, 'send', 11, 2048],
      [16800, 'ack', 11],
      [16800, 'done'],
    ]);
  });

  it('halves the op count after too-many-ops', async () => {
    const link = simulatedLink({
      bytesPerSec: 64_000,
      rttMs: 100,
      ops: 600,
      fail: (_call, chunk) => (chunk.ops > 150 ? { code: 'too-many-ops', afterMs: 100 } : undefined),
    });
    await run(link);
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [228, 'ack', 1],
      [228, 'send', 2, 16384],
      [328, 'fail', 2, 'too-many-ops'],
      [328, 'retry', 'too-many-ops', 0],
      [328, 'send', 3, 8192],
      [556, 'ack', 3],
      // Chunks of the same size cannot separate round trip from transfer: one half-size chunk measures it.
      // The ops cap holds the next chunks: they overlap as many as the estimate carries, the probe first among them.
      [556, 'send', 4, 4096],
      [556, 'send', 5, 8192],
      [556, 'send', 6, 8192],
      [720, 'ack', 4],
      [720, 'send', 7, 1536],
      [848, 'ack', 5],
      [976, 'ack', 6],
      [1000, 'ack', 7],
      [1000, 'done'],
    ]);
  });

  it('stops when a single op is too large for the server: it cannot be split', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_64, rttMs: 800, ops: 1, fail: () => ({ code: 'body-too-large', afterMs: 800 }) });
    await expect(run(link)).rejects.toMatchObject({ code: 'body-too-large' });
    expect(link.events).toEqual([
      [0, 'send', 1, 64],
      [800, 'fail', 1, 'body-too-large'],
      [800, 'rejected', 'body-too-large'],
    ]);
    expect(link.queued()).toBe(1);
  });
});

describe('chunk scheduler: failures', () => {
  it('backs off with jittered delays that double and stop growing at the cap', async () => {
    const link = simulatedLink({
      bytesPerSec: KBIT_64,
      rttMs: 800,
      ops: 100,
      random: cycle([0, 1, 0.5]),
      fail: () => ({ code: 'server-error', afterMs: 900 }),
    });
    await expect(run(link, { maxAttempts: 9 })).rejects.toMatchObject({ code: 'server-error' });
    // Equal jitter: half the ceiling plus random() of the other half; ceilings 1, 2, 4, 8, 16, 32, 64, 120 s.
    expect(link.events).toEqual([
      [0, 'send', 1, 6400],
      [900, 'fail', 1, 'server-error'],
      [900, 'retry', 'server-error', 500],
      [1400, 'send', 2, 6400],
      [2300, 'fail', 2, 'server-error'],
      [2300, 'retry', 'server-error', 2000],
      [4300, 'send', 3, 6400],
      [5200, 'fail', 3, 'server-error'],
      [5200, 'retry', 'server-error', 3000],
      [8200, 'send', 4, 6400],
      [9100, 'fail', 4, 'server-error'],
      [9100, 'retry', 'server-error', 4000],
      [13100, 'send', 5, 6400],
      [14000, 'fail', 5, 'server-error'],
      [14000, 'retry', 'server-error', 16000],
      [30000, 'send', 6, 6400],
      [30900, 'fail', 6, 'server-error'],
      [30900, 'retry', 'server-error', 24000],
      [54900, 'send', 7, 6400],
      [55800, 'fail', 7, 'server-error'],
      [55800, 'retry', 'server-error', 32000],
      [87800, 'send', 8, 6400],
      [88700, 'fail', 8, 'server-error'],
      [88700, 'retry', 'server-error', 120000],
      [208700, 'send', 9, 6400],
      [209600, 'fail', 9, 'server-error'],
      [209600, 'rejected', 'server-error'],
    ]);
  });

  it("waits as long as a busy server's Retry-After asks, not its own shorter backoff, then sends everything", async () => {
    const link = simulatedLink({
      bytesPerSec: KBIT_64,
      rttMs: 800,
      ops: 10,
      fail: (call) => (call <= 2 ? { code: 'server-busy', afterMs: 100, details: { status: 503, retryAfterMs: 30_000 } } : undefined),
    });
    await run(link);
    expect(link.events.filter((event) => event[1] === 'retry' || event[1] === 'send')).toEqual([
      [0, 'send', 1, 640],
      [100, 'retry', 'server-busy', 30_000],
      [30_100, 'send', 2, 640],
      [30_200, 'retry', 'server-busy', 30_000],
      [60_200, 'send', 3, 640],
    ]);
    expect(link.events.at(-1)?.[1]).toBe('done');
    expect(link.queued()).toBe(0);
  });

  it('gives up after maxAttempts failures in a row, rejecting with the last error and every op back in the queue', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_64, rttMs: 800, ops: 100, fail: () => ({ code: 'network-error', afterMs: 1000 }) });
    const outcome = run(link);
    await expect(outcome).rejects.toBeInstanceOf(DoorlineError);
    await expect(outcome).rejects.toMatchObject({ code: 'network-error', details: { call: 4 } });
    expect(link.events).toEqual([
      [0, 'send', 1, 6400],
      [1000, 'fail', 1, 'network-error'],
      [1000, 'retry', 'network-error', 750],
      [1750, 'send', 2, 6400],
      [2750, 'fail', 2, 'network-error'],
      [2750, 'retry', 'network-error', 1500],
      [4250, 'send', 3, 6400],
      [5250, 'fail', 3, 'network-error'],
      [5250, 'retry', 'network-error', 3000],
      [8250, 'send', 4, 6400],
      [9250, 'fail', 4, 'network-error'],
      [9250, 'rejected', 'network-error'],
    ]);
    expect(link.queued()).toBe(100);
    expect(link.inTransit()).toBe(0);
  });

  it('counts failures from the last success: a success starts the backoff over', async () => {
    const link = simulatedLink({
      bytesPerSec: KBIT_64,
      rttMs: 800,
      ops: 300,
      fail: (call) => (call % 4 === 0 ? undefined : { code: 'network-error', afterMs: 1000 }),
    });
    await expect(run(link)).resolves.toEqual({ chunks: 2, ops: 300, bytes: 19_200 });
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [1000, 'fail', 1, 'network-error'],
      [1000, 'retry', 'network-error', 750],
      [1750, 'send', 2, 8192],
      [2750, 'fail', 2, 'network-error'],
      [2750, 'retry', 'network-error', 1500],
      [4250, 'send', 3, 8192],
      [5250, 'fail', 3, 'network-error'],
      [5250, 'retry', 'network-error', 3000],
      [8250, 'send', 4, 8192],
      [10074, 'ack', 4],
      [10074, 'send', 5, 11008],
      [11074, 'fail', 5, 'network-error'],
      [11074, 'retry', 'network-error', 750],
      [11824, 'send', 6, 11008],
      [12824, 'fail', 6, 'network-error'],
      [12824, 'retry', 'network-error', 1500],
      [14324, 'send', 7, 11008],
      [15324, 'fail', 7, 'network-error'],
      [15324, 'retry', 'network-error', 3000],
      [18324, 'send', 8, 11008],
      [20500, 'ack', 8],
      [20500, 'done'],
    ]);
  });

  it.each(['device-revoked', 'device-unauthorized', 'kiosk-not-found'] as const)(
    'stops at once on %s, keeping the ops queued',
    async (code) => {
      const link = simulatedLink({
        bytesPerSec: KBIT_64,
        rttMs: 800,
        ops: 1000,
        fail: (call) => (call === 2 ? { code, afterMs: 800 } : undefined),
      });
      await expect(run(link)).rejects.toMatchObject({ code });
      expect(link.events).toEqual([
        [0, 'send', 1, 8192],
        [1824, 'ack', 1],
        [1824, 'send', 2, 13440],
        [2624, 'fail', 2, code],
        [2624, 'rejected', code],
      ]);
      expect(link.queued()).toBe(1000 - 8192 / OP_BYTES);
      expect(link.inTransit()).toBe(0);
    },
  );

  it('stops at once when send fails with something that is not a DoorlineError', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_64, rttMs: 800, ops: 10 });
    const bug = new TypeError('encoder broke');
    const send = link.delegate.send;
    link.delegate.send = async (chunk) => {
      await send(chunk);
      throw bug;
    };
    await expect(run(link)).rejects.toBe(bug);
    expect(link.events).toEqual([
      [0, 'send', 1, 640],
      [880, 'ack', 1],
      [880, 'rejected', 'TypeError: encoder broke'],
    ]);
  });
});

describe('chunk scheduler: requests in flight', () => {
  it('keeps three requests in flight once it has measured a long round trip', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 800, ops: 2000 });
    await run(link, { maxBytes: 16384 });
    // 16 KB takes 512 ms to send and 800 ms to answer: alone, the link would idle 60% of the time.
    expect(link.events).toEqual([
      [0, 'send', 1, 8192],
      [1056, 'ack', 1],
      [1056, 'send', 2, 16384],
      [2368, 'ack', 2],
      [2368, 'send', 3, 16384],
      [2368, 'send', 4, 16384],
      [2368, 'send', 5, 16384],
      [3680, 'ack', 3],
      [3680, 'send', 6, 16384],
      [4192, 'ack', 4],
      [4192, 'send', 7, 16384],
      [4704, 'ack', 5],
      [4704, 'send', 8, 16384],
      [5216, 'ack', 6],
      [5216, 'send', 9, 5120],
      [5728, 'ack', 7],
      [6240, 'ack', 8],
      [6400, 'ack', 9],
      [6400, 'done'],
    ]);
    expect(link.mostInFlight()).toBe(3);
  });

  it('starts at the measured size, pipelined, on a link measured in an earlier drain', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 800, ops: 768 });
    await run(link, { maxBytes: 16384, link: measuredSatelliteLink() });
    expect(link.events).toEqual([
      [0, 'send', 1, 16384],
      [0, 'send', 2, 16384],
      [0, 'send', 3, 16384],
      [1312, 'ack', 1],
      [1824, 'ack', 2],
      [2336, 'ack', 3],
      [2336, 'done'],
    ]);
  });

  it('respects maxInFlight', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 800, ops: 768 });
    await run(link, { maxBytes: 16384, maxInFlight: 2, link: measuredSatelliteLink() });
    expect(link.events).toEqual([
      [0, 'send', 1, 16384],
      [0, 'send', 2, 16384],
      [1312, 'ack', 1],
      [1312, 'send', 3, 16384],
      [1824, 'ack', 2],
      [2624, 'ack', 3],
      [2624, 'done'],
    ]);
  });

  it('waits for an in-flight chunk before taking the ops that depend on it', async () => {
    const link = simulatedLink({ bytesPerSec: KBIT_256, rttMs: 800, ops: 600, barrier: 300 });
    await run(link, { maxBytes: 16384, link: measuredSatelliteLink() });
    // take() is null while ops 0–299 are in flight; the scheduler waits for them instead of ending.
    expect(link.events).toEqual([
      [0, 'send', 1, 16384],
      [0, 'send', 2, 2816],
      [1312, 'ack', 1],
      [1400, 'ack', 2],
      [1400, 'send', 3, 16384],
      [1400, 'send', 4, 2816],
      [2712, 'ack', 3],
      [2800, 'ack', 4],
      [2800, 'done'],
    ]);
  });

  it('never leaves a send dangling: a stop waits for the requests still in flight', async () => {
    const link = simulatedLink({
      bytesPerSec: KBIT_256,
      rttMs: 800,
      ops: 2000,
      fail: (call) => (call === 2 ? { code: 'device-revoked', afterMs: 800 } : undefined),
    });
    await expect(run(link, { maxBytes: 16384, link: measuredSatelliteLink() })).rejects.toMatchObject({ code: 'device-revoked' });
    expect(link.events).toEqual([
      [0, 'send', 1, 16384],
      [0, 'send', 2, 16384],
      [0, 'send', 3, 16384],
      [800, 'fail', 2, 'device-revoked'],
      [1312, 'ack', 1],
      [1824, 'ack', 3],
      [1824, 'rejected', 'device-revoked'],
    ]);
    expect(link.inTransit()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts one outage that fails every request in flight as one attempt, then probes with one request', async () => {
    const link = simulatedLink({
      bytesPerSec: KBIT_256,
      rttMs: 800,
      ops: 2000,
      fail: (call) => (call >= 3 && call <= 5 ? { code: 'network-error', afterMs: 2000 } : undefined),
    });
    await run(link, { maxBytes: 16384, link: measuredSatelliteLink() });
    expect(link.events).toEqual([
      [0, 'send', 1, 16384],
      [0, 'send', 2, 16384],
      [0, 'send', 3, 16384],
      [1312, 'ack', 1],
      [1312, 'send', 4, 16384],
      [1824, 'ack', 2],
      [1824, 'send', 5, 16384],
      [2000, 'fail', 3, 'network-error'],
      [3312, 'fail', 4, 'network-error'],
      [3824, 'fail', 5, 'network-error'],
      [3824, 'retry', 'network-error', 750],
      [4574, 'send', 6, 16384],
      [5886, 'ack', 6],
      [5886, 'send', 7, 16384],
      [5886, 'send', 8, 16384],
      [5886, 'send', 9, 16384],
      [7198, 'ack', 7],
      [7198, 'send', 10, 16384],
      [7710, 'ack', 8],
      [7710, 'send', 11, 13312],
      [8222, 'ack', 9],
      [8734, 'ack', 10],
      [9150, 'ack', 11],
      [9150, 'done'],
    ]);
  });
});

describe('link estimator', () => {
  it.each([
    { name: 'knows nothing before a request', samples: [], prior: undefined, rttMs: null, goodput: null },
    {
      name: 'takes one request for all transfer: a lower bound on goodput',
      samples: [[8192, 1824]],
      prior: undefined,
      rttMs: null,
      goodput: 8192 / 1.824,
    },
    {
      name: 'separates the round trip from transfer with two sizes',
      samples: [
        [8192, 1824],
        [16384, 2848],
      ],
      prior: undefined,
      rttMs: 800,
      goodput: 8000,
    },
    {
      name: 'fits a line through several sizes',
      samples: [
        [8192, 656],
        [16384, 912],
        [32768, 1424],
        [65536, 2448],
      ],
      prior: undefined,
      rttMs: 400,
      goodput: 32000,
    },
    {
      name: 'keeps the fitted round trip when later requests are all one size',
      samples: [[8192, 1824], [16384, 2848], ...Array.from({ length: 10 }, () => [17600, 3000] as [number, number])],
      prior: undefined,
      rttMs: 800,
      goodput: 8000,
    },
    {
      name: 'follows a link that got faster once its window has turned over',
      samples: [
        [8192, 1824],
        [16384, 2848],
        [8192, 656],
        [16384, 912],
        [32768, 1424],
        [65536, 2448],
        [32768, 1424],
        [65536, 2448],
        [8192, 656],
        [16384, 912],
      ],
      prior: undefined,
      rttMs: 400,
      goodput: 32000,
    },
    {
      name: 'ignores a fit where bigger requests were quicker',
      samples: [
        [16384, 1000],
        [8192, 1200],
      ],
      prior: undefined,
      rttMs: null,
      goodput: (16384 + 0.3 * (8192 - 16384)) / ((1000 + 0.3 * (1200 - 1000)) / 1000),
    },
    {
      name: 'answers from the prior before any request',
      samples: [],
      prior: { rttMs: 300, downlinkKbps: 256 },
      rttMs: 300,
      goodput: 32000,
    },
    {
      name: 'bounds a prior round trip by the quickest request',
      samples: [[8192, 1056]],
      prior: { rttMs: 2000 },
      rttMs: 1056,
      goodput: 8192 / 1.056,
    },
    {
      name: 'ignores samples that are not positive and finite',
      samples: [
        [0, 100],
        [100, 0],
        [Number.NaN, 10],
        [100, Number.POSITIVE_INFINITY],
      ],
      prior: undefined,
      rttMs: null,
      goodput: null,
    },
  ] satisfies Array<{
    name: string;
    samples: Array<[number, number]>;
    prior: { rttMs?: number; downlinkKbps?: number } | undefined;
    rttMs: number | null;
    goodput: number | null;
  }>)('$name', ({ samples, prior, rttMs, goodput }) => {
    const link = new LinkEstimator();
    if (prior) link.seed(prior);
    for (const [bytes, ms] of samples) link.observe(bytes, ms);
    if (rttMs === null) expect(link.rttMs()).toBeNull();
    else expect(link.rttMs()).toBeCloseTo(rttMs, 6);
    if (goodput === null) expect(link.goodputBytesPerSec()).toBeNull();
    else expect(link.goodputBytesPerSec()).toBeCloseTo(goodput, 3);
  });

  it('survives a trip through JSON, as the caller stores it between drains', () => {
    const link = new LinkEstimator();
    link.seed({ rttMs: 500, downlinkKbps: 1000 });
    link.observe(8192, 1824);
    link.observe(16384, 2848);
    const restored = LinkEstimator.from(JSON.parse(JSON.stringify(link)));
    expect(restored.toJSON()).toEqual(link.toJSON());
    expect(restored.rttMs()).toBeCloseTo(800, 6);
    expect(restored.goodputBytesPerSec()).toBeCloseTo(8000, 3);
  });

  it.each([
    null,
    'x',
    {},
    { v: 2, samples: [], fittedRttMs: null, prior: {} },
    { v: 1, samples: [[1]], fittedRttMs: null, prior: {} },
    { v: 1, samples: [], fittedRttMs: -1, prior: {} },
    { v: 1, samples: [], fittedRttMs: null, prior: { rttMs: 'fast' } },
  ])('refuses %j as a stored estimate', (json) => {
    expect(() => LinkEstimator.from(json)).toThrow(TypeError);
  });
});
