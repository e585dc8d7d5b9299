/**
 * A TCP proxy on 127.0.0.1 that behaves like a slow, long link: in each
 * direction one token bucket limits the bandwidth, shared by every
 * connection as a school's one line is (requests sent side by side split
 * it, they do not each get a line of their own), and every byte arrives
 * half a round trip after it left the bucket, in order. It counts the TCP payload
 * both ways, so a benchmark sees what a school's line would carry, HTTP
 * headers included.
 *
 * A new connection also pays the TCP handshake a real link would cost (one
 * round trip before the first byte can leave): the proxy accepts locally at
 * once, so without this a fresh connection would be a round trip cheaper here
 * than on the line it stands for.
 *
 * 'down' is a dead link: new connections are destroyed as they arrive and
 * open ones are destroyed at once.
 */
import net from 'node:net';

export interface Link {
  bitsPerSecond: number;
  rttMs: number;
}

export type Direction = 'up' | 'down';

export interface Span {
  first: number;
  last: number;
}

export interface ThrottleProxy {
  url: string;
  setLink: (link: Link | 'down') => void;
  /** Bytes put on the link since the last reset (counted as they leave the bucket): up is client to server. */
  bytes: () => { up: number; down: number };
  /** When the first and the last byte were delivered each way since the last reset (epoch ms, 0 if none). */
  timeline: () => Record<Direction, Span>;
  resetCounters: () => void;
  close: () => Promise<void>;
}

/** About one Ethernet frame: the bucket lets this much through at once. */
const BURST_BYTES = 1500;
/** Past this many bytes waiting for the bucket, stop reading the sender, as a full send buffer would. */
const HIGH_WATER_BYTES = 64 * 1024;

interface Connection {
  client: net.Socket;
  server: net.Socket;
  pipes: Pipe[];
}

/** One direction of the line: the tokens every connection's bytes in that direction draw on. */
interface Bucket {
  tokens: number;
  refilledAt: number;
}

interface Counters {
  bytes: Record<Direction, number>;
  delivered: Record<Direction, Span>;
}

const freshCounters = (): Counters => ({
  bytes: { up: 0, down: 0 },
  delivered: { up: { first: 0, last: 0 }, down: { first: 0, last: 0 } },
});

/**
 * One direction of one connection. `waiting` holds bytes not yet through the
 * bucket; `inFlight` holds pieces that left it, each with the time it arrives.
 * One timer at a time wakes the pump at the earlier of: enough tokens for the
 * next piece, or the next arrival.
 */
class Pipe {
  private readonly waiting: Buffer[] = [];
  private waitingBytes = 0;
  private readonly inFlight: Array<{ data: Buffer; arrivesAt: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly direction: Direction,
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly link: () => Link,
    private readonly counters: Counters,
    private readonly bucket: Bucket,
    /** No byte leaves before this: the handshake's round trip. */
    private readonly openAt: number,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      if (this.waitingBytes > HIGH_WATER_BYTES) from.pause();
      this.pump();
    });
    from.on('end', () => {
      this.ended = true;
      this.pump();
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    this.stop();
    if (this.to.destroyed) return;
    const now = Date.now();
    const { bitsPerSecond, rttMs } = this.link();
    const bytesPerMs = bitsPerSecond / 8 / 1000;
    const bucket = this.bucket;
    if (now > bucket.refilledAt) {
      bucket.tokens = Math.min(BURST_BYTES, bucket.tokens + (now - bucket.refilledAt) * bytesPerMs);
      bucket.refilledAt = now;
    }
    while (this.waiting.length > 0 && now >= this.openAt) {
      const head = this.waiting[0] as Buffer;
      const size = Math.min(head.length, BURST_BYTES);
      if (bucket.tokens < size) break;
      bucket.tokens -= size;
      this.inFlight.push({ data: head.subarray(0, size), arrivesAt: now + rttMs / 2 });
      if (size === head.length) this.waiting.shift();
      else this.waiting[0] = head.subarray(size);
      this.waitingBytes -= size;
      this.counters.bytes[this.direction] += size;
    }
    if (this.waitingBytes <= HIGH_WATER_BYTES && this.from.isPaused()) this.from.resume();
    while (this.inFlight.length > 0 && (this.inFlight[0]?.arrivesAt ?? Infinity) <= now) {
      const piece = this.inFlight.shift() as { data: Buffer };
      this.to.write(piece.data);
      const span = this.counters.delivered[this.direction];
      if (span.first === 0) span.first = now;
      span.last = now;
    }
    if (this.ended && this.waiting.length === 0 && this.inFlight.length === 0) {
      this.to.end();
      return;
    }
    let wakeAt = Infinity;
    const head = this.waiting[0];
    if (head) {
      // Another connection may take these tokens first: the pump then finds too few and waits again.
      const needed = Math.min(head.length, BURST_BYTES) - bucket.tokens;
      wakeAt = Math.max(this.openAt, now + (needed > 0 ? needed / bytesPerMs : 0));
    }
    const next = this.inFlight[0];
    if (next) wakeAt = Math.min(wakeAt, next.arrivesAt);
    if (wakeAt !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(wakeAt - now)));
  }
}

export async function startThrottleProxy(target: string, initial: Link | 'down'): Promise<ThrottleProxy> {
  const upstream = new URL(target);
  let link: Link | 'down' = initial;
  // Pipes read the speed on every pump, so a change applies to open connections too. Only
  // connections read it, and there are none while the link is down, so the first value is a placeholder.
  let speed: Link = initial === 'down' ? { bitsPerSecond: 8, rttMs: 0 } : initial;
  const currentLink = (): Link => speed;
  // One object shared by every pipe; a reset replaces its fields, not the object.
  const counters = freshCounters();
  const buckets: Record<Direction, Bucket> = {
    up: { tokens: BURST_BYTES, refilledAt: Date.now() },
    down: { tokens: BURST_BYTES, refilledAt: Date.now() },
  };
  const open = new Set<Connection>();

  const drop = (connection: Connection): void => {
    for (const pipe of connection.pipes) pipe.stop();
    connection.client.destroy();
    connection.server.destroy();
    open.delete(connection);
  };

  // Half-open sockets, so that an end travels behind the bytes still in flight instead of cutting them off.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (link === 'down') {
      client.destroy();
      return;
    }
    const serverSide = net.connect({ host: upstream.hostname, port: Number(upstream.port), allowHalfOpen: true });
    const openAt = Date.now() + link.rttMs;
    const connection: Connection = {
      client,
      server: serverSide,
      pipes: [
        new Pipe('up', client, serverSide, currentLink, counters, buckets.up, openAt),
        new Pipe('down', serverSide, client, currentLink, counters, buckets.down, openAt),
      ],
    };
    open.add(connection);
    // A reset on either side resets the other, as it would end to end.
    for (const socket of [client, serverSide]) {
      socket.on('error', () => drop(connection));
      socket.on('close', (hadError) => {
        if (hadError || (client.destroyed && serverSide.destroyed)) drop(connection);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    setLink(next) {
      link = next;
      if (next === 'down') {
        for (const connection of open) drop(connection);
      } else {
        speed = next;
      }
    },
    bytes: () => ({ ...counters.bytes }),
    timeline: () => ({ up: { ...counters.delivered.up }, down: { ...counters.delivered.down } }),
    resetCounters() {
      Object.assign(counters, freshCounters());
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of open) drop(connection);
        server.close(() => resolve());
      }),
  };
}
