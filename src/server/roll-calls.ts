/**
 * The emergency roll calls a transaction touches: the one writer of
 * `roll_calls`, `roll_call_ticks` and `roll_call_undos`. Ops come through ingest like any
 * other (same outbox, same /api/sync, same receipts); the rules for which
 * roll call a start joins and a tick belongs to are src/shared/roll-call.ts.
 * Ending one writes its record in the admin log: who was still missing and
 * for how long it ran.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { DAY_SESSION, type RollCallOpKind } from '../shared/attendance-model.ts';
import type { Op, Outcome } from '../shared/protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import {
  foundNow,
  isOnSite,
  rollCallForTick,
  rollCallReport,
  rollCallRows,
  rollCallToJoin,
  type RollCallDay,
  type RollCallHead,
  tickSpan,
} from '../shared/roll-call.ts';
import { localMoment } from '../shared/school-time.ts';
import { logAdminAction } from './admin-log.ts';
import type { Database, School } from './db/schema.ts';
import type { OpActor } from './record-book.ts';

type Trx = Transaction<Database>;

interface Stored extends RollCallHead {
  startedBy: string;
}

const headOf = (row: { id: string; date: string; started_at: number; ended_at: number | null; started_by: string }): Stored => ({
  id: row.id,
  date: row.date,
  startedAt: Number(row.started_at),
  endedAt: row.ended_at === null ? null : Number(row.ended_at),
  startedBy: row.started_by,
});

async function rollCallsOf(db: Kysely<Database>, schoolId: string, date: string): Promise<Stored[]> {
  const rows = await db
    .selectFrom('roll_calls')
    .select(['id', 'date', 'started_at', 'ended_at', 'started_by'])
    .where('school_id', '=', schoolId)
    .where('date', '=', date)
    .orderBy('started_at')
    .execute();
  return rows.map(headOf);
}

export class RollCallBook {
  private readonly byDate = new Map<string, Stored[]>();

  constructor(
    private readonly trx: Trx,
    private readonly school: School,
    private readonly now: number,
  ) {}

  /** Applies one valid roll-call op at `at` (its corrected time) on `date`, the school's day at that time. */
  async apply(op: Op & { kind: RollCallOpKind }, at: number, date: string, actor: OpActor): Promise<Outcome> {
    // The door has no part in a roll call: only staff browsers take one.
    if (actor.kind === 'door') return { status: 'rejected', code: 'invalid-body' };
    const calls = await this.calls(date);
    if (op.kind === 'roll-call-start') return this.start(calls, at, date, actor);
    if (op.kind === 'roll-call-found') return this.found(calls, op.studentId, at, actor);
    if (op.kind === 'roll-call-undo') return this.undo(calls, op.studentId, at, actor);
    return this.end(calls, at, actor);
  }

  private async calls(date: string): Promise<Stored[]> {
    let calls = this.byDate.get(date);
    if (!calls) {
      calls = await rollCallsOf(this.trx, this.school.id, date);
      this.byDate.set(date, calls);
    }
    return calls;
  }

  private async start(calls: Stored[], at: number, date: string, actor: OpActor): Promise<Outcome> {
    const joined = rollCallToJoin(calls, at);
    if (joined) {
      // A start made offline a little before the one the server heard first: the roll call began then.
      if (at < joined.startedAt) {
        joined.startedAt = at;
        await this.trx.updateTable('roll_calls').set({ started_at: at }).where('id', '=', joined.id).execute();
      }
      return { status: 'merged', rule: 'roll-call-joined' };
    }
    const created: Stored = { id: randomUUID(), date, startedAt: at, endedAt: null, startedBy: actor.name };
    await this.trx
      .insertInto('roll_calls')
      .values({ id: created.id, school_id: this.school.id, date, started_at: at, started_by: actor.name, ended_at: null, ended_by: null })
      .execute();
    calls.push(created);
    return { status: 'applied' };
  }

  private async found(calls: Stored[], studentNumber: string, at: number, actor: OpActor): Promise<Outcome> {
    const target = rollCallForTick(calls, at);
    if (!target) return { status: 'rejected', code: 'no-roll-call' };
    const known = await this.trx
      .selectFrom('roll_call_ticks')
      .select(['found_at', 'last_found_at'])
      .where('roll_call_id', '=', target.id)
      .where('student_number', '=', studentNumber)
      .executeTakeFirst();
    if (!known) {
      await this.trx
        .insertInto('roll_call_ticks')
        .values({
          roll_call_id: target.id,
          school_id: this.school.id,
          student_number: studentNumber,
          found_at: at,
          found_by: actor.name,
          last_found_at: null,
        })
        .execute();
      return { status: 'applied' };
    }
    const first = Number(known.found_at);
    const last = known.last_found_at === null ? first : Number(known.last_found_at);
    const { first: nextFirst, last: nextLast } = tickSpan(first, last, at);
    // Found twice (two marshals, two tablets): the first tick and the last are kept, the last for after an undo.
    const rule = nextFirst < first ? 'roll-call-earlier-tick' : 'roll-call-already-found';
    if (nextFirst === first && nextLast === last) return { status: 'merged', rule };
    await this.trx
      .updateTable('roll_call_ticks')
      .set(nextFirst < first ? { found_at: nextFirst, found_by: actor.name, last_found_at: nextLast } : { last_found_at: nextLast })
      .where('roll_call_id', '=', target.id)
      .where('student_number', '=', studentNumber)
      .execute();
    return { status: 'merged', rule };
  }

  /** A tick undone (a marshal's mistake): the latest undo of each student is kept, and stands against ticks before it. */
  private async undo(calls: Stored[], studentNumber: string, at: number, actor: OpActor): Promise<Outcome> {
    const target = rollCallForTick(calls, at);
    if (!target) return { status: 'rejected', code: 'no-roll-call' };
    const known = await this.trx
      .selectFrom('roll_call_undos')
      .select('undone_at')
      .where('roll_call_id', '=', target.id)
      .where('student_number', '=', studentNumber)
      .executeTakeFirst();
    if (known && Number(known.undone_at) >= at) return { status: 'merged', rule: 'roll-call-later-undo' };
    if (known)
      await this.trx
        .updateTable('roll_call_undos')
        .set({ undone_at: at, undone_by: actor.name })
        .where('roll_call_id', '=', target.id)
        .where('student_number', '=', studentNumber)
        .execute();
    else
      await this.trx
        .insertInto('roll_call_undos')
        .values({ roll_call_id: target.id, school_id: this.school.id, student_number: studentNumber, undone_at: at, undone_by: actor.name })
        .execute();
    return { status: 'applied' };
  }

  private async end(calls: Stored[], at: number, actor: OpActor): Promise<Outcome> {
    const open = rollCallForTick(calls, at);
    if (!open || open.endedAt !== null) return { status: 'merged', rule: 'roll-call-already-ended' };
    open.endedAt = Math.max(at, open.startedAt);
    await this.trx.updateTable('roll_calls').set({ ended_at: open.endedAt, ended_by: actor.name }).where('id', '=', open.id).execute();
    const day = await rollCallDay(this.trx, this.school, open.date, open);
    const rows = rollCallRows(day.students, new Set(day.onSite), day.rollCall ? foundNow(day.rollCall) : {});
    const report = rollCallReport(rows, open.startedAt, open.endedAt);
    await logAdminAction(
      this.trx,
      { staffId: actor.id, name: actor.name, schoolId: this.school.id },
      {
        action: 'roll-call-ended',
        subject: `Emergency roll call of ${open.date}`,
        details: {
          rollCallId: open.id,
          startedAt: open.startedAt,
          startedBy: open.startedBy,
          endedAt: open.endedAt,
          durationMs: report.durationMs,
          expected: report.expected,
          found: report.found,
          missing: report.missing,
        },
      },
      this.now,
    );
    return { status: 'applied' };
  }
}

/** What a roll call's list is made of on `date`, as the server sees it: the roster, who is on site, and the ticks. */
async function rollCallDay(db: Kysely<Database>, school: School, date: string, rollCall: Stored | null): Promise<RollCallDay> {
  const [students, records, ticks, undos] = await Promise.all([
    db
      .selectFrom('students')
      .leftJoin('attendance', (join) =>
        join
          .on('attendance.school_id', '=', school.id)
          .on('attendance.date', '=', date)
          .on('attendance.session', '=', DAY_SESSION)
          .onRef('attendance.student_id', '=', 'students.id'),
      )
      .select(['students.student_number', 'students.name', 'students.homeroom'])
      .where('students.school_id', '=', school.id)
      // Those who left are off the list, as on the roll; one let in today by a kiosk still holding the old roster stays.
      .where((eb) => eb.or([eb('students.left_at', 'is', null), eb('attendance.student_id', 'is not', null)]))
      .execute(),
    db
      .selectFrom('attendance')
      .innerJoin('students', 'students.id', 'attendance.student_id')
      .select(['students.student_number', 'attendance.status', 'attendance.check_in_at', 'attendance.check_out_at'])
      .where('attendance.school_id', '=', school.id)
      .where('attendance.date', '=', date)
      .where('attendance.session', '=', DAY_SESSION)
      .execute(),
    rollCall === null
      ? Promise.resolve([])
      : db
          .selectFrom('roll_call_ticks')
          .select(['student_number', 'found_at', 'last_found_at'])
          .where('roll_call_id', '=', rollCall.id)
          .execute(),
    rollCall === null
      ? Promise.resolve([])
      : db.selectFrom('roll_call_undos').select(['student_number', 'undone_at']).where('roll_call_id', '=', rollCall.id).execute(),
  ]);
  const later = ticks.filter((t) => t.last_found_at !== null && Number(t.last_found_at) > Number(t.found_at));
  const onSite = records
    .filter((r) =>
      isOnSite({
        status: r.status,
        checkInAt: r.check_in_at === null ? null : Number(r.check_in_at),
        checkOutAt: r.check_out_at === null ? null : Number(r.check_out_at),
      }),
    )
    .map((r) => r.student_number);
  return {
    v: PROTOCOL_VERSION,
    type: 'roll-call-day',
    date,
    rollCall:
      rollCall === null
        ? null
        : {
            id: rollCall.id,
            date: rollCall.date,
            startedAt: rollCall.startedAt,
            endedAt: rollCall.endedAt,
            found: Object.fromEntries(ticks.map((t) => [t.student_number, Number(t.found_at)])),
            // Left out while empty, so a roll call nobody undid reads as it did before undos existed.
            ...(later.length > 0 ? { lastFound: Object.fromEntries(later.map((t) => [t.student_number, Number(t.last_found_at)])) } : {}),
            ...(undos.length > 0 ? { cleared: Object.fromEntries(undos.map((u) => [u.student_number, Number(u.undone_at)])) } : {}),
          },
    students: students.map((s) => ({ studentId: s.student_number, name: s.name, homeroom: s.homeroom })),
    onSite,
    source: 'server',
  };
}

/** `GET /api/roll-call` from the server: today's latest roll call, or none. */
export async function serverRollCall(db: Kysely<Database>, school: School, now: number): Promise<RollCallDay> {
  const date = localMoment(now, school.time_zone).date;
  const latest = (await rollCallsOf(db, school.id, date)).at(-1) ?? null;
  return rollCallDay(db, school, date, latest);
}
