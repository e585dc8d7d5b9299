import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_MEDIA_TYPE, decodeBatch, encodeBatch } from '../../src/shared/batch-codec.ts';
import { assertRollCallDay } from '../../src/shared/office-guards.ts';
import { fromRuns } from '../../src/shared/receipts.ts';
import { foundNow, rollCallRows, type RollCallDay } from '../../src/shared/roll-call.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let teacher: Record<string, string>;
let office: Record<string, string>;

// A school day in London: check-ins before the bell, the alarm at 10:00.
const AT = (time: string) => Date.parse(`2026-11-24T${time}Z`);
const TEACHER_TABLET = 'teacher-tablet-0001';
const OFFICE_DESK = 'office-desktop-0001';

describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
    t.clock.now = AT('10:30:00');
    teacher = await t.signIn('teacher');
    office = await t.signIn('office');
    // On site: two checked in, one marked present by a teacher. Not on site: one checked in and out, one absent.
    const door = [
      { seq: 1, kind: 'check-in', studentId: '100001', at: AT('07:55:00') },
      { seq: 2, kind: 'check-in', studentId: '100002', at: AT('07:56:00') },
      { seq: 3, kind: 'check-in', studentId: '100004', at: AT('07:57:00') },
      { seq: 4, kind: 'check-out', studentId: '100004', at: AT('09:30:00') },
    ];
    expect((await t.syncAsKiosk(door)).statusCode).toBe(200);
    await staffSync(teacher, 'teacher-roll-0001', [
      { kind: 'status', studentId: '100003', status: 'present', at: AT('08:30:00') },
      { kind: 'status', studentId: '100005', status: 'absent', at: AT('08:30:00') },
    ]);
  });
  afterEach(async () => t.close());

  const seqs = new Map<string, number>();
  async function staffSync(who: Record<string, string>, device: string, ops: Array<Record<string, unknown>>) {
    const numbered = ops.map((op) => {
      const seq = (seqs.get(device) ?? 0) + 1;
      seqs.set(device, seq);
      return { seq, session: 'day', base: 0, ...op };
    });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: who,
      payload: { v: 1, type: 'sync', deviceId: device, kioskId: 'staff-browser', ops: numbered },
    });
    expect(response.statusCode).toBe(200);
    return fromRuns(response.json().receipts);
  }
  const start = (time: string) => ({ kind: 'roll-call-start' as const, studentId: '', at: AT(time) });
  const found = (studentId: string, time: string) => ({ kind: 'roll-call-found' as const, studentId, at: AT(time) });
  const end = (time: string) => ({ kind: 'roll-call-end' as const, studentId: '', at: AT(time) });
  const undo = (studentId: string, time: string) => ({ kind: 'roll-call-undo' as const, studentId, at: AT(time) });

  async function rollCall(who = office) {
    const response = await t.app.inject({ method: 'GET', url: '/api/roll-call', headers: who });
    expect(response.statusCode).toBe(200);
    const body: unknown = response.json();
    assertRollCallDay(body);
    return body as RollCallDay & { rollCall: NonNullable<RollCallDay['rollCall']> };
  }
  /** The list as the page makes it: [student, found at] by homeroom. */
  const onSite = (day: RollCallDay) =>
    rollCallRows(day.students, new Set(day.onSite), day.rollCall ? foundNow(day.rollCall) : {}).map((r) => [r.studentId, r.foundAt]);

  it('lists who should be on site (checked in or marked present, not checked out) once a roll call starts', async () => {
    expect(((await rollCall()) as RollCallDay).rollCall).toBeNull();
    expect(await staffSync(teacher, TEACHER_TABLET, [start('10:00:00')])).toEqual([{ status: 'applied' }]);
    const view = await rollCall(teacher);
    expect(view).toMatchObject({ type: 'roll-call-day', date: '2026-11-24', rollCall: { startedAt: AT('10:00:00'), endedAt: null } });
    expect(
      onSite(view)
        .map(([id]) => id)
        .sort(),
    ).toEqual(['100001', '100002', '100003']);
  });

  it('makes one roll call of two started offline on two devices, and keeps the union of their ticks', async () => {
    // The teacher's tablet reaches the server first; the office's started 30 s later, offline, and ticked too.
    expect(await staffSync(teacher, TEACHER_TABLET, [start('10:00:30'), found('100001', '10:02:00')])).toEqual([
      { status: 'applied' },
      { status: 'applied' },
    ]);
    expect(await staffSync(office, OFFICE_DESK, [start('10:00:00'), found('100002', '10:03:00'), found('100001', '10:04:00')])).toEqual([
      { status: 'merged', rule: 'roll-call-joined' },
      { status: 'applied' },
      { status: 'merged', rule: 'roll-call-already-found' },
    ]);
    expect(await t.db.selectFrom('roll_calls').selectAll().execute()).toHaveLength(1);
    const view = await rollCall();
    // The earlier start stands, and each student's earliest tick.
    expect(view.rollCall.startedAt).toBe(AT('10:00:00'));
    expect(onSite(view)).toEqual(
      expect.arrayContaining([
        ['100001', AT('10:02:00')],
        ['100002', AT('10:03:00')],
        ['100003', null],
      ]),
    );
  });

  it('undoes a tick made by mistake: the student is missing again, a later tick finds them, and the record names who was missing', async () => {
    await staffSync(teacher, TEACHER_TABLET, [start('10:00:00'), found('100001', '10:02:00'), found('100002', '10:03:00')]);
    expect(await staffSync(teacher, TEACHER_TABLET, [undo('100002', '10:04:00')])).toEqual([{ status: 'applied' }]);
    let view = await rollCall();
    expect(foundNow(view.rollCall)).toEqual({ '100001': AT('10:02:00') });
    // Found again at 10:06: shown found since then.
    expect(await staffSync(office, OFFICE_DESK, [found('100002', '10:06:00')])).toEqual([
      { status: 'merged', rule: 'roll-call-already-found' },
    ]);
    view = await rollCall();
    expect(foundNow(view.rollCall)).toEqual({ '100001': AT('10:02:00'), '100002': AT('10:06:00') });
    // Ada's tick undone for good; the end's record names her.
    await staffSync(office, OFFICE_DESK, [undo('100001', '10:07:00'), end('10:10:00')]);
    const [log] = await t.db.selectFrom('admin_log').select('details').where('action', '=', 'roll-call-ended').execute();
    const details = JSON.parse(log?.details ?? '{}') as { missing: Array<{ studentId: string }>; found: number };
    expect(details.missing.map((m) => m.studentId).sort()).toEqual(['100001', '100003']);
    expect(details.found).toBe(1);
  });

  it('lets an undo sent late by an offline device stand against the ticks before it, not those after', async () => {
    await staffSync(teacher, TEACHER_TABLET, [start('10:00:00'), found('100001', '10:02:00'), found('100001', '10:08:00')]);
    await staffSync(teacher, TEACHER_TABLET, [found('100003', '10:02:00')]);
    // The office's tablet undid both at 10:05, offline, and is heard only now; an undo of a student never ticked here is kept too.
    expect(
      await staffSync(office, OFFICE_DESK, [undo('100001', '10:05:00'), undo('100003', '10:05:00'), undo('100002', '10:05:00')]),
    ).toEqual([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
    expect(foundNow((await rollCall()).rollCall)).toEqual({ '100001': AT('10:08:00') });
    // An older undo of Ada after a newer one changes nothing.
    expect(await staffSync(teacher, TEACHER_TABLET, [undo('100001', '10:04:00')])).toEqual([
      { status: 'merged', rule: 'roll-call-later-undo' },
    ]);
    // A tick heard late, before the undo, leaves her found by the tick after it.
    await staffSync(office, OFFICE_DESK, [found('100001', '10:01:00')]);
    expect(foundNow((await rollCall()).rollCall)).toEqual({ '100001': AT('10:08:00') });
    // An undo is a marshal's, and needs a student on the roster and a roll call.
    expect(await staffSync(teacher, TEACHER_TABLET, [undo('999999', '10:09:00')])).toEqual([
      { status: 'rejected', code: 'unknown-student' },
    ]);
  });

  it('shows the roll call to every staff role and to no one signed out', async () => {
    await staffSync(teacher, TEACHER_TABLET, [start('10:00:00'), found('100001', '10:02:00')]);
    const admin = await t.signIn('admin');
    for (const who of [teacher, office, admin]) expect((await rollCall(who)).rollCall.found).toEqual({ '100001': AT('10:02:00') });
    const stranger = await t.app.inject({ method: 'GET', url: '/api/roll-call' });
    expect(stranger.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/roll-call?all=1', headers: office })).json()).toMatchObject({
      error: { code: 'invalid-query' },
    });
  });

  it('ends with a record in the log of who was still missing and for how long it ran', async () => {
    await staffSync(teacher, TEACHER_TABLET, [start('10:00:00'), found('100001', '10:02:00'), found('100003', '10:05:00')]);
    expect(await staffSync(office, OFFICE_DESK, [end('10:12:30')])).toEqual([{ status: 'applied' }]);
    const log = await t.db.selectFrom('admin_log').selectAll().where('action', '=', 'roll-call-ended').execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actor_name: expect.any(String), subject: 'Emergency roll call of 2026-11-24' });
    expect(JSON.parse(log[0]?.details ?? '{}')).toMatchObject({
      durationMs: 12.5 * 60_000,
      expected: 3,
      found: 2,
      missing: [{ studentId: '100002', name: expect.any(String), homeroom: expect.any(String) }],
    });
    expect((await rollCall()).rollCall.endedAt).toBe(AT('10:12:30'));
    // A second end (another device ended it too, offline) changes nothing and writes no second record.
    expect(await staffSync(teacher, TEACHER_TABLET, [end('10:13:00')])).toEqual([{ status: 'merged', rule: 'roll-call-already-ended' }]);
    expect(await t.db.selectFrom('admin_log').selectAll().where('action', '=', 'roll-call-ended').execute()).toHaveLength(1);
  });

  it('joins a start made while the roll call ran but sent after it ended, and opens a new one for a later start', async () => {
    await staffSync(teacher, TEACHER_TABLET, [start('10:00:00'), end('10:10:00')]);
    expect(await staffSync(office, OFFICE_DESK, [start('10:05:00'), found('100002', '10:06:00')])).toEqual([
      { status: 'merged', rule: 'roll-call-joined' },
      { status: 'applied' },
    ]);
    expect(await t.db.selectFrom('roll_calls').selectAll().execute()).toHaveLength(1);
    expect(await staffSync(office, OFFICE_DESK, [start('10:20:00')])).toEqual([{ status: 'applied' }]);
    const view = await rollCall();
    expect(view.rollCall).toMatchObject({ startedAt: AT('10:20:00'), endedAt: null });
    expect(onSite(view).every(([, at]) => at === null)).toBe(true);
  });

  it('keeps a roll call a device took wholly offline apart from one started well after it, which its end leaves running', async () => {
    await staffSync(office, OFFICE_DESK, [start('10:15:00')]);
    expect(await staffSync(teacher, TEACHER_TABLET, [start('10:00:00'), found('100001', '10:02:00'), end('10:10:00')])).toEqual([
      { status: 'applied' },
      { status: 'applied' },
      { status: 'applied' },
    ]);
    const calls = await t.db.selectFrom('roll_calls').select(['started_at', 'ended_at']).orderBy('started_at').execute();
    expect(calls.map((c) => [Number(c.started_at), c.ended_at === null ? null : Number(c.ended_at)])).toEqual([
      [AT('10:00:00'), AT('10:10:00')],
      [AT('10:15:00'), null],
    ]);
    expect((await rollCall()).rollCall).toMatchObject({ startedAt: AT('10:15:00'), endedAt: null });
  });

  it('refuses a tick with no roll call, a tick of an unknown student, and roll-call ops from a kiosk', async () => {
    expect(await staffSync(teacher, TEACHER_TABLET, [found('100001', '10:02:00')])).toEqual([{ status: 'rejected', code: 'no-roll-call' }]);
    await staffSync(teacher, TEACHER_TABLET, [start('10:03:00')]);
    expect(await staffSync(teacher, TEACHER_TABLET, [found('999999', '10:04:00')])).toEqual([
      { status: 'rejected', code: 'unknown-student' },
    ]);
    const kiosk = await t.syncAsKiosk([{ seq: 10, ...found('100001', '10:05:00'), session: 'day', base: 0 }]);
    expect(fromRuns(kiosk.json().receipts)).toEqual([{ status: 'rejected', code: 'invalid-body' }]);
  });

  it('refuses a start or an end that names a student, and a tick that names none', async () => {
    expect(
      await staffSync(teacher, TEACHER_TABLET, [
        { ...start('10:00:00'), studentId: '100001' },
        { ...found('100001', '10:01:00'), studentId: '' },
        { ...end('10:02:00'), studentId: '100001' },
      ]),
    ).toEqual([
      { status: 'rejected', code: 'invalid-body' },
      { status: 'rejected', code: 'invalid-body' },
      { status: 'rejected', code: 'invalid-body' },
    ]);
    expect(await t.db.selectFrom('roll_calls').selectAll().execute()).toHaveLength(0);
  });

  it('takes roll-call ops in the compact batch format', async () => {
    const ops = [
      { seq: 1, ...start('10:00:00'), session: 'day', base: 0 },
      { seq: 2, ...found('100001', '10:01:00'), session: 'day', base: 0 },
      { seq: 3, ...end('10:02:00'), session: 'day', base: 0 },
    ];
    const body = encodeBatch({ deviceId: TEACHER_TABLET, kioskId: 'staff-browser', ops });
    expect(decodeBatch(body, { maxOps: 10 }).ops).toEqual(ops);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { ...teacher, 'content-type': BATCH_MEDIA_TYPE },
      payload: Buffer.from(body),
    });
    expect(response.statusCode).toBe(200);
    expect(fromRuns(response.json().receipts)).toEqual([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
  });
});
