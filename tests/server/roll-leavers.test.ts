/** The server's roll follows the roster: a student who left is off it, unless a kiosk still holding the old roster let them in today. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases } from '../support/databases.ts';
import { checkIn, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(async () => t.close());

  const rollOf = async (student: string) => {
    const office = await t.signIn('office');
    const row = await t.db
      .selectFrom('students')
      .select('homeroom')
      .where('school_id', '=', t.schoolId)
      .where('student_number', '=', student)
      .executeTakeFirstOrThrow();
    const roll = await t.app.inject({ url: `/api/roll?group=${encodeURIComponent(row.homeroom)}`, headers: office });
    expect(roll.statusCode).toBe(200);
    return roll.json() as { group: string; groups: string[]; rows: Array<{ studentId: string; checkInAt: number | null }> };
  };
  const leave = (student: string) =>
    t.db
      .updateTable('students')
      .set({ left_at: t.clock.now, updated_at: t.clock.now })
      .where('school_id', '=', t.schoolId)
      .where('student_number', '=', student)
      .execute();

  it('leaves a student who left off the roll', async () => {
    expect((await rollOf('100002')).rows.map((r) => r.studentId)).toContain('100002');
    await leave('100002');
    expect((await rollOf('100002')).rows.map((r) => r.studentId)).not.toContain('100002');
  });

  it('keeps a leaver checked in today by a kiosk that had the old roster, with the check-in shown', async () => {
    await leave('100003');
    const sent = await t.syncAsKiosk([checkIn(1, '100003', t.clock.now)]);
    expect(sent.statusCode).toBe(200);
    const row = (await rollOf('100003')).rows.find((r) => r.studentId === '100003');
    expect(row?.checkInAt).toBe(t.clock.now);
  });

  it('offers no homeroom whose students have all left', async () => {
    await t.db
      .updateTable('students')
      .set({ homeroom: 'Emptied' })
      .where('school_id', '=', t.schoolId)
      .where('student_number', '=', '100004')
      .execute();
    expect((await rollOf('100001')).groups).toContain('Emptied');
    await leave('100004');
    expect((await rollOf('100001')).groups).not.toContain('Emptied');
  });
});
