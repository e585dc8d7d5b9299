/**
 * One device stalls everyone? Against a real server process (SQLite), one
 * kiosk sends BATCHES batches of OPS check-ins all at once, as a kiosk with
 * a long backlog and a broken scheduler would, while a health probe and a
 * kiosk of another school send every PROBE_EVERY_MS and are timed. Each
 * probe's latency counts from when it was sent, so a server that holds it
 * behind the flood shows in full. Busy answers (503 `server-busy`, 429
 * `sync-in-progress`) to the flooding kiosk are counted, not retried.
 *
 * Goal: both probes under 200 ms at p95. One JSON line on stdout.
 */
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../src/server/db/open-database.ts';
import { createPairingCode } from '../../src/server/pairing.ts';
import type { Op } from '../../src/shared/protocol.ts';
import { startServer, type ServerProcess } from '../e2e/support/server-process.ts';
import { insertHillside } from '../support/hillside.ts';
import { syncRequest, type SimulatedKiosk } from '../support/kiosk-sync.ts';

const BATCHES = 50;
const OPS = 2_000;
const PROBE_EVERY_MS = 50;
const STUDENTS = 600;
const FIRST_STUDENT = 100001;
const GOAL_MS = 200;

type Kiosk = SimulatedKiosk;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0).toFixed(1));
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function pair(server: ServerProcess, code: string, deviceId: string): Promise<Kiosk> {
  const answer = await fetch(`${server.url}/api/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: 1, code, deviceId, appVersion: '0.2.0' }),
  });
  if (!answer.ok) throw new Error(`pairing ${deviceId} answered ${answer.status}: ${await answer.text()}`);
  const paired = (await answer.json()) as { token: string; config: { kiosk: { id: string } } };
  return { deviceId, kioskId: paired.config.kiosk.id, token: paired.token };
}

/** A second school with one kiosk, written beside the running server into its database; its pairing code. */
async function otherSchool(server: ServerProcess): Promise<string> {
  const db = openDatabase({ kind: 'sqlite', file: server.dbFile });
  try {
    const now = Date.now();
    const schoolId = randomUUID();
    const kioskId = randomUUID();
    await insertHillside(db, { schoolId, kioskId, now, timeZone: 'Europe/London' });
    return (await createPairingCode(db, { schoolId, kioskId, createdBy: 'bench', now })).code;
  } finally {
    await db.destroy();
  }
}

/** Sends `once` every PROBE_EVERY_MS until stopped, one at a time; the latencies, and how many failed. */
function probe(once: () => Promise<boolean>): { stop: () => Promise<{ latencies: number[]; failed: number }> } {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await once().catch(() => false);
      latencies.push(performance.now() - started);
      if (!ok) failed++;
      await sleep(PROBE_EVERY_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { latencies, failed };
    },
  };
}

export async function run(): Promise<void> {
  const server = await startServer();
  try {
    const flooder = await pair(server, await server.pairingCode(), 'stall-flooding-kiosk-0000000000001');
    const other = await pair(server, await otherSchool(server), 'stall-other-school-kiosk-000000001');
    const now = Date.now();
    const batches = Array.from({ length: BATCHES }, (_, b) =>
      syncRequest(
        flooder,
        Array.from({ length: OPS }, (_, i): Op => {
          const n = b * OPS + i;
          return {
            seq: n + 1,
            kind: 'check-in',
            studentId: String(FIRST_STUDENT + (n % STUDENTS)),
            at: now - (OPS - i),
            session: 'day',
            base: 0,
          };
        }),
      ),
    );
    let otherSeq = 0;
    const health = probe(async () => (await fetch(`${server.url}/api/health`)).ok);
    const otherSchoolProbe = probe(async () => {
      otherSeq++;
      const op: Op = {
        seq: otherSeq,
        kind: 'check-in',
        studentId: String(200001 + (otherSeq % 20)),
        at: Date.now(),
        session: 'day',
        base: 0,
      };
      const answer = await fetch(`${server.url}/api/sync`, syncRequest(other, [op]));
      await answer.text();
      return answer.ok;
    });
    await sleep(500);
    const started = performance.now();
    const statuses = await Promise.all(
      batches.map(async (init) => {
        const answer = await fetch(`${server.url}/api/sync`, init);
        await answer.text();
        return answer.status;
      }),
    );
    const floodMs = performance.now() - started;
    await sleep(500);
    const [healthTimes, otherTimes] = await Promise.all([health.stop(), otherSchoolProbe.stop()]);
    const busy = statuses.filter((s) => s === 503 || s === 429).length;
    const result = {
      bench: 'stall',
      batches: BATCHES,
      ops_per_batch: OPS,
      health_p50_ms: percentile(healthTimes.latencies, 50),
      health_p95_ms: percentile(healthTimes.latencies, 95),
      other_school_p50_ms: percentile(otherTimes.latencies, 50),
      other_school_p95_ms: percentile(otherTimes.latencies, 95),
      other_school_failed: otherTimes.failed,
      busy_answers: busy,
      applied_batches: statuses.filter((s) => s === 200).length,
      other_answers: statuses.filter((s) => s !== 200 && s !== 503 && s !== 429),
      flood_ms: Math.round(floodMs),
      goal_ms: GOAL_MS,
    };
    console.log(JSON.stringify(result));
  } finally {
    await server.stop();
  }
}
