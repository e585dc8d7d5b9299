import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startThrottleProxy, type ThrottleProxy } from '../bench/support/throttle-proxy.ts';

let echo: net.Server;
let echoUrl: string;
const echoSockets = new Set<net.Socket>();
let proxy: ThrottleProxy | undefined;

beforeEach(async () => {
  echo = net.createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const socket of echoSockets) socket.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `payload` through an open socket and resolves with the elapsed ms once it has all come back. */
function roundTrip(socket: net.Socket, payload: Buffer): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= payload.length) resolve(Date.now() - started);
    });
    socket.once('error', reject);
    socket.once('close', () => received < payload.length && reject(new Error(`closed after ${received} of ${payload.length} bytes`)));
    socket.write(payload);
  });
}

/** Resolves when the socket is closed by the other end, rejects if it is still open after `ms`. */
function closedWithin(socket: net.Socket, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => reject(new Error('the socket stayed open')), ms);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('throttle proxy', () => {
  it('carries 16 KiB at 64 kbit/s with 200 ms round trip in about the time the link allows, counting every byte', async () => {
    proxy = await startThrottleProxy(echoUrl, { bitsPerSecond: 64_000, rttMs: 200 });
    const payload = Buffer.alloc(16 * 1024, 7);
    const socket = await connect(proxy.url);
    const elapsed = await roundTrip(socket, payload);
    socket.destroy();
    // Handshake (200 ms) + 16 KiB through an 8000 B/s bucket less its 1500-byte burst (1.86 s) + there and back (200 ms).
    expect(elapsed).toBeGreaterThanOrEqual(2_100);
    expect(elapsed).toBeLessThan(3_800);
    expect(proxy.bytes()).toEqual({ up: payload.length, down: payload.length });
  });

  it('splits the line between connections sending at once, as one school line would', async () => {
    proxy = await startThrottleProxy(echoUrl, { bitsPerSecond: 64_000, rttMs: 200 });
    const sockets = await Promise.all([connect(proxy.url), connect(proxy.url)]);
    const payload = Buffer.alloc(8 * 1024, 7);
    const elapsed = await Promise.all(sockets.map((socket) => roundTrip(socket, payload)));
    for (const socket of sockets) socket.destroy();
    // 16 KiB in all through one 8000 B/s bucket: the later of the two needs about as long as one 16 KiB send (above),
    // where a line each would have carried both in about 1.2 s.
    expect(Math.max(...elapsed)).toBeGreaterThanOrEqual(2_000);
    expect(proxy.bytes()).toEqual({ up: 2 * payload.length, down: 2 * payload.length });
  });

  it('holds a small message for the handshake and one round trip', async () => {
    proxy = await startThrottleProxy(echoUrl, { bitsPerSecond: 1_000_000, rttMs: 150 });
    const socket = await connect(proxy.url);
    const elapsed = await roundTrip(socket, Buffer.from('hello'));
    socket.destroy();
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    const { up, down } = proxy.timeline();
    expect(up.first).toBeGreaterThan(0);
    expect(down.first - up.last).toBeGreaterThanOrEqual(70);
    expect(down.last).toBeGreaterThanOrEqual(down.first);
  });

  it('starts counting afresh after a reset', async () => {
    proxy = await startThrottleProxy(echoUrl, { bitsPerSecond: 10_000_000, rttMs: 0 });
    const socket = await connect(proxy.url);
    await roundTrip(socket, Buffer.alloc(1000));
    proxy.resetCounters();
    expect(proxy.bytes()).toEqual({ up: 0, down: 0 });
    expect(proxy.timeline()).toEqual({ up: { first: 0, last: 0 }, down: { first: 0, last: 0 } });
    socket.removeAllListeners('data');
    await roundTrip(socket, Buffer.alloc(300));
    socket.destroy();
    expect(proxy.bytes()).toEqual({ up: 300, down: 300 });
  });

  it('cuts open connections and refuses new ones while down, and lets them through once the link is back', async () => {
    proxy = await startThrottleProxy(echoUrl, { bitsPerSecond: 10_000_000, rttMs: 0 });
    const before = await connect(proxy.url);
    await roundTrip(before, Buffer.from('ping'));
    proxy.setLink('down');
    await closedWithin(before, 1_000);

    const during = await connect(proxy.url);
    await closedWithin(during, 1_000);

    proxy.setLink({ bitsPerSecond: 10_000_000, rttMs: 0 });
    const after = await connect(proxy.url);
    await roundTrip(after, Buffer.from('pong'));
    after.destroy();
  });
});
