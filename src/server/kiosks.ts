/**
 * A school's kiosks as an admin manages them: add, rename, set how each
 * reads cards and which way it faces, retire. A retired kiosk's devices are
 * revoked at once and its unused pairing codes stop working; its history stays.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { DoorlineError } from '../shared/error-codes.ts';
import type { KioskChange, KioskView, NewKioskInput } from '../shared/people-protocol.ts';
import { changedFields, logAdminAction, type AdminActor } from './admin-log.ts';
import type { Database } from './db/schema.ts';
import { findSchoolForWriting } from './school-queries.ts';

type KioskRow = Pick<Database['kiosks'], 'id' | 'name'> & {
  scan_mode: KioskView['scanMode'];
  direction: KioskView['direction'];
  retired_at: number | null;
};

function toView(row: KioskRow, pairedDevices: number): KioskView {
  return {
    id: row.id,
    name: row.name,
    scanMode: row.scan_mode,
    direction: row.direction,
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
    pairedDevices,
  };
}

async function pairedDevices(db: Kysely<Database>, schoolId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('devices')
    .select(['kiosk_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('school_id', '=', schoolId)
    .where('kind', '=', 'kiosk')
    .where('revoked_at', 'is', null)
    .groupBy('kiosk_id')
    .execute();
  return new Map(rows.map((r) => [r.kiosk_id ?? '', Number(r.n)]));
}

/** Kiosks in use first, by name; retired ones after them. */
export async function listKiosks(db: Kysely<Database>, schoolId: string): Promise<KioskView[]> {
  const rows = await db
    .selectFrom('kiosks')
    .select(['id', 'name', 'scan_mode', 'direction', 'retired_at'])
    .where('school_id', '=', schoolId)
    .orderBy('name')
    .execute();
  const paired = await pairedDevices(db, schoolId);
  return rows
    .map((row) => toView(row, paired.get(row.id) ?? 0))
    .sort((a, b) => Number(a.retiredAt !== null) - Number(b.retiredAt !== null));
}

async function kioskRow(db: Kysely<Database>, schoolId: string, kioskId: string): Promise<KioskRow> {
  const row = await db
    .selectFrom('kiosks')
    .select(['id', 'name', 'scan_mode', 'direction', 'retired_at'])
    .where('school_id', '=', schoolId)
    .where('id', '=', kioskId)
    .executeTakeFirst();
  if (!row) throw new DoorlineError('kiosk-not-found', { kioskId });
  return row;
}

/** Two kiosks in use may not share a name: people pair and read the device list by it. */
async function refuseTakenName(db: Kysely<Database>, schoolId: string, name: string, except: string | null): Promise<void> {
  const taken = await db
    .selectFrom('kiosks')
    .select('id')
    .where('school_id', '=', schoolId)
    .where('retired_at', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .$if(except !== null, (q) => q.where('id', '!=', except as string))
    .executeTakeFirst();
  if (taken) throw new DoorlineError('kiosk-name-taken', { name });
}

function kioskWrite<T>(db: Kysely<Database>, schoolId: string, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await findSchoolForWriting(trx, schoolId);
    return work(trx);
  });
}

export async function addKiosk(db: Kysely<Database>, actor: AdminActor, input: NewKioskInput, now: number): Promise<KioskView> {
  return kioskWrite(db, actor.schoolId, async (trx) => {
    await refuseTakenName(trx, actor.schoolId, input.name, null);
    const row: KioskRow = {
      id: randomUUID(),
      name: input.name,
      scan_mode: input.scanMode ?? 'keyboard',
      direction: input.direction ?? 'entrance',
      retired_at: null,
    };
    await trx
      .insertInto('kiosks')
      .values({ ...row, school_id: actor.schoolId, created_at: now })
      .execute();
    await logAdminAction(
      trx,
      actor,
      { action: 'kiosk-added', subject: row.name, details: { kioskId: row.id, scanMode: row.scan_mode, direction: row.direction } },
      now,
    );
    return toView(row, 0);
  });
}

export async function changeKiosk(
  db: Kysely<Database>,
  actor: AdminActor,
  kioskId: string,
  change: KioskChange,
  now: number,
): Promise<KioskView> {
  return kioskWrite(db, actor.schoolId, async (trx) => {
    const row = await kioskRow(trx, actor.schoolId, kioskId);
    if (row.retired_at !== null) throw new DoorlineError('kiosk-retired', { kioskId });
    const next: KioskRow = {
      ...row,
      name: change.name ?? row.name,
      scan_mode: change.scanMode ?? row.scan_mode,
      direction: change.direction ?? row.direction,
    };
    if (next.name !== row.name) await refuseTakenName(trx, actor.schoolId, next.name, kioskId);
    await trx
      .updateTable('kiosks')
      .set({ name: next.name, scan_mode: next.scan_mode, direction: next.direction })
      .where('id', '=', kioskId)
      .execute();
    const shown = (k: KioskRow) => ({ name: k.name, scanMode: k.scan_mode, direction: k.direction });
    const changed = changedFields(shown(row), shown(next));
    if (Object.keys(changed).length > 0)
      await logAdminAction(
        trx,
        actor,
        { action: changed.name ? 'kiosk-renamed' : 'kiosk-changed', subject: next.name, details: { kioskId, ...changed } },
        now,
      );
    return toView(next, (await pairedDevices(trx, actor.schoolId)).get(kioskId) ?? 0);
  });
}

/** Retires a kiosk: its devices are revoked (they keep their queues and can hand them over as a file). Returns the revoked devices. */
export async function retireKiosk(
  db: Kysely<Database>,
  actor: AdminActor,
  kioskId: string,
  now: number,
): Promise<{ kiosk: KioskView; revoked: string[] }> {
  return kioskWrite(db, actor.schoolId, async (trx) => {
    const row = await kioskRow(trx, actor.schoolId, kioskId);
    if (row.retired_at !== null) throw new DoorlineError('kiosk-retired', { kioskId });
    const devices = await trx
      .selectFrom('devices')
      .select('id')
      .where('school_id', '=', actor.schoolId)
      .where('kiosk_id', '=', kioskId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .updateTable('devices')
      .set({ revoked_at: now, revoked_by: actor.staffId })
      .where('school_id', '=', actor.schoolId)
      .where('kiosk_id', '=', kioskId)
      .where('revoked_at', 'is', null)
      .execute();
    // A code shown before the kiosk was retired must not pair a device to it afterwards.
    await trx
      .updateTable('pairing_codes')
      .set({ expires_at: now })
      .where('kiosk_id', '=', kioskId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
    await trx.updateTable('kiosks').set({ retired_at: now }).where('id', '=', kioskId).execute();
    const revoked = devices.map((d) => d.id);
    await logAdminAction(trx, actor, { action: 'kiosk-retired', subject: row.name, details: { kioskId, revokedDevices: revoked } }, now);
    return { kiosk: toView({ ...row, retired_at: now }, 0), revoked };
  });
}
