/** The records store: today's record per student and session, as this device knows it. Only this module reads or writes it. */
import type { DayRecord, OutboxDb } from './outbox-db.ts';

export class DayRecords {
  constructor(private readonly db: OutboxDb) {}

  get table(): OutboxDb['records'] {
    return this.db.records;
  }

  /** The record of `date` for a student and session, if this device knows one. */
  async get(session: string, studentId: string, date: string): Promise<DayRecord | undefined> {
    const record = await this.db.records.get([session, studentId]);
    return record?.date === date ? record : undefined;
  }

  /** The stored row whatever its day (a newer version of it must not be overwritten by an older one). */
  stored(session: string, studentId: string): Promise<DayRecord | undefined> {
    return this.db.records.get([session, studentId]);
  }

  /** The whole-day records of `date`. */
  ofDay(date: string, session: string): Promise<DayRecord[]> {
    return this.db.records
      .where('date')
      .equals(date)
      .filter((r) => r.session === session)
      .toArray();
  }

  async put(record: DayRecord): Promise<void> {
    await this.db.records.put(record);
  }

  /** Every record: the device now works for another school. */
  async clear(): Promise<void> {
    await this.db.records.clear();
  }

  async dropBefore(date: string): Promise<void> {
    await this.db.records.where('date').below(date).delete();
  }
}
