/**
 * The School settings of the demo school: read and changed by its admin
 * only, each change checked, logged and announced, so kiosks and staff
 * browsers follow it; lateness then goes by the new bell and grace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { DEMO_SCHOOL } from '../../src/server/demo-school.ts';
import { MemoryEventBus } from '../../src/server/events/memory-event-bus.ts';
import type { LiveEvent } from '../../src/shared/live-events.ts';
import { DEFAULT_ABSENCE_REASONS } from '../../src/shared/reasons.ts';
import { databases } from '../support/databases.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { checkIn, opId, startTestApp, type TestApp } from '../support/test-app.ts';

/** A winter Tuesday in London (UTC): times on the wall are times in UTC. */
const DAY = '2026-11-24';
const at = (time: string) => Date.parse(`${DAY}T${time}Z`);

const DEMO_SETTINGS = {
  name: DEMO_SCHOOL.name,
  timeZone: 'Europe/London',
  dayStart: '07:30',
  bellTime: '08:00',
  lateGraceMinutes: 0,
  periods: DEMO_SCHOOL.periods,
  weekdaysOff: [6, 7],
  closures: [],
  absenceReasons: DEFAULT_ABSENCE_REASONS,
};

describe.each(databases())('on %s', (database) => {
  let t: TestApp;
  let admin: Record<string, string>;
  let hill: OtherSchool;

  beforeAll(async () => {
    t = await startTestApp({ database });
    t.clock.now = at('07:00:00');
    admin = await t.signIn('admin');
    hill = await addSecondSchool(t);
  });
  afterAll(async () => t.close());

  const save = (headers: Record<string, string>, settings: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/school/settings', headers, payload: { v: 1, ...settings } });

  it('shows the demo school with its six periods and weekends off', async () => {
    const response = await t.app.inject({ url: '/api/school/settings', headers: admin });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ v: 1, type: 'school-settings', id: t.schoolId, settingsVersion: 1, settings: DEMO_SETTINGS });
    expect((await t.app.inject({ url: '/api/roll', headers: admin })).json().sessions).toEqual(['day', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
  });

  it('does not let a teacher or the office read or change the settings', async () => {
    for (const role of ['teacher', 'office'] as const) {
      const headers = await t.signIn(role);
      const read = await t.app.inject({ url: '/api/school/settings', headers });
      const changed = await save(headers, { ...DEMO_SETTINGS, lateGraceMinutes: 30 });
      expect([read.statusCode, read.json().error.code, changed.statusCode, changed.json().error.code]).toEqual([
        403,
        'forbidden',
        403,
        'forbidden',
      ]);
    }
    expect((await t.app.inject({ url: '/api/school/settings', headers: admin })).json().settingsVersion).toBe(1);
  });

  it.each([
    ['an unknown zone', { timeZone: 'Europe/Londinium' }, 'invalid-time-zone', '$.timeZone'],
    ['a bell not written HH:MM', { bellTime: '8:00 am' }, 'invalid-time', '$.bellTime'],
    [
      'a period ending before it starts',
      { periods: [{ name: 'P1', startsAt: '09:00', endsAt: '08:10' }] },
      'period-ends-before-start',
      '$.periods[0].endsAt',
    ],
    [
      'overlapping periods',
      {
        periods: [
          { name: 'P1', startsAt: '08:10', endsAt: '09:00' },
          { name: 'P2', startsAt: '08:55', endsAt: '09:40' },
        ],
      },
      'periods-overlap',
      '$.periods[1].startsAt',
    ],
    [
      'two periods of one name',
      {
        periods: [
          { name: 'P1', startsAt: '08:10', endsAt: '09:00' },
          { name: 'P1', startsAt: '09:05', endsAt: '09:55' },
        ],
      },
      'duplicate-period',
      '$.periods[1].name',
    ],
    [
      'a closure ending before its first day',
      { closures: [{ firstDay: '2026-12-22', lastDay: '2026-12-21', reason: 'Winter break' }] },
      'closure-ends-before-start',
      '$.closures[0].lastDay',
    ],
  ])('refuses %s with its own code and changes nothing', async (_what, change, code, path) => {
    const response = await save(admin, { ...DEMO_SETTINGS, ...change });
    expect([response.statusCode, response.json().error.code, response.json().error.details.path]).toEqual([400, code, path]);
    expect((await t.app.inject({ url: '/api/school/settings', headers: admin })).json().settingsVersion).toBe(1);
  });

  it('writes a change to the admin log, raises the version and puts it on the change feed and the event stream', async () => {
    // A second process on the same database, whose event bus the test listens to.
    const bus = new MemoryEventBus();
    const heard: LiveEvent[] = [];
    bus.subscribe(t.schoolId, { events: (events) => heard.push(...events), gap: () => undefined });
    const other = await buildApp({ db: t.db, events: bus, now: () => t.clock.now });
    const cursor = (await t.asKiosk('/api/changes?cursor=')).json().cursor as string;
    const periods = [...DEMO_SCHOOL.periods.slice(0, 5), { name: 'Clubs', startsAt: '15:00', endsAt: '16:00' }];
    const changed = await other.inject({
      method: 'POST',
      url: '/api/school/settings',
      headers: admin,
      payload: { v: 1, ...DEMO_SETTINGS, lateGraceMinutes: 10, periods },
    });
    await other.close();
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ settingsVersion: 2, settings: { lateGraceMinutes: 10, periods } });
    expect(heard).toEqual([{ v: 1, kind: 'settings-changed', seq: Number(cursor) + 1 }]);

    const feed = (await t.asKiosk(`/api/changes?cursor=${cursor}`)).json();
    expect(feed.changes).toEqual([{ kind: 'settings', version: 2 }]);
    const config = (await t.asKiosk('/api/kiosk-config')).json();
    expect(config.school).toMatchObject({ settingsVersion: 2, lateGraceMinutes: 10, periods, weekdaysOff: [6, 7] });
    expect((await t.app.inject({ url: '/api/roll', headers: admin })).json().sessions).toEqual([
      'day',
      'P1',
      'P2',
      'P3',
      'P4',
      'P5',
      'Clubs',
    ]);
    const log = await t.db.selectFrom('admin_log').selectAll().where('school_id', '=', t.schoolId).execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'settings-changed', actor_name: 'Alan Turing', subject: DEMO_SCHOOL.name });
    expect(JSON.parse(log[0]?.details ?? '{}')).toEqual({
      version: 2,
      changed: {
        lateGraceMinutes: { from: 0, to: 10 },
        periods: { from: DEMO_SCHOOL.periods, to: periods },
      },
    });

    // The same settings again are no change: no version, no log row, no news.
    const again = await save(admin, { ...DEMO_SETTINGS, lateGraceMinutes: 10, periods });
    expect(again.json().settingsVersion).toBe(2);
    expect(await t.db.selectFrom('admin_log').select('id').where('school_id', '=', t.schoolId).execute()).toHaveLength(1);
    expect((await t.asKiosk(`/api/changes?cursor=${feed.cursor}`)).json().changes).toEqual([]);
  });

  it('judges a door scan late only after the bell and the grace', async () => {
    t.clock.now = at('08:30:00');
    const receipts = await t.syncAsKiosk([checkIn(1, '100001', at('08:10:00')), checkIn(2, '100002', at('08:10:01'))]);
    expect(receipts.statusCode).toBe(200);
    const rows = await t.db
      .selectFrom('attendance')
      .innerJoin('students', 'students.id', 'attendance.student_id')
      .select(['students.student_number', 'attendance.status'])
      .where('attendance.school_id', '=', t.schoolId)
      .where('attendance.date', '=', DAY)
      .orderBy('students.student_number')
      .execute();
    expect(rows).toEqual([
      { student_number: '100001', status: 'present' },
      { student_number: '100002', status: 'late' },
    ]);
    const teacher = await t.signIn('teacher');
    const mark = await t.app.inject({
      method: 'POST',
      url: '/api/marks',
      headers: teacher,
      payload: { v: 1, opId: opId(), kind: 'check-in', studentId: '100003', at: at('08:09:00'), offset: 0 },
    });
    expect(mark.json()).toMatchObject({ late: false, localTime: '08:09' });
  });

  it("lets an admin of another school neither read nor change this school's settings", async () => {
    const read = (await t.app.inject({ url: '/api/school/settings', headers: hill.as.admin })).json();
    expect(read.id).toBe(hill.schoolId);
    expect(JSON.stringify(read)).not.toContain('Riverside');
    const mine = await save(hill.as.admin, {
      ...DEMO_SETTINGS,
      name: 'Hillside Academy',
      timeZone: 'America/New_York',
      lateGraceMinutes: 3,
    });
    expect(mine.json()).toMatchObject({ id: hill.schoolId, settings: { name: 'Hillside Academy', lateGraceMinutes: 3 } });
    const ours = (await t.app.inject({ url: '/api/school/settings', headers: admin })).json();
    expect(ours).toMatchObject({ id: t.schoolId, settingsVersion: 2, settings: { name: DEMO_SCHOOL.name, lateGraceMinutes: 10 } });
    const into = await t.app.inject({
      method: 'POST',
      url: '/api/session/school',
      headers: hill.as.admin,
      payload: { v: 1, schoolId: t.schoolId },
    });
    expect([into.statusCode, into.json().error.code]).toEqual([404, 'school-not-found']);
    expect((await t.app.inject({ url: '/api/schools', headers: hill.as.admin })).json().schools).toEqual([
      { id: hill.schoolId, name: 'Hillside Academy' },
    ]);
  });
});
