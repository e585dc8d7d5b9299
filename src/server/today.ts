/**
 * The office's day from storage: a handful of statements for the whole
 * school (the school, its timetable and closures, the roster, today's
 * records, the homerooms' teachers), then the shared counting rules.
 */
import type { Kysely } from 'kysely';
import type { Actor } from '../shared/attendance-model.ts';
import { localMoment } from '../shared/school-time.ts';
import { todaySummary } from '../shared/today.ts';
import type { TodayView } from '../shared/today-protocol.ts';
import type { Database } from './db/schema.ts';
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
      .select(['student_id', 'session', 'status', 'check_in_at', 'check_out_at', 'version', 'status_by'])
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
        },
      ];
    }),
    teachers,
  });
}
