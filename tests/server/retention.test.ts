/**
 * A school keeps its records for the school years it sets (by default this one and the last): an admin reads and
 * changes the setting, and pruning deletes what is older, from every table that holds a day, for that school only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { pruneSchool } from '../../src/server/retention.ts';
import { findSchool } from '../../src/server/school-queries.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let admin: Record<string, string>;
const NOW = Date.parse('2026-11-24T09:00:00Z');

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    t.clock.now = NOW;
    hill = await addSecondSchool(t);
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  const put = (payload: object, headers = admin) => t.app.inject({ method: 'POST', url: '/api/school/retention', headers, payload });

  it('keeps this school year and the last unless the school says otherwise, and says from which day', async () => {
    const view = (await t.app.inject({ url: '/api/school/retention', headers: admin })).json();
    expect(view).toEqual({
      v: 1,
      type: 'retention',
      retention: { schoolYears: 2, yearStarts: '08-01', refusedDays: 30 },
      keptFrom: '2025-08-01',
    });
  });

  it('is changed by an admin only, logged with what changed, and bad values are refused with a code', async () => {
    const teacher = await t.signIn('teacher');
    const refused = await put({ v: 1, schoolYears: 3, yearStarts: '09-01', refusedDays: 14 }, teacher);
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    const bad = await put({ v: 1, schoolYears: 0, yearStarts: '09-01', refusedDays: 14 });
    expect([bad.statusCode, bad.json().error.code, bad.json().error.details.path]).toEqual([400, 'invalid-body', '$.schoolYears']);
    const changed = await put({ v: 1, schoolYears: 3, yearStarts: '09-01', refusedDays: 14 });
    expect(changed.json()).toMatchObject({ retention: { schoolYears: 3, yearStarts: '09-01', refusedDays: 14 }, keptFrom: '2024-09-01' });
    const log = await t.db.selectFrom('admin_log').select(['action', 'details']).where('action', '=', 'retention-changed').execute();
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]?.details ?? '{}')).toEqual({
      changed: { schoolYears: { from: 2, to: 3 }, yearStarts: { from: '08-01', to: '09-01' }, refusedDays: { from: 30, to: 14 } },
    });
    // Devices hear of the new days for refusals through the settings' version, and read them with the school.
    const config = (await t.asKiosk('/api/kiosk-config')).json();
    expect(config.school.keepRefusedDays).toBe(14);
    const feed = (await t.app.inject({ url: '/api/changes?cursor=0', headers: admin })).json();
    expect(feed.changes).toContainEqual({ kind: 'settings', version: config.school.settingsVersion });
    const hillside = (await t.app.inject({ url: '/api/school/retention', headers: hill.as.admin })).json();
    expect(hillside.retention.schoolYears).toBe(2);
    await put({ v: 1, schoolYears: 2, yearStarts: '08-01', refusedDays: 30 });
  });

  it('prunes the days before the first day kept, from every table, and nothing of the days kept or of another school', async () => {
    const day = (date: string, hour = 8) => Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
    const ops = [
      { seq: 101, kind: 'check-in', studentId: '100001', at: day('2025-07-31'), session: 'day', base: 0 },
      { seq: 102, kind: 'note', studentId: '100001', text: 'An old note', at: day('2025-07-31', 9), session: 'day', base: 0 },
      { seq: 103, kind: 'check-in', studentId: '100002', at: day('2025-08-01'), session: 'day', base: 0 },
      { seq: 104, kind: 'check-in', studentId: '100003', at: day('2026-11-24'), session: 'day', base: 0 },
    ];
    t.clock.now = day('2025-08-01', 10);
    expect((await t.syncAsKiosk(ops.slice(0, 3))).statusCode).toBe(200);
    t.clock.now = NOW;
    expect((await t.syncAsKiosk(ops.slice(3))).statusCode).toBe(200);
    t.clock.now = day('2024-05-01', 13);
    const hillOld = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${hill.token}` },
      payload: {
        v: 1,
        type: 'sync',
        deviceId: hill.deviceId,
        kioskId: hill.kioskId,
        ops: [{ seq: 1, kind: 'check-in', studentId: '200001', at: day('2024-05-01', 12), session: 'day', base: 0 }],
      },
    });
    expect(hillOld.statusCode).toBe(200);
    expect(hillOld.json().receipts[0].status).toBe('applied');
    t.clock.now = NOW;
    const dates = async (table: 'attendance' | 'audit_log' | 'notes', schoolId = t.schoolId) =>
      (await t.db.selectFrom(table).select('date').distinct().where('school_id', '=', schoolId).orderBy('date').execute()).map(
        (r) => r.date,
      );
    expect(await dates('attendance')).toEqual(['2025-07-31', '2025-08-01', '2026-11-24']);
    expect(await dates('notes')).toEqual(['2025-07-31']);

    const pruned = await pruneSchool(t.db, await findSchool(t.db, t.schoolId), NOW);
    expect(pruned.keptFrom).toBe('2025-08-01');
    expect(pruned.deleted).toMatchObject({ attendance: 1, notes: 1 });
    expect(pruned.deleted.audit_log).toBeGreaterThan(0);
    expect(pruned.deleted.ops).toBeGreaterThanOrEqual(0);
    expect(await dates('attendance')).toEqual(['2025-08-01', '2026-11-24']);
    expect(await dates('audit_log')).toEqual(['2025-08-01', '2026-11-24']);
    expect(await dates('notes')).toEqual([]);
    expect(await dates('attendance', hill.schoolId)).toEqual(['2024-05-01']);
    // A second pruning finds nothing more; the kept day's record still reads as before.
    const again = await pruneSchool(t.db, await findSchool(t.db, t.schoolId), NOW);
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
    const history = await t.app.inject({
      url: '/api/records/history?studentId=100002&date=2025-08-01&session=day',
      headers: await t.signIn('office'),
    });
    expect(history.json().entries).toHaveLength(1);
  });

  it('prunes emergency roll calls of the days before the first day kept, with their ticks', async () => {
    const teacher = await t.signIn('teacher');
    const rollCall = async (date: string, seq: number) => {
      const at = Date.parse(`${date}T10:00:00Z`);
      t.clock.now = at + 60_000;
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: teacher,
        payload: {
          v: 1,
          type: 'sync',
          deviceId: 'retention-tablet-0001',
          kioskId: 'staff-browser',
          ops: [
            { seq, kind: 'roll-call-start', studentId: '', at, session: 'day', base: 0 },
            { seq: seq + 1, kind: 'roll-call-found', studentId: '100001', at: at + 1000, session: 'day', base: 0 },
          ],
        },
      });
      expect(response.json().receipts).toEqual([{ n: 2, status: 'applied' }]);
    };
    await rollCall('2025-07-15', 301);
    await rollCall('2025-09-15', 303);
    t.clock.now = NOW;
    const pruned = await pruneSchool(t.db, await findSchool(t.db, t.schoolId), NOW);
    expect(pruned.deleted).toMatchObject({ roll_call_ticks: 1, roll_calls: 1 });
    expect((await t.db.selectFrom('roll_calls').select('date').execute()).map((r) => r.date)).toEqual(['2025-09-15']);
    expect(await t.db.selectFrom('roll_call_ticks').selectAll().execute()).toHaveLength(1);
  });

  it('prunes on its own once the server is ready, when started with a schedule', async () => {
    t.clock.now = Date.parse('2025-07-30T10:00:00Z');
    await t.syncAsKiosk([
      { seq: 201, kind: 'check-in', studentId: '100004', at: Date.parse('2025-07-30T08:00:00Z'), session: 'day', base: 0 },
    ]);
    t.clock.now = NOW;
    const old = () =>
      t.db.selectFrom('attendance').select('date').where('school_id', '=', t.schoolId).where('date', '<', '2025-08-01').execute();
    expect(await old()).toHaveLength(1);
    const scheduled = await buildApp({ db: t.db, now: () => NOW, pruneEveryMs: 3_600_000 });
    await scheduled.ready();
    await expect.poll(old, { timeout: 5000 }).toHaveLength(0);
    await scheduled.close();
  });
});
