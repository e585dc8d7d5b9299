/**
 * Two cheap attacks against a real server process, and what they do to
 * everyone else: a health probe every PROBE_EVERY_MS measures the latency a
 * kiosk would see meanwhile.
 *
 * - nested-gzip: REQUESTS strangers at once, each a 4 KB gzip of two million
 *   nested `[` posted to /api/sync with no credentials. Reports the probe's
 *   p95 and worst, and how long each stranger waited for the refusal.
 * - slowloris: CONNECTIONS sockets each sending a request head one header
 *   line per second, never finishing, for WINDOW_MS. Reports the probe's p95
 *   and how many of the slow connections the server refused (closed).
 * - sign-in-flood: SIGN_INS wrong passwords at once for one account, each
 *   from an address of its own (behind a trusted proxy), so that no
 *   per-address limit spares the server a hash. The probe here is the
 *   sign-in page itself, a static file read on the thread pool the hashes
 *   share, asked for every 50 ms without waiting, as people opening it do. `--before=DIR` runs the same flood against another built
 *   checkout too (for the figure before the hashes were bounded).
 *
 * One JSON line per attack on stdout.
 */
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';

const REQUESTS = 10;
const CONNECTIONS = 200;
const PROBE_EVERY_MS = 20;
const WINDOW_MS = 15_000;
const SIGN_INS = 50;
const FLOOD_ORIGIN = 'https://doorline.example';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0).toFixed(1));
};

/** Probes /api/health until stopped; each latency counts from when the probe was due, so a blocked loop shows in full. */
function probeHealth(url: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        await fetch(`${url}/api/health`);
      } catch {
        // A failed probe counts as slow as the wait it cost.
      }
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

async function nestedGzip(server: ServerProcess): Promise<void> {
  const bomb = gzipSync(Buffer.from('['.repeat(2_000_000)), { level: 9 });
  const probe = probeHealth(server.url);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, async () => {
      const started = performance.now();
      const response = await fetch(`${server.url}/api/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: bomb,
      });
      await response.text();
      return { ms: performance.now() - started, status: response.status };
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const health = await probe.stop();
  const unauth = answers.map((a) => a.ms);
  console.log(
    JSON.stringify({
      bench: 'attacks',
      attack: 'nested-gzip',
      requests: REQUESTS,
      gzip_bytes: bomb.length,
      health_p95_ms: percentile(health, 95),
      health_max_ms: percentile(health, 100),
      unauth_answer_ms_p50: percentile(unauth, 50),
      unauth_answer_ms_max: percentile(unauth, 100),
      statuses: [...new Set(answers.map((a) => a.status))],
    }),
  );
}

async function slowloris(server: ServerProcess): Promise<void> {
  const { hostname, port } = new URL(server.url);
  let refused = 0;
  const sockets = Array.from({ length: CONNECTIONS }, () => {
    const socket = net.connect(Number(port), hostname);
    socket.on('error', () => {});
    socket.on('close', () => refused++);
    socket.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 1_000);
    socket.on('close', () => clearInterval(drip));
    return { socket, drip };
  });
  const probe = probeHealth(server.url);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const health = await probe.stop();
  const held = CONNECTIONS - refused;
  for (const { socket, drip } of sockets) {
    clearInterval(drip);
    socket.removeAllListeners('close');
    socket.destroy();
  }
  console.log(
    JSON.stringify({
      bench: 'attacks',
      attack: 'slowloris',
      connections: CONNECTIONS,
      window_ms: WINDOW_MS,
      health_p95_ms: percentile(health, 95),
      health_max_ms: percentile(health, 100),
      refused,
      still_held: held,
    }),
  );
}

/** Asks for a page every `everyMs` without waiting for the one before, as many people opening it would. */
function probeOpenly(url: string, pathname: string, everyMs: number): { stop: () => Promise<number[]> } {
  const pending: Array<Promise<number>> = [];
  const timer = setInterval(() => {
    const started = performance.now();
    pending.push(
      fetch(`${url}${pathname}`)
        .then((response) => response.arrayBuffer())
        .then(
          () => performance.now() - started,
          () => performance.now() - started,
        ),
    );
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      return Promise.all(pending);
    },
  };
}

async function signInFlood(server: ServerProcess, build: string, origin: string): Promise<void> {
  const quiet = probeOpenly(server.url, '/sign-in', 50);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const before = await quiet.stop();
  const probe = probeOpenly(server.url, '/sign-in', 50);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: SIGN_INS }, async (_, i) => {
      const response = await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, 'x-forwarded-for': `198.51.100.${i + 1}` },
        body: JSON.stringify({ v: 1, email: 'teacher@riverside.example', password: `not the password ${i}` }),
      });
      await response.text();
      return response.status;
    }),
  );
  const floodMs = performance.now() - started;
  const during = await probe.stop();
  console.log(
    JSON.stringify({
      bench: 'attacks',
      attack: 'sign-in-flood',
      build,
      sign_ins: SIGN_INS,
      flood_ms: Math.round(floodMs),
      sign_in_page_quiet_p50_ms: percentile(before, 50),
      sign_in_page_p50_ms: percentile(during, 50),
      sign_in_page_p95_ms: percentile(during, 95),
      statuses: [...new Set(answers)].sort(),
    }),
  );
}

/** Behind a TLS proxy, as a flood from many addresses would reach a school's server. */
const BEHIND_PROXY = { TRUST_PROXY: '1', PUBLIC_URL: FLOOD_ORIGIN };

export async function run(): Promise<void> {
  const server = await startServer();
  try {
    await nestedGzip(server);
    await slowloris(server);
  } finally {
    await server.stop();
  }
  const proxied = await startServer({ env: BEHIND_PROXY });
  try {
    await signInFlood(proxied, 'this', FLOOD_ORIGIN);
  } finally {
    await proxied.stop();
  }
  const other = process.argv.find((a) => a.startsWith('--before='))?.slice('--before='.length);
  if (other) {
    // An older build may compare Origin with the Host header rather than PUBLIC_URL: it is sent what either takes.
    const old = await startServer({ env: BEHIND_PROXY, root: other });
    try {
      await signInFlood(old, other, new URL(old.url).origin);
    } finally {
      await old.stop();
    }
  }
}
