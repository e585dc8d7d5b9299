/**
 * A small HTTP server on 127.0.0.1 that serves a few files of its own and
 * forwards every other request to a Doorline server. The sync benchmark's
 * baseline worker must share an origin with Doorline's `/api/*`, and the
 * Doorline server only serves its own build, so both are put behind this.
 * It also counts the requests it forwards, so a benchmark can say what
 * crossed the link.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  contentType: string;
  body: Buffer;
}

export interface FrontServer {
  url: string;
  /** Forwarded requests since the last reset, as "METHOD /path" → count. */
  forwarded: () => Record<string, number>;
  /** Each forwarded POST /api/sync: when its body had come through the link, when the server answered, and its body's bytes. */
  syncs: () => Array<{ bodyAt: number; answeredAt: number; bytes: number }>;
  resetForwarded: () => void;
  close: () => Promise<void>;
}

/** Headers about one hop's connection, not the message; each hop writes its own. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Fastify's default, so a connection behind this server lives as long as one to Doorline would. */
const KEEP_ALIVE_MS = 72_000;

function endToEnd(rawHeaders: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!HOP_BY_HOP.has(name.toLowerCase())) kept.push(name, rawHeaders[i + 1] as string);
  }
  return kept;
}

/**
 * `files` maps a URL path to what is served there; every other request goes to `target`.
 * `authorization`: added to forwarded requests that carry none (the baseline worker
 * knows nothing of device tokens; it sends as a paired kiosk would).
 */
export async function startFrontServer(
  target: string,
  files: Record<string, ServedFile>,
  authorization?: () => string | null,
): Promise<FrontServer> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let forwarded: Record<string, number> = {};
  let syncs: Array<{ bodyAt: number; answeredAt: number; bytes: number }> = [];

  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? '/').split('?')[0] as string;
    const file = Object.hasOwn(files, urlPath) ? files[urlPath] : undefined;
    if (file) {
      res
        .writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length, 'cache-control': 'no-cache' })
        .end(file.body);
      return;
    }
    const key = `${req.method} ${urlPath}`;
    forwarded[key] = (forwarded[key] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bodyAt = Date.now();
      const headers = endToEnd(req.rawHeaders);
      const token = authorization?.();
      if (token && req.headers.authorization === undefined) headers.push('Authorization', token);
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          if (key === 'POST /api/sync') syncs.push({ bodyAt, answeredAt: Date.now(), bytes: Buffer.concat(chunks).length });
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
          answer.pipe(res);
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded: () => ({ ...forwarded }),
    syncs: () => [...syncs],
    resetForwarded: () => {
      forwarded = {};
      syncs = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
