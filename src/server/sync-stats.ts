/**
 * The sync statistics per device and school day: the only writer and reader
 * of `device_stats`. Ingest counts each batch slice with one upsert in its own
 * transaction, so the figures never disagree with the ops stored.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DeviceDayStats } from '../shared/stats-protocol.ts';
import type { Receipt } from '../shared/protocol.ts';
import type { Database } from './db/schema.ts';

export interface BatchCount {
  schoolId: string;
  date: string;
  deviceId: string;
  receipts: readonly Receipt[];
  bytes: number;
}

export async function countBatch(trx: Transaction<Database>, batch: BatchCount): Promise<void> {
  const count = (status: Receipt['status']) => batch.receipts.filter((r) => r.status === status).length;
  const row = {
    ops_received: batch.receipts.length,
    duplicates: count('duplicate'),
    refusals: count('rejected'),
    conflicts: count('conflict'),
    bytes_received: batch.bytes,
  };
  await trx
    .insertInto('device_stats')
    .values({ school_id: batch.schoolId, date: batch.date, device_id: batch.deviceId, ...row })
    .onConflict((oc) =>
      oc.columns(['school_id', 'date', 'device_id']).doUpdateSet((eb) => ({
        ops_received: eb('device_stats.ops_received', '+', eb.ref('excluded.ops_received')),
        duplicates: eb('device_stats.duplicates', '+', eb.ref('excluded.duplicates')),
        refusals: eb('device_stats.refusals', '+', eb.ref('excluded.refusals')),
        conflicts: eb('device_stats.conflicts', '+', eb.ref('excluded.conflicts')),
        bytes_received: eb('device_stats.bytes_received', '+', eb.ref('excluded.bytes_received')),
      })),
    )
    .execute();
}

/** From `from` to `to` inclusive, by date then device; one school's, or every school's for a monitoring tool (schoolId null). */
export async function readSyncStats(
  db: Kysely<Database>,
  range: { schoolId: string | null; from: string; to: string },
): Promise<DeviceDayStats[]> {
  const rows = await db
    .selectFrom('device_stats')
    .innerJoin('devices', 'devices.id', 'device_stats.device_id')
    .leftJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
    .select([
      'device_stats.date',
      'device_stats.school_id',
      'device_stats.device_id',
      'devices.kind',
      'kiosks.name as kiosk_name',
      'device_stats.ops_received',
      'device_stats.duplicates',
      'device_stats.refusals',
      'device_stats.conflicts',
      'device_stats.bytes_received',
    ])
    .$if(range.schoolId !== null, (q) => q.where('device_stats.school_id', '=', range.schoolId as string))
    .where('device_stats.date', '>=', range.from)
    .where('device_stats.date', '<=', range.to)
    .orderBy('device_stats.date')
    .orderBy('device_stats.school_id')
    .orderBy('device_stats.device_id')
    .execute();
  return rows.map((r) => ({
    date: r.date,
    schoolId: r.school_id,
    deviceId: r.device_id,
    kind: r.kind,
    deviceName: r.kiosk_name,
    opsReceived: Number(r.ops_received),
    duplicates: Number(r.duplicates),
    refusals: Number(r.refusals),
    conflicts: Number(r.conflicts),
    bytesReceived: Number(r.bytes_received),
  }));
}
