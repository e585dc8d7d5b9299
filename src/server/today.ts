/**
 * The office's day from storage: a handful of statements for the whole
 * school (the school, its timetable and closures, the roster, today's
 * records, the homerooms' teachers), then the shared counting rules.
 */
import type { Kysely } from 'kysely';
import type { Actor } from '../shared/attendance-model.ts';
import { DoorlineError } from '../shared/error-codes.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { localMoment } from '../shared/school-time.ts';
import { todaySummary } from '../shared/today.ts';
import type { StudentHistory, TodayView } from '../shared/today-protocol.ts';
import type { Database } from './db/schema.ts';
import { parseStored } from './record-book.ts';
import { findSchool, latenessRule, schoolClosures, schoolPeriods, weekdaysOffOf } from './school-queries.ts';

export async function schoolToday(db: Kysely<Database>, schoolId: string, now: number): Promise<TodayView> {
  const school = await findSchool(db, schoolId);
  const date = localMoment(now, school.time_zone).date;
  const [periods, closures, students, records, teachers] = await Promise.all([
    schoolPeriods(db, school),
    schoolClosures(db, school),
    db
      .selectFrom('students')
      .select(['id', 'student_number', 'name', 'homeroom', 'left_at'])
      .where('school_id', '=', school.id)
      .where('left_at', 'is', null)
      .execute(),
    db
      .selectFrom('attendance')
      .select([
        'student_id',
        'session',
        'status',
        'check_in_at',
        'check_out_at',
        'version',
        'status_by',
        'status_reason_text',
        'check_out_reason',
      ])
      .where('school_id', '=', school.id)
      .where('date', '=', date)
      .execute(),
    db
      .selectFrom('staff_homerooms')
      .innerJoin('staff', 'staff.id', 'staff_homerooms.staff_id')
      .select(['staff_homerooms.homeroom', 'staff.name'])
      .where('staff_homerooms.school_id', '=', school.id)
      .where('staff.deactivated_at', 'is', null)
      .execute(),
  ]);
  const numberOf = new Map(students.map((s) => [s.id, s.student_number]));
  return todaySummary({
    now,
    rule: latenessRule(school, periods),
    calendar: { weekdaysOff: weekdaysOffOf(school), closures },
    roster: students.map((s) => ({
      studentId: s.student_number,
      name: s.name,
      homeroom: s.homeroom,
      leftAt: s.left_at === null ? null : Number(s.left_at),
    })),
    records: records.flatMap((r) => {
      const studentId = numberOf.get(r.student_id);
      if (studentId === undefined) return [];
      return [
        {
          studentId,
          session: r.session,
          status: r.status,
          checkInAt: r.check_in_at === null ? null : Number(r.check_in_at),
          checkOutAt: r.check_out_at === null ? null : Number(r.check_out_at),
          version: Number(r.version),
          statusBy: r.status_by as Actor,
          reasonText: r.status_reason_text,
          checkOutReason: r.check_out_reason,
        },
      ];
    }),
    teachers,
  });
}

/** How far back a student's history goes on the office's page. */
export const HISTORY_DAYS = 14;

/** A student's last fortnight: every change to their records, with who made it and from which kiosk, and every note. */
export async function studentHistory(db: Kysely<Database>, schoolId: string, studentId: string, now: number): Promise<StudentHistory> {
  const school = await findSchool(db, schoolId);
  const student = await db
    .selectFrom('students')
    .select(['id', 'name', 'homeroom'])
    .where('school_id', '=', school.id)
    .where('student_number', '=', studentId)
    .executeTakeFirst();
  if (!student) throw new DoorlineError('student-not-found', { studentId });
  const since = localMoment(now - (HISTORY_DAYS - 1) * 86_400_000, school.time_zone).date;
  const [entries, notes] = await Promise.all([
    db
      .selectFrom('audit_log')
      .leftJoin('devices', (join) =>
        join.onRef('devices.id', '=', 'audit_log.device_id').onRef('devices.school_id', '=', 'audit_log.school_id'),
      )
      .leftJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
      .select([
        'audit_log.date',
        'audit_log.session',
        'audit_log.at',
        'audit_log.action',
        'audit_log.actor_name',
        'audit_log.note',
        'audit_log.after',
        'audit_log.id',
        'kiosks.name as kiosk_name',
      ])
      .where('audit_log.school_id', '=', school.id)
      .where('audit_log.student_id', '=', student.id)
      .where('audit_log.date', '>=', since)
      .orderBy('audit_log.id', 'desc')
      .execute(),
    db
      .selectFrom('notes')
      .select(['date', 'session', 'written_at', 'author', 'text'])
      .where('school_id', '=', school.id)
      .where('student_id', '=', student.id)
      .where('date', '>=', since)
      .orderBy('written_at', 'desc')
      .execute(),
  ]);
  return {
    v: PROTOCOL_VERSION,
    type: 'student-history',
    studentId,
    name: student.name,
    homeroom: student.homeroom,
    since,
    entries: entries.map((row) => {
      const after = parseStored(row.after);
      return {
        date: row.date,
        session: row.session,
        at: Number(row.at),
        action: row.action,
        by: row.actor_name,
        kiosk: row.kiosk_name ?? null,
        status: after.status,
        checkInAt: after.checkInAt,
        checkOutAt: after.checkOutAt,
        ...(after.checkOutAt !== null && after.checkOutReason ? { checkOutReason: after.checkOutReason } : {}),
        note: row.note,
      };
    }),
    notes: notes.map((n) => ({ date: n.date, session: n.session, at: Number(n.written_at), by: n.author, text: n.text })),
  };
}
