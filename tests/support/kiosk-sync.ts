/**
 * A kiosk simulated in Node, for benches and multi-process tests: paired
 * through the pairing API with a token of its own, syncing gzipped batches in
 * the real codec with the headers a kiosk's worker sends.
 */
import { gzipSync } from 'node:zlib';
import { BATCH_MEDIA_TYPE, encodeBatch } from '../../src/shared/batch-codec.ts';
import type { Op } from '../../src/shared/protocol.ts';

export interface SimulatedKiosk {
  deviceId: string;
  kioskId: string;
  token: string;
}

/** Pairs `deviceId` at `url` with a one-time code an admin made. */
export async function pairSimulatedKiosk(url: string, code: string, deviceId: string): Promise<SimulatedKiosk> {
  const answer = await fetch(`${url}/api/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: 1, code, deviceId, appVersion: '0.2.0' }),
  });
  if (!answer.ok) throw new Error(`pairing ${deviceId} answered ${answer.status}: ${await answer.text()}`);
  const paired = (await answer.json()) as { token: string; config: { kiosk: { id: string } } };
  return { deviceId, kioskId: paired.config.kiosk.id, token: paired.token };
}

/** The `POST /api/sync` of these ops, as the kiosk's worker sends it. */
export function syncRequest(kiosk: SimulatedKiosk, ops: Op[]): RequestInit {
  return {
    method: 'POST',
    headers: {
      authorization: `Bearer ${kiosk.token}`,
      'content-type': BATCH_MEDIA_TYPE,
      'content-encoding': 'gzip',
      accept: 'application/json',
    },
    body: gzipSync(encodeBatch({ deviceId: kiosk.deviceId, kioskId: kiosk.kioskId, ops })),
  };
}
