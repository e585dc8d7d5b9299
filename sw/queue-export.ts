/**
 * Answers `GET /api/queue-export` with everything this device still holds as
 * a file, for a kiosk that cannot send any more (unpaired by the office).
 * The ops are exactly what a sync would send, so the office's import goes
 * through the normal ingest and importing twice changes nothing.
 */
import type { QueueExport } from '../src/shared/account-protocol.ts';
import { PROTOCOL_VERSION } from '../src/shared/protocol.ts';
import { toWireOp } from './drain.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { WorkerStores } from './worker-stores.ts';

export async function exportQueue(stores: Pick<WorkerStores, 'outbox' | 'meta'>, kiosk: KioskCache, now = Date.now()): Promise<Response> {
  const [deviceId, config, waiting] = await Promise.all([stores.meta.deviceId(), kiosk.config(), stores.outbox.waiting(2 ** 31 - 1)]);
  const file: QueueExport = {
    v: PROTOCOL_VERSION,
    type: 'queue-export',
    deviceId,
    kioskId: config?.kiosk?.id ?? waiting[0]?.kioskId ?? 'unknown-kiosk',
    schoolName: config?.school.name ?? '',
    kioskName: config?.kiosk?.name ?? '',
    exportedAt: now,
    ops: waiting.map(toWireOp),
  };
  const day = new Date(now).toISOString().slice(0, 10);
  const name = `doorline-${(file.kioskName || 'kiosk').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-${day}.json`;
  return new Response(JSON.stringify(file), {
    headers: { 'content-type': 'application/json', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
  });
}
