/** The dead-letter store: ops the server refused for good, kept so staff can see why. Only this module reads or writes it. */
import type { DeadLetter, OutboxDb } from './outbox-db.ts';

export class DeadLetters {
  constructor(private readonly db: OutboxDb) {}

  get table(): OutboxDb['deadLetters'] {
    return this.db.deadLetters;
  }

  count(): Promise<number> {
    return this.db.deadLetters.count();
  }

  /** The dead letters, newest first; `limit` of them when given. */
  newest(limit?: number): Promise<DeadLetter[]> {
    const newest = this.db.deadLetters.orderBy('seq').reverse();
    return (limit === undefined ? newest : newest.limit(limit)).toArray();
  }

  byOpId(opId: string): Promise<DeadLetter | undefined> {
    return this.db.deadLetters.where('opId').equals(opId).first();
  }

  async keep(dead: readonly DeadLetter[]): Promise<void> {
    if (dead.length > 0) await this.db.deadLetters.bulkPut([...dead]);
  }

  /** Deletes the refusals made before `at` (the school's days for keeping them have passed); how many went. */
  dropRefusedBefore(at: number): Promise<number> {
    return this.db.deadLetters.filter((dead) => dead.refusedAt < at).delete();
  }
}
