/**
 * One accessor per store of the worker's database (sw/outbox-db.ts), made
 * together. A use case that spans stores opens its transaction over their
 * tables and calls each owner inside it.
 */
import { DayRecords } from './day-records.ts';
import { DeadLetters } from './dead-letters.ts';
import { DeviceMarks } from './device-marks.ts';
import { DeviceMeta } from './device-meta.ts';
import type { OutboxDb } from './outbox-db.ts';
import { Outbox } from './outbox.ts';
import { Roster } from './roster.ts';

export interface WorkerStores {
  db: OutboxDb;
  outbox: Outbox;
  deadLetters: DeadLetters;
  meta: DeviceMeta;
  roster: Roster;
  records: DayRecords;
  marks: DeviceMarks;
}

export function workerStores(db: OutboxDb, newDeviceId?: () => string): WorkerStores {
  return {
    db,
    outbox: new Outbox(db),
    deadLetters: new DeadLetters(db),
    meta: new DeviceMeta(db, newDeviceId),
    roster: new Roster(db),
    records: new DayRecords(db),
    marks: new DeviceMarks(db),
  };
}
