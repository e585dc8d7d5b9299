/** What a route publishes after its write: the events its answer implies, with the school's newest change number. */
import { LIVE_EVENTS_VERSION, type LiveEvent } from '../../shared/live-events.ts';
import type { ReceiptRun } from '../../shared/protocol.ts';
import { newestSeq } from '../change-feed.ts';
import type { Db } from '../db/open-database.ts';
import type { EventBus } from './event-bus.ts';

export interface Written {
  records?: boolean;
  conflictsOpened?: number;
  conflictsResolved?: number;
  roster?: boolean;
  settings?: boolean;
  deviceId?: string;
}

/** What a batch's receipts say was written: duplicates and refusals wrote nothing new. */
export function writtenBy(receipts: readonly ReceiptRun[]): Written {
  let records = false;
  let conflictsOpened = 0;
  for (const run of receipts) {
    if (run.status === 'applied' || run.status === 'merged') records = true;
    if (run.status === 'conflict') conflictsOpened += run.n;
  }
  return { records, conflictsOpened };
}

export class Announcer {
  constructor(
    readonly bus: EventBus,
    private readonly db: Db,
  ) {}

  /** Publishes after the write has committed; a failure to read the number only costs the events. */
  async announce(schoolId: string, written: Written): Promise<void> {
    const v = LIVE_EVENTS_VERSION;
    const events: LiveEvent[] = [];
    const changed =
      written.records || (written.conflictsOpened ?? 0) > 0 || (written.conflictsResolved ?? 0) > 0 || written.roster || written.settings;
    if (changed) {
      const seq = await newestSeq(this.db, schoolId).catch(() => null);
      if (seq !== null) {
        if (written.records) events.push({ v, kind: 'records-changed', seq });
        if (written.conflictsOpened) events.push({ v, kind: 'conflicts-opened', seq, count: written.conflictsOpened });
        if (written.conflictsResolved) events.push({ v, kind: 'conflicts-resolved', seq, count: written.conflictsResolved });
        if (written.roster) events.push({ v, kind: 'roster-changed', seq });
        if (written.settings) events.push({ v, kind: 'settings-changed', seq });
      }
    }
    if (written.deviceId !== undefined) events.push({ v, kind: 'devices-changed', deviceId: written.deviceId });
    this.bus.publish(schoolId, events);
  }
}
