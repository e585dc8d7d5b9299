/**
 * Bytes on the wire for one school morning (1,500 students, 4 kiosks), body
 * only, in each format a kiosk could send it. HTTP headers are measured by
 * the sync bench.
 *
 * Goal: doorline ≤ 8 bytes per record, gzipped.
 */
import { gzipSync } from 'node:zlib';
import { encodeBatch } from '../../src/shared/batch-codec.ts';
import { PROTOCOL_VERSION, type Op, type SyncRequest } from '../../src/shared/protocol.ts';
import { mulberry32, realisticMorning } from './support/morning.ts';

const GOAL_BYTES_PER_RECORD = 8;

interface Kiosk {
  deviceId: string;
  kioskId: string;
  ops: Op[];
}

/** A version-4-shaped UUID from a seeded PRNG, so ids are as long as real ones and the same every run. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function syncBody(kiosk: Kiosk, ops: Op[]): string {
  const request: SyncRequest = { v: PROTOCOL_VERSION, type: 'sync', deviceId: kiosk.deviceId, kioskId: kiosk.kioskId, ops };
  return JSON.stringify(request);
}

function report(format: string, records: number, bytes: number, extra: Record<string, number> = {}): void {
  const bytesPerRecord = Math.round((bytes / records) * 100) / 100;
  console.log(JSON.stringify({ bench: 'wire', format, records, bytes, bytes_per_record: bytesPerRecord, ...extra }));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export async function run(): Promise<void> {
  const random = mulberry32(7);
  // As a kiosk's worker sends them: each op with the clock offset measured at the
  // last pull (a second or so off, the same all morning).
  const kiosks: Kiosk[] = realisticMorning({ students: 1500, kiosks: 4 }).map(({ ops }, k) => {
    const offset = -1250 + k * 317;
    return { deviceId: uuid(random), kioskId: uuid(random), ops: ops.map((op) => ({ ...op, offset })) };
  });
  const records = sum(kiosks.map((k) => k.ops.length));

  report('json-per-record', records, sum(kiosks.flatMap((k) => k.ops.map((op) => Buffer.byteLength(syncBody(k, [op]))))));
  report('json-batch', records, sum(kiosks.map((k) => Buffer.byteLength(syncBody(k, k.ops)))));
  report('json-batch-gzip', records, sum(kiosks.map((k) => gzipSync(syncBody(k, k.ops)).length)));
  report('doorline', records, sum(kiosks.map((k) => gzipSync(encodeBatch(k)).length)), { goal_bytes_per_record: GOAL_BYTES_PER_RECORD });
}
