/**
 * The worker's IndexedDB, typed once: store names, keys and row types live
 * here and nowhere else. Upgrades are added as new versions below.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { AttendanceStatus, OpKind, Receipt } from '../src/shared/protocol.ts';

export const DB_NAME = 'doorline';

/** A mark saved on this device, waiting for the server's receipt. Identity: (deviceId, seq). */
export interface OutboxOp {
  seq: number;
  opId: string;
  kind: OpKind;
  kioskId: string;
  studentId: string;
  at: number;
  session: string;
  status?: AttendanceStatus;
  text?: string;
  base: number;
  /** Milliseconds to add to `at` for the server's time, as last measured; absent before the first sync. */
  offset?: number;
  /** The hybrid logical clock reading when the op was made (src/shared/hlc.ts). */
  hlc?: string;
  queuedAt: number;
}

/** An op the server refused for good, kept with the receipt that refused it. */
export interface DeadLetter extends OutboxOp {
  receipt: Receipt;
  refusedAt: number;
}

export interface RosterEntry {
  studentId: string;
  name: string;
  homeroom: string;
}

export interface MetaEntry {
  key: MetaKey;
  value: unknown;
}

export type MetaKey =
  | 'device-id'
  | 'next-seq'
  | 'kiosk-config'
  | 'roster-version'
  | 'last-sync-at'
  | 'link-estimate'
  | 'device-token'
  | 'change-cursor'
  | 'clock-offset'
  | 'hlc'
  | 'session';

export type OutboxDb = Dexie & {
  outbox: EntityTable<OutboxOp, 'seq'>;
  deadLetters: EntityTable<DeadLetter, 'seq'>;
  roster: EntityTable<RosterEntry, 'studentId'>;
  meta: EntityTable<MetaEntry, 'key'>;
};

export function openOutboxDb(name = DB_NAME): OutboxDb {
  // Strict durability: a kiosk can lose power right after a student sees
  // "checked in", and that confirmation must still be true afterwards.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as OutboxDb;
  db.version(1).stores({
    outbox: 'seq, &opId',
    deadLetters: 'seq, opId',
    roster: 'studentId',
    meta: 'key',
  });
  return db;
}
