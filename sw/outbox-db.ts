/**
 * The worker's IndexedDB, typed once: store names, keys and row types live
 * here and nowhere else. Upgrades are added as new versions below.
 */
import { Dexie, type EntityTable, type Table } from 'dexie';
import type { AttendanceStatus, OpKind } from '../src/shared/attendance-model.ts';
import type { MarkState } from '../src/shared/office-protocol.ts';
import type { Op, Receipt } from '../src/shared/protocol.ts';

export const DB_NAME = 'doorline';

/** A mark saved on this device, waiting for the server's receipt. Identity: (deviceId, seq). */
export interface OutboxOp extends Op {
  /** Always kept on the device, though the compact codec leaves it off the wire. */
  opId: string;
  kioskId: string;
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

/** Today's record for one student and session, as this device knows it (change feed + its own marks). */
export interface DayRecord {
  session: string;
  studentId: string;
  /** YYYY-MM-DD, school time. Rows of other days are dropped when the day turns. */
  date: string;
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  /** The server version this device knows; 0 when the server has none yet. */
  version: number;
  /** As the change feed's record carries them (Change): absent when the record has none. */
  reason?: string;
  reasonText?: string;
  checkOutReason?: string;
}

/** Where a mark made on this device stands, for the roll's rows. */
export interface MarkRecord {
  opId: string;
  session: string;
  studentId: string;
  kind: OpKind;
  status?: AttendanceStatus;
  at: number;
  state: MarkState;
  conflictId: string | null;
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
  | 'session'
  /** The school day (YYYY-MM-DD) of the last complete pull of the change feed: the device's copy of that day is loaded. */
  | 'loaded-day';

export type OutboxDb = Dexie & {
  outbox: EntityTable<OutboxOp, 'seq'>;
  deadLetters: EntityTable<DeadLetter, 'seq'>;
  roster: EntityTable<RosterEntry, 'studentId'>;
  meta: EntityTable<MetaEntry, 'key'>;
  records: Table<DayRecord, [string, string]>;
  marks: EntityTable<MarkRecord, 'opId'>;
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
  // Version 2: today's records from the change feed, and where each of this device's marks stands.
  db.version(2).stores({
    records: '[session+studentId], date',
    marks: 'opId, [session+studentId], at',
  });
  return db;
}
