/** The roster store: the school's students as this device last loaded them. Only this module reads or writes it. */
import type { OutboxDb, RosterEntry } from './outbox-db.ts';

export class Roster {
  constructor(private readonly db: OutboxDb) {}

  get table(): OutboxDb['roster'] {
    return this.db.roster;
  }

  lookup(studentId: string): Promise<RosterEntry | undefined> {
    return this.db.roster.get(studentId);
  }

  size(): Promise<number> {
    return this.db.roster.count();
  }

  all(): Promise<RosterEntry[]> {
    return this.db.roster.toArray();
  }

  /** Replaces the whole roster (inside the caller's transaction when there is one). */
  async replace(entries: readonly RosterEntry[]): Promise<void> {
    await this.db.roster.clear();
    await this.db.roster.bulkPut([...entries]);
  }
}
