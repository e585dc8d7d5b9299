/**
 * Absence reasons: a list the school changes in its settings; an absent or
 * excused mark carries one of them, and so does a check-out (one of four).
 * The record keeps the reason's words, so they show on the office's day, the
 * roll and the export, also once the school has taken the reason off its list.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ABSENCE_REASONS } from '../../src/shared/reasons.ts';
import { databases } from '../support/databases.ts';
import { opId, startTestApp, type TestApp } from '../support/test-app.ts';

const DAY = '2026-11-24';
const at = (time: string) => Date.parse(`${DAY}T${time}:00Z`);

describe.each(databases())('on %s', (database) => {
  let t: TestApp;
  let admin: Record<string, string>;
  let office: Record<string, string>;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ database });
    t.clock.now = at('09:00');
    admin = await t.signIn('admin');
    office = await t.signIn('office');
  });
  afterAll(async () => t.close());

  const settings = async () => (await t.app.inject({ url: '/api/school/settings', headers: admin })).json();
  const save = async (absenceReasons: unknown) => {
    const { settings: current } = await settings();
    return t.app.inject({ method: 'POST', url: '/api/school/settings', headers: admin, payload: { v: 1, ...current, absenceReasons } });
  };
  const mark = (studentId: string, status: string, reason?: string, base = 0) =>
    t.app.inject({
      method: 'POST',
      url: '/api/marks',
      headers: office,
      payload: {
        v: 1,
        opId: opId(),
        kind: 'status',
        studentId,
        at: t.clock.now,
        session: 'day',
        status,
        base,
        ...(reason ? { reason } : {}),
      },
    });
  const today = async () => (await t.app.inject({ url: '/api/today', headers: office })).json();
  const exported = async () => {
    const response = await t.app.inject({ url: `/api/exports/attendance.csv?from=${DAY}&to=${DAY}`, headers: office });
    const rows = parse(response.body, { bom: true }) as string[][];
    const header = rows[0] as string[];
    return rows.slice(1).map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
  };
  const record = (studentId: string) =>
    t.db
      .selectFrom('attendance')
      .innerJoin('students', 'students.id', 'attendance.student_id')
      .select(['attendance.status', 'attendance.status_reason', 'attendance.status_reason_text', 'attendance.check_out_reason'])
      .where('students.student_number', '=', studentId)
      .where('attendance.school_id', '=', t.schoolId)
      .executeTakeFirst();

  it('gives a school the usual reasons until it sets its own, and staff devices get them with the school', async () => {
    expect((await settings()).settings.absenceReasons).toEqual(DEFAULT_ABSENCE_REASONS);
    const session = (await t.app.inject({ url: '/api/session', headers: office })).json();
    expect(session.school.absenceReasons).toEqual(DEFAULT_ABSENCE_REASONS);
    // A kiosk never marks absences: its configuration stays as small as it was.
    const kiosk = (await t.asKiosk('/api/kiosk-config')).json();
    expect(kiosk.school).not.toHaveProperty('absenceReasons');
  });

  it('stores an absence with its reason and shows the words on the office’s day and in the export', async () => {
    const marked = await mark('100001', 'absent', 'illness');
    expect(marked.statusCode).toBe(201);
    expect(await record('100001')).toMatchObject({ status: 'absent', status_reason: 'illness', status_reason_text: 'Illness' });
    const missing = (await today()).missing.find((s: { studentId: string }) => s.studentId === '100001');
    expect(missing).toMatchObject({ status: 'absent', reason: 'Illness' });
    const row = (await exported()).find((r) => r['Student ID'] === '100001');
    expect(row).toMatchObject({ Status: 'Absent', Reason: 'Illness', 'Reason for leaving': '' });
  });

  it('takes a reason given after the mark, and drops it when the student turns up', async () => {
    expect((await mark('100002', 'absent')).statusCode).toBe(201);
    expect(await record('100002')).toMatchObject({ status: 'absent', status_reason: null });
    expect((await mark('100002', 'excused', 'medical-appointment', 1)).statusCode).toBe(201);
    expect(await record('100002')).toMatchObject({ status: 'excused', status_reason_text: 'Medical appointment' });
    expect((await mark('100002', 'present', undefined, 2)).statusCode).toBe(201);
    expect(await record('100002')).toMatchObject({ status: 'present', status_reason: null, status_reason_text: null });
  });

  it('refuses a reason the school never had, per op, with unknown-reason, and applies the rest of the batch', async () => {
    const response = await t.syncAsKiosk([
      { seq: ++seq, kind: 'status', studentId: '100003', at: t.clock.now, session: 'day', status: 'absent', base: 0, reason: 'dragons' },
      { seq: ++seq, kind: 'status', studentId: '100004', at: t.clock.now, session: 'day', status: 'absent', base: 0, reason: 'family' },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json().receipts).toEqual([
      { n: 1, status: 'rejected', code: 'unknown-reason' },
      { n: 1, status: 'applied' },
    ]);
    expect(await record('100003')).toBeUndefined();
    const direct = await mark('100005', 'absent', 'dragons');
    expect(direct.json()).toMatchObject({ error: { code: 'unknown-reason' } });
  });

  it('refuses a reason on a present mark as a malformed op', async () => {
    const response = await mark('100006', 'present', 'illness');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid-body', details: { path: '$.reason' } });
  });

  it('keeps the words of a reason the school took off its list, and still takes it from a device that offered it', async () => {
    const changed = await save([
      { code: 'illness', label: 'Illness' },
      { label: 'Bereavement' },
      { code: 'unexplained', label: 'Not explained' },
    ]);
    expect(changed.statusCode).toBe(200);
    expect(changed.json().settings.absenceReasons).toEqual([
      { code: 'illness', label: 'Illness' },
      { code: 'bereavement', label: 'Bereavement' },
      { code: 'unexplained', label: 'Not explained' },
    ]);
    expect((await exported()).find((r) => r['Student ID'] === '100004')).toMatchObject({ Reason: 'Family' });
    expect((await today()).missing.find((s: { studentId: string }) => s.studentId === '100004')).toMatchObject({ reason: 'Family' });
    expect((await mark('100007', 'absent', 'family')).statusCode).toBe(201);
    expect(await record('100007')).toMatchObject({ status_reason: 'family', status_reason_text: 'Family' });
    // Words put back on the list take their old code again.
    const back = await save([{ code: 'illness', label: 'Illness' }, { label: 'family' }]);
    expect(back.json().settings.absenceReasons).toEqual([
      { code: 'illness', label: 'Illness' },
      { code: 'family', label: 'family' },
    ]);
  });

  it('refuses the same reason twice with duplicate-reason, saying where', async () => {
    const response = await save([{ label: 'Illness' }, { label: ' illness ' }]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'duplicate-reason', details: { path: '$.absenceReasons[1].label' } });
  });

  it('keeps the list when a page from before reasons saves the settings', async () => {
    const before = (await settings()).settings.absenceReasons;
    const { settings: current } = await settings();
    const { absenceReasons: _left, ...older } = current;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/school/settings',
      headers: admin,
      payload: { v: 1, ...older, lateGraceMinutes: 7 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().settings.absenceReasons).toEqual(before);
  });

  it('stores why a student checked out and shows it on the left-early list and in the export', async () => {
    t.clock.now = at('11:20');
    const response = await t.syncAsKiosk([
      { seq: ++seq, kind: 'check-in', studentId: '100010', at: at('07:55'), session: 'day', base: 0 },
      { seq: ++seq, kind: 'check-out', studentId: '100010', at: at('11:20'), session: 'day', base: 0, reason: 'appointment' },
    ]);
    expect(response.json().receipts).toEqual([{ n: 2, status: 'applied' }]);
    expect(await record('100010')).toMatchObject({ check_out_reason: 'appointment' });
    const left = (await today()).leftEarly.find((s: { studentId: string }) => s.studentId === '100010');
    expect(left).toMatchObject({ checkOutAt: at('11:20'), checkOutReason: 'appointment' });
    expect((await exported()).find((r) => r['Student ID'] === '100010')).toMatchObject({
      'Checked out': '11:20',
      'Reason for leaving': 'Appointment',
    });
    const { homeroom } = await t.db
      .selectFrom('students')
      .select('homeroom')
      .where('school_id', '=', t.schoolId)
      .where('student_number', '=', '100010')
      .executeTakeFirstOrThrow();
    const roll = (await t.app.inject({ url: `/api/roll?group=${encodeURIComponent(homeroom)}&session=day`, headers: office })).json();
    expect(roll.rows.find((r: { studentId: string }) => r.studentId === '100010')).toMatchObject({
      checkOutAt: at('11:20'),
      checkOutReason: 'appointment',
    });
    const day = (await t.app.inject({ url: '/api/today/student?studentId=100010', headers: office })).json();
    expect(day.entries[0]).toMatchObject({ checkOutAt: at('11:20'), checkOutReason: 'appointment' });
    expect(day.entries.at(-1)).not.toHaveProperty('checkOutReason');
  });

  it('sends the reasons down the change feed with the record', async () => {
    const page = (await t.asKiosk('/api/changes?cursor=')).json();
    const records = page.changes.filter((c: { kind: string }) => c.kind === 'record');
    expect(records.find((c: { studentId: string }) => c.studentId === '100001')).toMatchObject({
      reason: 'illness',
      reasonText: 'Illness',
    });
    expect(records.find((c: { studentId: string }) => c.studentId === '100010')).toMatchObject({ checkOutReason: 'appointment' });
    expect(records.find((c: { studentId: string }) => c.studentId === '100002')).not.toHaveProperty('reason');
  });
});
