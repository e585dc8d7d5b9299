import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Short enough for a test; the same mechanism as SERVER_TIMEOUTS in app.ts. */
const TIMEOUTS = { headersMs: 1_000, requestMs: 2_500, keepAliveMs: 1_000, idleMs: 2_000, checkEveryMs: 100 };

let t: TestApp;
let port: number;

/** A raw connection that sends `start`, then `drip` every `everyMs`, and tells when the server closed it and what it said. */
function slowClient(start: string, drip: string, everyMs: number) {
  const socket = net.connect(port, '127.0.0.1');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => {});
  socket.write(start);
  const timer = setInterval(() => socket.writable && socket.write(drip), everyMs);
  const closed = new Promise<string>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    }),
  );
  return { socket, closed, stop: () => (clearInterval(timer), socket.destroy()) };
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> =>
  Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms))]);

describe.each(databases())('on %s, a listening server', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database, timeouts: TIMEOUTS });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  });
  afterEach(async () => t.close());

  it('closes 200 connections trickling their headers, and serves everyone else meanwhile', async () => {
    const clients = Array.from({ length: 200 }, () => slowClient('GET /api/health HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: 1\r\n', 300));
    try {
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        expect(response.status).toBe(200);
        expect(performance.now() - started).toBeLessThan(1_000);
      }
      const answers = await within(Promise.all(clients.map((c) => c.closed)), TIMEOUTS.headersMs + 3_000);
      expect(answers).not.toBe('still open');
      for (const answer of answers as string[]) {
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(answer).toContain('x-content-type-options: nosniff');
        expect(answer).toContain('"code":"request-timeout"');
      }
    } finally {
      clients.forEach((c) => c.stop());
    }
  });

  it('closes a connection that sends its body a byte at a time past the request timeout', async () => {
    const client = slowClient(
      'POST /api/pair HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
      ' ',
      200,
    );
    try {
      const answer = await within(client.closed, TIMEOUTS.requestMs + 2_000);
      expect(answer).not.toBe('still open');
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      client.stop();
    }
  });

  it('keeps an event stream open past the idle timeout', async () => {
    const client = slowClient(`GET /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.token}\r\n\r\n`, '', 60_000);
    try {
      expect(await within(client.closed, TIMEOUTS.idleMs + 1_500)).toBe('still open');
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(response.status).toBe(200);
    } finally {
      client.stop();
    }
  });

  it('answers headers too large with a coded refusal that is not sniffed', async () => {
    const client = slowClient(`GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, '', 60_000);
    const answer = await within(client.closed, 3_000);
    client.stop();
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('x-content-type-options: nosniff');
    expect(answer).toContain('"code":"headers-too-large"');
  });
});
