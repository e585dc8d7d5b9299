/**
 * Every endpoint, called with another school's session or device token,
 * refuses or answers with that school's own data only: nothing of the demo
 * school leaks, and nothing of it changes.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databaseFingerprint } from '../support/fingerprint.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let conflictId: string;
const riverside = { studentNames: [] as string[], teacherId: '' };
describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    t.clock.now = Date.parse('2026-11-24T09:00:00Z');
    hill = await addSecondSchool(t);
    // The demo school's day: a door scan, two staff disagreeing (an open conflict).
    await t.syncAsKiosk([
      { seq: 1, kind: 'check-in', studentId: '100001', at: Date.parse('2026-11-24T07:58:00Z'), session: 'day', base: 0 },
    ]);
    const teacher = await t.signIn('teacher');
    const office = await t.signIn('office');
    const status = (status: string, seq: number) => ({
      seq,
      kind: 'status',
      studentId: '100002',
      status,
      at: t.clock.now,
      session: 'day',
      base: 0,
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: teacher,
      payload: { v: 1, type: 'sync', deviceId: 'riverside-tablet-01', kioskId: 'staff-browser', ops: [status('present', 1)] },
    });
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: office,
      payload: { v: 1, type: 'sync', deviceId: 'riverside-desk-001', kioskId: 'staff-browser', ops: [status('late', 1)] },
    });
    conflictId = opened.json().receipts[0].conflictId;
    riverside.teacherId = (
      await t.db.selectFrom('staff').select('id').where('email', '=', 'teacher@riverside.example').executeTakeFirstOrThrow()
    ).id;
    riverside.studentNames = (await t.db.selectFrom('students').select('name').where('school_id', '=', t.schoolId).execute()).map(
      (r) => r.name,
    );
  });
  afterAll(async () => t.close());

  type Caller = { name: string; headers: () => Record<string, string> };
  const callers: Caller[] = [
    { name: "Hillside's kiosk token", headers: () => ({ authorization: `Bearer ${hill.token}` }) },
    { name: "Hillside's teacher", headers: () => hill.as.teacher },
    { name: "Hillside's office", headers: () => hill.as.office },
    { name: "Hillside's admin", headers: () => hill.as.admin },
  ];

  /** What a request touching the demo school looks like; ids are read when the test runs. */
  const requests: Array<[string, () => InjectOptions]> = [
    ['GET /api/kiosk-config', () => ({ url: '/api/kiosk-config' })],
    ['GET /api/roster', () => ({ url: '/api/roster' })],
    ['GET /api/changes from now', () => ({ url: '/api/changes?cursor=' })],
    ['GET /api/changes from the start', () => ({ url: '/api/changes?cursor=0' })],
    ['GET /api/roll of a demo homeroom', () => ({ url: '/api/roll?group=7A&session=day' })],
    ['GET /api/conflicts', () => ({ url: '/api/conflicts?status=open' })],
    ['GET /api/records/history of a demo student', () => ({ url: '/api/records/history?studentId=100002&date=2026-11-24&session=day' })],
    ['GET /api/devices', () => ({ url: '/api/devices' })],
    ['GET /api/session', () => ({ url: '/api/session' })],
    ['GET /api/schools', () => ({ url: '/api/schools' })],
    ['GET /api/school/settings', () => ({ url: '/api/school/settings' })],
    // Hillside's own settings as they stand (the fingerprint covers every school's row; what reaches another school is tested in school-settings).
    [
      'POST /api/school/settings',
      () => ({
        method: 'POST',
        url: '/api/school/settings',
        payload: {
          v: 1,
          name: 'Hillside Academy',
          timeZone: 'America/New_York',
          dayStart: '07:30',
          bellTime: '08:30',
          lateGraceMinutes: 0,
          periods: [],
          weekdaysOff: [6, 7],
          closures: [],
        },
      }),
    ],
    [
      'POST /api/session/school to the demo school',
      () => ({ method: 'POST', url: '/api/session/school', payload: { v: 1, schoolId: t.schoolId } }),
    ],
    [
      'POST /api/conflicts/resolve of a demo conflict',
      () => ({
        method: 'POST',
        url: '/api/conflicts/resolve',
        payload: { v: 1, resolutions: [{ conflictId, choices: { status: { take: 'local' } }, note: 'not mine' }] },
      }),
    ],
    [
      'POST /api/pairing-codes for the demo kiosk',
      () => ({ method: 'POST', url: '/api/pairing-codes', payload: { v: 1, kioskId: t.kioskId } }),
    ],
    ['POST /api/devices/:id/revoke of the demo kiosk', () => ({ method: 'POST', url: `/api/devices/${t.deviceId}/revoke` })],
    [
      'POST /api/queue-imports as the demo kiosk',
      () => ({
        method: 'POST',
        url: '/api/queue-imports',
        payload: {
          v: 1,
          type: 'queue-export',
          deviceId: t.deviceId,
          kioskId: t.kioskId,
          schoolName: 'x',
          kioskName: 'x',
          exportedAt: t.clock.now,
          ops: [{ seq: 99, kind: 'check-in', studentId: '100003', at: t.clock.now, session: 'day', base: 0 }],
        },
      }),
    ],
    [
      'POST /api/sync under the demo kiosk device id',
      () => ({
        method: 'POST',
        url: '/api/sync',
        payload: {
          v: 1,
          type: 'sync',
          deviceId: t.deviceId,
          kioskId: t.kioskId,
          ops: [{ seq: 99, kind: 'check-in', studentId: '100003', at: t.clock.now, session: 'day', base: 0 }],
        },
      }),
    ],
    [
      'POST /api/sync of demo students from its own device',
      () => ({
        method: 'POST',
        url: '/api/sync',
        payload: {
          v: 1,
          type: 'sync',
          deviceId: hill.deviceId,
          kioskId: hill.kioskId,
          ops: [{ seq: 1, kind: 'check-in', studentId: '100004', at: t.clock.now, session: 'day', base: 0 }],
        },
      }),
    ],
    ['GET /api/students', () => ({ url: '/api/students?q=Lovelace' })],
    ['GET /api/today', () => ({ url: '/api/today' })],
    ['GET /api/today/student of a demo student', () => ({ url: '/api/today/student?studentId=100001' })],
    ['GET /api/cards', () => ({ url: '/api/cards' })],
    [
      'POST /api/students/:id of a demo student',
      () => ({ method: 'POST', url: '/api/students/100006', payload: { v: 1, givenName: 'X' } }),
    ],
    ['POST /api/students/:id/leave of a demo student', () => ({ method: 'POST', url: '/api/students/100006/leave' })],
    ['GET /api/staff', () => ({ url: '/api/staff' })],
    [
      'POST /api/staff/:id of the demo teacher',
      () => ({ method: 'POST', url: `/api/staff/${riverside.teacherId}`, payload: { v: 1, name: 'X' } }),
    ],
    ['POST /api/staff/:id/deactivate of the demo teacher', () => ({ method: 'POST', url: `/api/staff/${riverside.teacherId}/deactivate` })],
    [
      'POST /api/staff/:id/password-reset of the demo teacher',
      () => ({ method: 'POST', url: `/api/staff/${riverside.teacherId}/password-reset` }),
    ],
    ['GET /api/kiosks', () => ({ url: '/api/kiosks' })],
    ['POST /api/kiosks/:id of the demo kiosk', () => ({ method: 'POST', url: `/api/kiosks/${t.kioskId}`, payload: { v: 1, name: 'X' } })],
    ['POST /api/kiosks/:id/retire of the demo kiosk', () => ({ method: 'POST', url: `/api/kiosks/${t.kioskId}/retire` })],
    [
      'POST /api/marks of a demo student',
      () => ({
        method: 'POST',
        url: '/api/marks',
        payload: { v: 1, opId: '01JDZZZZZZZZZZZZZZZZZZZZZZ', kind: 'status', status: 'absent', studentId: '100005', at: t.clock.now },
      }),
    ],
  ];

  /** Demo-school data in an answer that the request did not itself carry (an error may echo what was sent). */
  function leaks(body: string, sent: string): string[] {
    const secrets = [
      t.schoolId,
      t.kioskId,
      t.deviceId,
      conflictId,
      'Riverside',
      'Main entrance',
      '100001',
      '100002',
      ...riverside.studentNames,
    ];
    return secrets.filter((s) => body.includes(s) && !sent.includes(s));
  }

  describe("another school's session or device", () => {
    it.each(callers.flatMap((caller) => requests.map(([name, request]) => [caller.name, name, caller, request] as const)))(
      '%s: %s leaks and changes nothing of the demo school',
      async (_who, _what, caller, request) => {
        const before = await databaseFingerprint(t.db, { schoolId: t.schoolId });
        const options = request();
        const response = await t.app.inject({ ...options, headers: { ...(options.headers ?? {}), ...caller.headers() } });
        expect(response.statusCode).toBeLessThan(500);
        const body =
          response.rawPayload.length > 0 && response.headers['content-encoding'] === 'gzip'
            ? (await import('node:zlib')).gunzipSync(response.rawPayload).toString()
            : response.body;
        expect(leaks(body, JSON.stringify(options))).toEqual([]);
        expect(await databaseFingerprint(t.db, { schoolId: t.schoolId })).toEqual(before);
        if (response.statusCode === 200 && options.url === '/api/sync' && JSON.stringify(options.payload).includes('100004')) {
          expect(response.json().receipts).toEqual([{ status: 'rejected', code: 'unknown-student', n: 1 }]);
        }
      },
    );

    it('is refused outright where it names something of the demo school', async () => {
      const refusals: Array<[InjectOptions, number, string]> = [
        [
          { method: 'POST', url: '/api/conflicts/resolve', payload: { v: 1, resolutions: [{ conflictId, choices: {}, note: 'x' }] } },
          404,
          'conflict-not-found',
        ],
        [{ method: 'POST', url: '/api/pairing-codes', payload: { v: 1, kioskId: t.kioskId } }, 404, 'kiosk-not-found'],
        [{ method: 'POST', url: `/api/devices/${t.deviceId}/revoke` }, 404, 'device-not-found'],
        [{ url: '/api/records/history?studentId=100002&date=2026-11-24&session=day' }, 404, 'student-not-found'],
        [{ method: 'POST', url: '/api/session/school', payload: { v: 1, schoolId: t.schoolId } }, 404, 'school-not-found'],
        [{ method: 'POST', url: '/api/students/100006/leave' }, 404, 'student-not-found'],
        [{ method: 'POST', url: `/api/staff/${riverside.teacherId}/deactivate` }, 404, 'staff-not-found'],
        [{ method: 'POST', url: `/api/kiosks/${t.kioskId}/retire` }, 404, 'kiosk-not-found'],
      ];
      for (const [request, status, code] of refusals) {
        const url = String(request.url);
        const role =
          url.startsWith('/api/records') || url.startsWith('/api/conflicts') || url.startsWith('/api/students') ? 'office' : 'admin';
        const response = await t.app.inject({ ...request, headers: hill.as[role] });
        expect([response.statusCode, response.json().error.code]).toEqual([status, code]);
      }
      const sync = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { authorization: `Bearer ${hill.token}` },
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [] },
      });
      expect([sync.statusCode, sync.json().error.code]).toEqual([401, 'device-unauthorized']);
      const imported = await t.app.inject({
        method: 'POST',
        url: '/api/queue-imports',
        headers: hill.as.office,
        payload: {
          v: 1,
          type: 'queue-export',
          deviceId: t.deviceId,
          kioskId: t.kioskId,
          schoolName: 'x',
          kioskName: 'x',
          exportedAt: 1,
          ops: [],
        },
      });
      expect([imported.statusCode, imported.json().error.code]).toEqual([404, 'device-not-found']);
    });
  });
});
