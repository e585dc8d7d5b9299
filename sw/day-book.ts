/**
 * Today's attendance as this device knows it: the change feed's records
 * plus this device's own marks, applied the moment they are saved. It lets
 * the kiosk say "Already checked in at 07:58" and fills the roll, offline
 * too, and it gives every new op its base (the server version it saw).
 */
import { DAY_SESSION, type AttendanceStatus, type RecordOpKind } from '../src/shared/attendance-model.ts';
import { applyChange, asKept, changeOf, type Lateness } from '../src/shared/attendance-rules.ts';
import type { RollRow, RollView } from '../src/shared/office-protocol.ts';
import { PROTOCOL_VERSION, type Change, type SchoolInfo } from '../src/shared/protocol.ts';
import { latenessOf, localMoment, type LatenessRule } from '../src/shared/school-time.ts';
import { sessionsOf } from '../src/shared/sessions.ts';
import type { DayRecord, OutboxOp } from './outbox-db.ts';
import type { WorkerStores } from './worker-stores.ts';

/** What the day book needs of the school: its zone, and what lateness and the roll's sessions go by (SchoolInfo has it all). */
export type SchoolClock = LatenessRule & Pick<SchoolInfo, 'absenceReasons'>;

/** A record's reasons, only those it has (as the change feed sends them). */
const reasonsOf = (r: { reason?: string | undefined; reasonText?: string | undefined; checkOutReason?: string | undefined }) => ({
  ...(r.reason ? { reason: r.reason, reasonText: r.reasonText ?? r.reason } : {}),
  ...(r.checkOutReason ? { checkOutReason: r.checkOutReason } : {}),
});

/** "7A" before "10A": homerooms sort by their number, then their letter. */
export const byHomeroom = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export class DayBook {
  constructor(private readonly stores: Pick<WorkerStores, 'db' | 'records' | 'marks' | 'roster'>) {}

  static today(now: number, school: SchoolClock): string {
    return localMoment(now, school.timeZone).date;
  }

  /** Today's record for a student and session, if this device knows one. */
  async record(session: string, studentId: string, today: string): Promise<DayRecord | undefined> {
    return this.stores.records.get(session, studentId, today);
  }

  /**
   * Applies a mark this device just saved with the server's own rule
   * (src/shared/attendance-rules.ts `applyChange`), so every page shows it at once.
   */
  async applyOwn(op: OutboxOp, correctedAt: number, school: SchoolClock): Promise<void> {
    const today = DayBook.today(correctedAt, school);
    const lateness: Lateness = latenessOf(school, op.session);
    const { db, records, marks } = this.stores;
    await db.transaction('rw', records.table, marks.table, async () => {
      const known = await this.record(op.session, op.studentId, today);
      const record: DayRecord = known ?? {
        session: op.session,
        studentId: op.studentId,
        date: today,
        status: null,
        checkInAt: null,
        checkOutAt: null,
        version: 0,
      };
      // Notes are not kept in this copy: only the record's fields are.
      // Roll-call ops go to the roll-call book (sw/mark-intake.ts): only a record's own kinds come here.
      const next = asKept(
        applyChange(
          { ...record, notes: [] },
          changeOf(op as OutboxOp & { kind: RecordOpKind }, correctedAt, { id: op.opId, by: '' }),
          lateness,
        ),
      );
      // The server's rule for reasons (record-book.ts): a status's goes with it, the latest check-out's with it.
      const { reason: _r, reasonText: _t, checkOutReason: _c, ...fields } = record;
      const kept = next.status === 'absent' || next.status === 'excused';
      const own = op.kind === 'status' ? op.reason : kept && next.status === record.status ? record.reason : undefined;
      const out = op.kind === 'check-out' ? (next.checkOutAt === correctedAt ? op.reason : undefined) : record.checkOutReason;
      await records.put({
        ...fields,
        status: next.status,
        checkInAt: next.checkInAt,
        checkOutAt: next.checkOutAt,
        ...reasonsOf({
          reason: own,
          reasonText:
            own && (school.absenceReasons?.find((r) => r.code === own)?.label ?? (own === record.reason ? record.reasonText : own)),
          checkOutReason: next.checkOutAt === null ? undefined : out,
        }),
      });
      // The roll shows where each roll mark stands; a door scan shows in the record itself, so it costs no row
      // (and no update when its receipt comes back: a backlog of check-ins settles at half the writes).
      if (op.kind === 'status')
        await marks.put({
          opId: op.opId,
          session: op.session,
          studentId: op.studentId,
          kind: op.kind,
          ...(op.status ? { status: op.status } : {}),
          at: op.at,
          state: 'waiting',
          conflictId: null,
        });
    });
  }

  /**
   * Takes changes from the feed: a newer version of a record replaces what
   * this device knows; rows of earlier days are dropped. Returns how many
   * records changed, the conflicts opened and still open after them (one
   * opened and settled in these changes needs nobody's attention), and the
   * conflicts resolved.
   */
  async applyChanges(changes: readonly Change[], today: string): Promise<{ records: number; opened: number; resolved: number }> {
    let records = 0;
    const opened = new Set<string>();
    let resolved = 0;
    const { db, records: stored, marks } = this.stores;
    await db.transaction('rw', stored.table, marks.table, async () => {
      await stored.dropBefore(today);
      await marks.dropBefore(Date.parse(`${today}T00:00:00Z`) - 2 * 86_400_000);
      for (const change of changes) {
        if (change.kind === 'conflict-opened') opened.add(change.conflictId);
        else if (change.kind === 'conflict-resolved') {
          opened.delete(change.conflictId);
          resolved++;
          await marks.resolveConflicts(change.session, change.studentId);
        } else if (change.kind === 'record' && change.date === today) {
          const known = await stored.stored(change.session, change.studentId);
          if (known && known.date === today && known.version > change.version) continue;
          await stored.put({
            session: change.session,
            studentId: change.studentId,
            date: change.date,
            status: change.status,
            checkInAt: change.checkInAt,
            checkOutAt: change.checkOutAt,
            version: change.version,
            ...reasonsOf(change),
          });
          records++;
        }
      }
    });
    return { records, opened: opened.size, resolved };
  }

  /** `GET /api/roll` answered from this device: the roster's homeroom, today's records and this device's marks. */
  async roll(group: string | null, session: string, now: number, school: SchoolClock): Promise<RollView> {
    const today = DayBook.today(now, school);
    const roster = await this.stores.roster.all();
    const groups = [...new Set(roster.map((s) => s.homeroom))].sort(byHomeroom);
    const chosen = group !== null && groups.includes(group) ? group : (groups[0] ?? '');
    const students = roster.filter((s) => s.homeroom === chosen).sort((a, b) => a.name.localeCompare(b.name));
    const rows: RollRow[] = [];
    for (const student of students) {
      const record = await this.record(session, student.studentId, today);
      // A period's roll shows the door's check-in too: who is in the building.
      const door = session === DAY_SESSION ? record : await this.record(DAY_SESSION, student.studentId, today);
      const marks = await this.stores.marks.forRecord(session, student.studentId);
      const mark = marks.filter((m) => m.kind === 'status' && m.status).at(-1);
      rows.push({
        studentId: student.studentId,
        name: student.name,
        homeroom: student.homeroom,
        status: record?.status ?? null,
        checkInAt: record?.checkInAt ?? door?.checkInAt ?? null,
        version: record?.version ?? 0,
        mark: mark ? { opId: mark.opId, status: mark.status as AttendanceStatus, state: mark.state, conflictId: mark.conflictId } : null,
        ...(record?.reason ? { reason: record.reason, reasonText: record.reasonText ?? record.reason } : {}),
        ...(door?.checkOutAt != null
          ? { checkOutAt: door.checkOutAt, ...(door.checkOutReason ? { checkOutReason: door.checkOutReason } : {}) }
          : {}),
      });
    }
    return {
      v: PROTOCOL_VERSION,
      type: 'roll',
      date: today,
      session,
      group: chosen,
      groups,
      sessions: sessionsOf(school.periods),
      rows,
      source: 'device',
    };
  }
}
