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

export async function run(): Promise<void> {
  const server = await startServer();
  try {
    await nestedGzip(server);
    await slowloris(server);
  } finally {
    await server.stop();
  }
}
