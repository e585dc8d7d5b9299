/** The marks store: where each mark made on this device stands, for the roll's rows. Only this module reads or writes it. */
import type { MarkState } from '../src/shared/office-protocol.ts';
import type { MarkRecord, OutboxDb } from './outbox-db.ts';

export class DeviceMarks {
  constructor(private readonly db: OutboxDb) {}

  get table(): OutboxDb['marks'] {
    return this.db.marks;
  }

  async put(mark: MarkRecord): Promise<void> {
    await this.db.marks.put(mark);
  }

  /** A student's marks for a session, oldest first. */
  forRecord(session: string, studentId: string): Promise<MarkRecord[]> {
    return this.db.marks.where('[session+studentId]').equals([session, studentId]).sortBy('at');
  }

  async setStates(states: ReadonlyArray<{ opId: string; state: MarkState; conflictId: string | null }>): Promise<void> {
    if (states.length === 0) return;
    await this.db.marks.bulkUpdate(states.map(({ opId, state, conflictId }) => ({ key: opId, changes: { state, conflictId } })));
  }

  /** The office resolved the record's conflict: this device's marks in conflict on it are settled. */
  async resolveConflicts(session: string, studentId: string): Promise<void> {
    await this.db.marks
      .where('[session+studentId]')
      .equals([session, studentId])
      .modify((mark) => {
        if (mark.state === 'conflict') mark.state = 'merged';
      });
  }

  async dropBefore(at: number): Promise<void> {
    await this.db.marks.where('at').below(at).delete();
  }
}
