/** The office's day at a glance: counts from door scans and marks, school days only, one school only, the office and admins only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACK_PRESSURE } from '../../src/server/back-pressure.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { checkIn, opId, startTestApp, type TestApp } from '../support/test-app.ts';

/** A Tuesday in November: London keeps UTC, so the wall clock reads as written. */
const at = (hhmm: string, date = '2026-11-24'): number => Date.parse(`${date}T${hhmm}:00Z`);

let t: TestApp;
let hill: OtherSchool;
let office: Record<string, string>;
let seq = 0;

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    // A machine busy with other work stalls the event loop now and then; this file is about counting, not about refusing writes.
    t = await startTestApp({ database, backPressure: { ...DEFAULT_BACK_PRESSURE, maxEventLoopDelayMs: 60_000 } });
    hill = await addSecondSchool(t);
    office = await t.signIn('office');
  });
  afterAll(async () => t.close());

  const today = async (headers = office) => {
    const response = await t.app.inject({ url: '/api/today', headers });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const homeroomOf = async (name: string) =>
    (
      await t.db
        .selectFrom('students')
        .select('student_number')
        .where('school_id', '=', t.schoolId)
        .where('homeroom', '=', name)
        .orderBy('student_number')
        .execute()
    ).map((s) => s.student_number);
  const mark = (studentId: string, status: string, base = 0) =>
    t.app.inject({
      method: 'POST',
      url: '/api/marks',
      headers: office,
      payload: { v: 1, opId: opId(), kind: 'status', studentId, at: t.clock.now, session: 'day', status, base },
    });

  it('counts check-ins, a late arrival, a check-out, an absent and an excused, for the school and the homeroom', async () => {
    t.clock.now = at('07:50');
    const before = await today();
    expect(before).toMatchObject({ type: 'today', date: '2026-11-24', schoolDay: true });
    const roster = Number(
      (
        await t.db
          .selectFrom('students')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('school_id', '=', t.schoolId)
          .where('left_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(before.school).toEqual({
      expected: roster,
      inBuilding: 0,
      present: 0,
      late: 0,
      absent: 0,
      excused: 0,
      unaccounted: roster,
      leftEarly: 0,
    });

    const teacher = await t.db.selectFrom('staff').select('id').where('email', '=', 'teacher@riverside.example').executeTakeFirstOrThrow();
    await t.db.insertInto('staff_homerooms').values({ staff_id: teacher.id, school_id: t.schoolId, homeroom: '7B' }).execute();
    const [onTime, late, leaving, absent, excused] = await homeroomOf('7A');
    t.clock.now = at('09:30');
    const synced = await t.syncAsKiosk([
      checkIn(++seq, onTime!, at('07:55')),
      checkIn(++seq, late!, at('08:20')),
      checkIn(++seq, leaving!, at('07:58')),
      { seq: ++seq, opId: opId(), kind: 'check-out', studentId: leaving!, at: at('09:10'), session: 'day', base: 1 },
    ]);
    expect(synced.statusCode).toBe(200);
    expect((await mark(absent!, 'absent')).statusCode).toBeLessThan(300);
    expect((await mark(excused!, 'excused')).statusCode).toBeLessThan(300);

    const after = await today();
    expect(after.school).toEqual({
      expected: roster,
      inBuilding: 2,
      present: 2,
      late: 1,
      absent: 1,
      excused: 1,
      unaccounted: roster - 5,
      leftEarly: 1,
    });
    const sevenA = after.homerooms.find((h: { name: string }) => h.name === '7A');
    expect(sevenA.counts).toMatchObject({ inBuilding: 2, present: 2, late: 1, absent: 1, excused: 1, leftEarly: 1 });
    expect(after.late).toEqual([expect.objectContaining({ studentId: late, homeroom: '7A', status: 'late', checkInAt: at('08:20') })]);
    expect(after.leftEarly.map((s: { studentId: string }) => s.studentId)).toEqual([leaving]);
    const missing = after.missing.map((s: { studentId: string }) => s.studentId);
    expect(missing).toContain(absent);
    for (const id of [onTime, late, leaving, excused]) expect(missing).not.toContain(id);
    expect(missing).toHaveLength(roster - 4);
    // The bell was at 08:00 and nobody has taken a roll: every homeroom's is 90 minutes late, except 7A's, which the office marked in.
    const dayRolls = after.rollsNotTaken.filter((r: { session: string }) => r.session === 'day');
    expect(dayRolls.map((r: { homeroom: string }) => r.homeroom)).not.toContain('7A');
    expect(dayRolls[0]).toMatchObject({ minutesLate: 90 });
    expect(dayRolls.find((r: { homeroom: string }) => r.homeroom === '7B')).toEqual({
      homeroom: '7B',
      session: 'day',
      teachers: ['Grace Hopper'],
      minutesLate: 90,
    });
    expect(after.homerooms.find((h: { name: string }) => h.name === '7B').teachers).toEqual(['Grace Hopper']);
    // P1 began at 08:10: its rolls are 80 minutes late, 7A's too (the office marked the day, not P1).
    expect(after.rollsNotTaken.find((r: { homeroom: string; session: string }) => r.homeroom === '7A' && r.session === 'P1')).toMatchObject(
      { minutesLate: 80 },
    );
    expect(after.periods.map((p: { name: string }) => p.name)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
  });

  it('opens a student’s recent days: every change with who made it and from which kiosk, and every note', async () => {
    t.clock.now = at('09:40');
    const [, late, , , excused] = await homeroomOf('7A');
    const note = await t.app.inject({
      method: 'POST',
      url: '/api/marks',
      headers: office,
      payload: {
        v: 1,
        opId: opId(),
        kind: 'note',
        studentId: excused,
        at: t.clock.now,
        session: 'day',
        text: 'Excused: Medical appointment',
      },
    });
    expect(note.statusCode).toBeLessThan(300);
    const kioskDay = await t.app.inject({ url: `/api/today/student?studentId=${late}`, headers: office });
    expect(kioskDay.statusCode).toBe(200);
    expect(kioskDay.json()).toMatchObject({ type: 'student-history', studentId: late, homeroom: '7A', since: '2026-11-11' });
    expect(kioskDay.json().entries).toEqual([
      expect.objectContaining({
        date: '2026-11-24',
        session: 'day',
        by: 'Main entrance',
        kiosk: 'Main entrance',
        status: 'late',
        checkInAt: at('08:20'),
      }),
    ]);
    const officeDay = (await t.app.inject({ url: `/api/today/student?studentId=${excused}`, headers: office })).json();
    expect(officeDay.entries[0]).toMatchObject({ by: 'Katherine Johnson', kiosk: null, status: 'excused' });
    expect(officeDay.notes).toEqual([
      { date: '2026-11-24', session: 'day', at: at('09:40'), by: 'Katherine Johnson', text: 'Excused: Medical appointment' },
    ]);
    const unknown = await t.app.inject({ url: '/api/today/student?studentId=nobody', headers: office });
    expect(unknown.json().error.code).toBe('student-not-found');
    const ours = await t.app.inject({ url: `/api/today/student?studentId=${late}`, headers: hill.as.office });
    expect(ours.statusCode).toBe(404);
    const teacher = await t.app.inject({ url: `/api/today/student?studentId=${late}`, headers: await t.signIn('teacher') });
    expect(teacher.statusCode).toBe(403);
  });

  it('expects nobody on a Saturday or on a closure day', async () => {
    t.clock.now = at('10:00', '2026-11-28');
    const saturday = await today();
    expect(saturday).toMatchObject({ date: '2026-11-28', schoolDay: false, missing: [], rollsNotTaken: [] });
    expect(saturday.school.expected).toBe(0);
    await t.db
      .insertInto('school_closures')
      .values({ id: 'closure-1', school_id: t.schoolId, first_day: '2026-11-25', last_day: '2026-11-25', reason: 'Staff training' })
      .execute();
    t.clock.now = at('10:00', '2026-11-25');
    const closed = await today();
    expect(closed).toMatchObject({ schoolDay: false, missing: [] });
    expect(closed.school.expected).toBe(0);
  });

  it('does not expect a student who has left', async () => {
    t.clock.now = at('10:00', '2026-11-26');
    const [leaver] = await homeroomOf('8B');
    const before = await today();
    await t.db
      .updateTable('students')
      .set({ left_at: at('09:00') })
      .where('school_id', '=', t.schoolId)
      .where('student_number', '=', leaver!)
      .execute();
    const after = await today();
    expect(after.school.expected).toBe(before.school.expected - 1);
    expect(after.missing.map((s: { studentId: string }) => s.studentId)).not.toContain(leaver);
    expect(before.missing.map((s: { studentId: string }) => s.studentId)).toContain(leaver);
  });

  it('shows another school’s office only its own students', async () => {
    const theirs = await today(hill.as.office);
    expect(theirs.school.expected).toBe(20);
    const ours = new Set(await homeroomOf('7A'));
    expect(theirs.missing.some((s: { studentId: string }) => ours.has(s.studentId))).toBe(false);
  });

  it('answers admins, refuses a teacher and answers no-store', async () => {
    const admin = await t.app.inject({ url: '/api/today', headers: await t.signIn('admin') });
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['cache-control']).toBe('no-store');
    const teacher = await t.app.inject({ url: '/api/today', headers: await t.signIn('teacher') });
    expect(teacher.statusCode).toBe(403);
    expect(teacher.json().error.code).toBe('forbidden');
    const stranger = await t.app.inject({ url: '/api/today' });
    expect(stranger.statusCode).toBe(401);
    const extra = await t.app.inject({ url: '/api/today?school=other', headers: office });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('invalid-query');
    for (const url of [
      '/api/today/student',
      '/api/today/student?studentId=',
      '/api/today/student?studentId=a%20b',
      '/api/today/student?studentId=1&x=2',
    ]) {
      const refused = await t.app.inject({ url, headers: office });
      expect([refused.statusCode, refused.json().error.code]).toEqual([400, 'invalid-query']);
    }
  });
});
