/**
 * An HTTP proxy between the browser and the server that can misbehave on
 * `POST /api/sync` the way real networks do: a 500 from an overloaded server,
 * an HTML page from a captive portal, or an answer lost after the server
 * committed. It can also play a newer server that adds a field the kiosk
 * does not know to every sync answer and change page, or a server that is
 * `down`: then every request's connection is dropped. Everything else passes
 * through untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export type SyncMode = 'pass' | 'error-500' | 'html-200' | 'drop-after-commit' | 'error-401' | 'down' | 'flaky';

export interface FaultProxy {
  url: string;
  mode: SyncMode;
  /** When set, a sync body larger than this is answered 413, as a server with a smaller cap would. */
  maxSyncBodyBytes: number | null;
  /** How long each sync waits at the proxy before it goes on to the server: a slow link, so a drain takes a while. */
  syncDelayMs: number;
  /** Sizes of the sync bodies that passed. */
  passedBodies: number[];
  tooLarge: number;
  /** How many sync requests were answered in each mode. */
  seen: Record<SyncMode, number>;
  /**
   * In `flaky` mode, the share of requests whose connection is cut, spread
   * evenly over them (so a short drain meets its share too), each at one of
   * two points in turn: before the server sees it, or after it committed and
   * before its answer. The rest pass.
   */
  cutShare: number;
  /** Connections cut in `flaky` mode, by where. */
  cut: { before: number; after: number };
  /** When true, answers of `/api/sync` and `/api/changes` carry fields a newer server might add. */
  newerServer: boolean;
  /** How many answers were given the newer server's fields. */
  widened: { sync: number; changes: number };
  close: () => Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  /** Requests seen in `flaky` mode, and which of them to cut: the n-th when the share's running total passes a whole number. */
  let flakyRequests = 0;
  const cutThis = (): 'before' | 'after' | null => {
    const n = flakyRequests++;
    if (Math.floor((n + 1) * proxy.cutShare) === Math.floor(n * proxy.cutShare)) return null;
    return (proxy.cut.before + proxy.cut.after) % 2 === 0 ? 'before' : 'after';
  };
  const proxy: FaultProxy = {
    url: '',
    mode: 'pass',
    maxSyncBodyBytes: null,
    syncDelayMs: 0,
    passedBodies: [],
    tooLarge: 0,
    seen: { pass: 0, 'error-500': 0, 'html-200': 0, 'drop-after-commit': 0, 'error-401': 0, down: 0, flaky: 0 },
    cutShare: 0.3,
    cut: { before: 0, after: 0 },
    newerServer: false,
    widened: { sync: 0, changes: 0 },
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const isSync = req.method === 'POST' && req.url === '/api/sync';
      if (isSync && proxy.syncDelayMs > 0) setTimeout(() => handle(isSync), proxy.syncDelayMs);
      else handle(isSync);
    });
    const handle = (isSync: boolean): void => {
      if (proxy.mode === 'down') {
        if (isSync) proxy.seen.down++;
        req.socket.destroy();
        return;
      }
      if (isSync) proxy.seen[proxy.mode]++;
      // A flaky link cuts any request, syncs and the rest alike; a request it spares passes.
      const cutAt = proxy.mode === 'flaky' ? cutThis() : null;
      if (cutAt === 'before') {
        proxy.cut.before++;
        req.socket.destroy();
        return;
      }
      const mode = cutAt === 'after' ? 'drop-after-commit' : isSync && proxy.mode !== 'flaky' ? proxy.mode : 'pass';
      if (cutAt === 'after') proxy.cut.after++;
      if (mode === 'error-500') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"overloaded"}}');
        return;
      }
      if (mode === 'error-401') {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"code":"device-unauthorized","message":"This kiosk needs to be paired again."}}');
        return;
      }
      const body = Buffer.concat(chunks);
      if (isSync && mode === 'pass') {
        if (proxy.maxSyncBodyBytes !== null && body.length > proxy.maxSyncBodyBytes) {
          proxy.tooLarge++;
          res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":{"code":"body-too-large","message":"too large"}}');
          return;
        }
        proxy.passedBodies.push(body.length);
      }
      if (mode === 'html-200') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>Welcome</title><p>Accept the terms to use this Wi-Fi.</p>');
        return;
      }
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          if (mode === 'drop-after-commit') {
            // The server has committed; the answer never reaches the browser.
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          const feed = req.method === 'GET' && (req.url ?? '').startsWith('/api/changes?');
          if (proxy.newerServer && answer.statusCode === 200 && (isSync || feed)) {
            widen(answer, res, isSync ? 'sync' : 'changes');
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(body);
    };
  });
  /** Answers with the server's JSON plus a field at the top, on the change page and on each change. */
  function widen(answer: http.IncomingMessage, res: http.ServerResponse, which: 'sync' | 'changes'): void {
    const parts: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => parts.push(chunk));
    answer.on('end', () => {
      const raw = Buffer.concat(parts);
      const encoding = answer.headers['content-encoding'];
      const plain = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
      const json = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
      const withNews = (page: Record<string, unknown>) => ({
        ...page,
        region: 'north',
        changes: (page.changes as Array<Record<string, unknown>>).map((c) => ({ ...c, by: 'office' })),
      });
      const newer =
        which === 'changes'
          ? withNews(json)
          : { ...json, ...(json.changes ? { changes: withNews(json.changes as Record<string, unknown>) } : {}) };
      const body = JSON.stringify({ ...newer, retryAfterHint: 5 });
      proxy.widened[which]++;
      const { 'content-encoding': _encoding, 'content-length': _length, ...headers } = answer.headers;
      res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
