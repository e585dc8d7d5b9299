/** Kiosks by an admin: add, rename, set up, retire (its devices revoked, never paired again, history kept), in one school only. */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { checkIn, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let admin: Record<string, string>;

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  const post = (url: string, payload?: object, headers = admin) =>
    t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const logged = async () =>
    (
      await t.db
        .selectFrom('admin_log')
        .selectAll()
        .where('school_id', '=', t.schoolId)
        .where('action', 'like', 'kiosk-%')
        .orderBy('id')
        .execute()
    ).map((e) => ({
      action: e.action,
      subject: e.subject,
      actor: e.actor_name,
      details: JSON.parse(e.details) as Record<string, unknown>,
    }));

  let gymId = '';

  it('lists the school’s kiosks with how they read cards, which way they face and their paired devices', async () => {
    const list = await t.app.inject({ url: '/api/kiosks', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      v: 1,
      type: 'kiosks',
      kiosks: [{ id: t.kioskId, name: 'Main entrance', scanMode: 'keyboard', direction: 'entrance', retiredAt: null, pairedDevices: 1 }],
    });
  });

  it('adds a named kiosk that can be paired at once, and refuses a second of the same name', async () => {
    const made = await post('/api/kiosks', { v: 1, name: 'Gym door', scanMode: 'camera', direction: 'exit' });
    expect(made.statusCode).toBe(201);
    expect(made.json().kiosk).toMatchObject({ name: 'Gym door', scanMode: 'camera', direction: 'exit', retiredAt: null, pairedDevices: 0 });
    gymId = made.json().kiosk.id;
    const plain = await post('/api/kiosks', { v: 1, name: 'Library' });
    expect(plain.json().kiosk).toMatchObject({ scanMode: 'keyboard', direction: 'entrance' });
    const twice = await post('/api/kiosks', { v: 1, name: 'gym DOOR' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'kiosk-name-taken']);
    const code = await post('/api/pairing-codes', { v: 1, kioskId: gymId });
    expect(code.statusCode).toBe(201);
    const paired = await t.app.inject({
      method: 'POST',
      url: '/api/pair',
      payload: { v: 1, code: code.json().code, deviceId: 'gym-door-device-0001', appVersion: '0.2.0' },
    });
    expect(paired.statusCode).toBe(200);
    expect(paired.json().config.kiosk).toEqual({ id: gymId, name: 'Gym door', scanMode: 'camera', direction: 'exit' });
    const devices = (await t.app.inject({ url: '/api/devices', headers: admin })).json();
    expect(devices.kiosks.map((k: { name: string }) => k.name)).toEqual(['Gym door', 'Library', 'Main entrance']);
  });

  it('renames a kiosk and changes its set-up, logging each with what changed', async () => {
    const renamed = await post(`/api/kiosks/${gymId}`, { v: 1, name: 'Sports hall door' });
    expect(renamed.json().kiosk).toMatchObject({ name: 'Sports hall door', pairedDevices: 1 });
    const setUp = await post(`/api/kiosks/${gymId}`, { v: 1, scanMode: 'keyboard', direction: 'entrance' });
    expect(setUp.json().kiosk).toMatchObject({ scanMode: 'keyboard', direction: 'entrance' });
    const same = await post(`/api/kiosks/${gymId}`, { v: 1, name: 'Sports hall door' });
    expect(same.statusCode).toBe(200);
    const clash = await post(`/api/kiosks/${gymId}`, { v: 1, name: 'Main entrance' });
    expect([clash.statusCode, clash.json().error.code]).toEqual([409, 'kiosk-name-taken']);
    const devices = (await t.app.inject({ url: '/api/devices', headers: admin })).json().devices;
    expect(devices.find((d: { id: string }) => d.id === 'gym-door-device-0001').kioskName).toBe('Sports hall door');
    const log = await logged();
    expect(log.map((e) => e.action)).toEqual(['kiosk-added', 'kiosk-added', 'kiosk-renamed', 'kiosk-changed']);
    expect(log[2]).toEqual({
      action: 'kiosk-renamed',
      subject: 'Sports hall door',
      actor: 'Alan Turing',
      details: { kioskId: gymId, name: { from: 'Gym door', to: 'Sports hall door' } },
    });
    expect(log[3]?.details).toEqual({
      kioskId: gymId,
      scanMode: { from: 'camera', to: 'keyboard' },
      direction: { from: 'exit', to: 'entrance' },
    });
  });

  it('retires a kiosk: its devices are refused at once, it cannot be paired again or changed, and its history stays', async () => {
    const token = await (async () => {
      const code = (await post('/api/pairing-codes', { v: 1, kioskId: gymId })).json().code;
      const paired = await t.app.inject({
        method: 'POST',
        url: '/api/pair',
        payload: { v: 1, code, deviceId: 'gym-door-device-0002', appVersion: '0.2.0' },
      });
      return paired.json().token as string;
    })();
    const kiosk = (request: InjectOptions) => t.app.inject({ ...request, headers: { authorization: `Bearer ${token}` } });
    const synced = await kiosk({
      method: 'POST',
      url: '/api/sync',
      payload: { v: 1, type: 'sync', deviceId: 'gym-door-device-0002', kioskId: gymId, ops: [checkIn(1, '100007', t.clock.now)] },
    });
    expect(synced.json().receipts[0].status).toBe('applied');
    const unused = (await post('/api/pairing-codes', { v: 1, kioskId: gymId })).json().code;

    const retired = await post(`/api/kiosks/${gymId}/retire`);
    expect(retired.statusCode).toBe(200);
    expect(retired.json().kiosk).toMatchObject({ retiredAt: t.clock.now, pairedDevices: 0 });
    const refused = await kiosk({ url: '/api/kiosk-config' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'device-revoked']);
    const stale = await t.app.inject({
      method: 'POST',
      url: '/api/pair',
      payload: { v: 1, code: unused, deviceId: 'gym-door-device-0003', appVersion: '0.2.0' },
    });
    expect([stale.statusCode, stale.json().error.code]).toEqual([400, 'pairing-code-invalid']);
    const newCode = await post('/api/pairing-codes', { v: 1, kioskId: gymId });
    expect([newCode.statusCode, newCode.json().error.code]).toEqual([409, 'kiosk-retired']);
    const rename = await post(`/api/kiosks/${gymId}`, { v: 1, name: 'Again' });
    expect([rename.statusCode, rename.json().error.code]).toEqual([409, 'kiosk-retired']);
    const twice = await post(`/api/kiosks/${gymId}/retire`);
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'kiosk-retired']);

    // Its check-in and its devices stay; it is listed last, and no longer offered for pairing.
    const ops = await t.db.selectFrom('ops').select('status').where('device_id', '=', 'gym-door-device-0002').execute();
    expect(ops).toEqual([{ status: 'applied' }]);
    const devices = (await t.app.inject({ url: '/api/devices', headers: admin })).json();
    expect(devices.devices.filter((d: { kioskName: string; revokedAt: number | null }) => d.kioskName === 'Sports hall door')).toHaveLength(
      2,
    );
    expect(devices.kiosks.map((k: { name: string }) => k.name)).toEqual(['Library', 'Main entrance']);
    const list = (await t.app.inject({ url: '/api/kiosks', headers: admin })).json().kiosks;
    expect(list.map((k: { name: string }) => k.name)).toEqual(['Library', 'Main entrance', 'Sports hall door']);
    // A retired kiosk's name is free for a new one.
    expect((await post('/api/kiosks', { v: 1, name: 'Sports hall door' })).statusCode).toBe(201);
    const [entry] = (await logged()).filter((e) => e.action === 'kiosk-retired');
    expect(entry?.details).toEqual({
      kioskId: gymId,
      revokedDevices: expect.arrayContaining(['gym-door-device-0001', 'gym-door-device-0002']),
    });
  });

  it('refuses bad input with a code that says what was wrong', async () => {
    for (const [url, payload, path] of [
      ['/api/kiosks', { v: 1, name: '' }, '$.name'],
      ['/api/kiosks', { v: 1, name: 'Door', scanMode: 'nfc' }, '$.scanMode'],
      ['/api/kiosks', { v: 1, name: 'Door', direction: 'both' }, '$.direction'],
      ['/api/kiosks', { v: 1, name: 'Door', colour: 'red' }, '$.colour'],
      [`/api/kiosks/${t.kioskId}`, { v: 1 }, '$'],
    ] as const) {
      const response = await post(url, payload);
      expect([response.statusCode, response.json().error.code, response.json().error.details.path]).toEqual([400, 'invalid-body', path]);
    }
    const unknown = await post('/api/kiosks/00000000-0000-0000-0000-000000000000', { v: 1, name: 'X' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'kiosk-not-found']);
  });

  it('is for the school’s admins only: another school’s admin finds no such kiosk, staff and kiosks are refused', async () => {
    const teacher = await t.signIn('teacher');
    const office = await t.signIn('office');
    const refusals: Array<[InjectOptions, number, string]> = [
      [{ url: '/api/kiosks', headers: teacher }, 403, 'forbidden'],
      [{ url: '/api/kiosks', headers: office }, 403, 'forbidden'],
      [{ url: '/api/kiosks', headers: { authorization: `Bearer ${t.token}` } }, 403, 'forbidden'],
      [{ method: 'POST', url: '/api/kiosks', headers: office, payload: { v: 1, name: 'X' } }, 403, 'forbidden'],
      [
        { method: 'POST', url: `/api/kiosks/${t.kioskId}`, headers: hill.as.admin, payload: { v: 1, name: 'Taken over' } },
        404,
        'kiosk-not-found',
      ],
      [{ method: 'POST', url: `/api/kiosks/${t.kioskId}/retire`, headers: hill.as.admin }, 404, 'kiosk-not-found'],
      [{ method: 'POST', url: `/api/kiosks/${t.kioskId}/retire`, headers: teacher }, 403, 'forbidden'],
    ];
    for (const [request, status, code] of refusals) {
      const response = await t.app.inject(request);
      expect([request.url, response.statusCode, response.json().error?.code]).toEqual([request.url, status, code]);
    }
    const hillList = (await t.app.inject({ url: '/api/kiosks', headers: hill.as.admin })).json().kiosks;
    expect(hillList.map((k: { name: string }) => k.name)).toEqual(['Hillside gate']);
    const main = await t.db.selectFrom('kiosks').select(['name', 'retired_at']).where('id', '=', t.kioskId).executeTakeFirstOrThrow();
    expect(main).toEqual({ name: 'Main entrance', retired_at: null });
    expect((await t.asKiosk('/api/kiosk-config')).statusCode).toBe(200);
  });

  it("pairing refuses a device id held elsewhere with one answer, whether another school's kiosk or this school's staff browser", async () => {
    const pair = async (deviceId: string) => {
      const { code } = (await post('/api/pairing-codes', { v: 1, kioskId: t.kioskId })).json();
      return t.app.inject({ method: 'POST', url: '/api/pair', payload: { v: 1, code, deviceId, appVersion: '0.2.0' } });
    };
    const teacher = await t.signIn('teacher');
    const staffSync = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: teacher,
      payload: { v: 1, type: 'sync', deviceId: 'riverside-teacher-browser-01', kioskId: 'staff-browser', ops: [] },
    });
    expect(staffSync.statusCode).toBe(200);
    const otherSchool = await pair(hill.deviceId);
    const staffBrowser = await pair('riverside-teacher-browser-01');
    const words = (r: typeof otherSchool) => ({ status: r.statusCode, code: r.json().error.code, message: r.json().error.message });
    expect(words(otherSchool)).toEqual(words(staffBrowser));
    expect([otherSchool.statusCode, otherSchool.json().error.code]).toEqual([409, 'device-taken']);
    expect(otherSchool.body).not.toMatch(/school/i);
    // Neither device changed hands: Hillside's kiosk still sends for Hillside, the teacher's browser is still a staff browser.
    const hillDevice = await t.db
      .selectFrom('devices')
      .select(['school_id', 'kind'])
      .where('id', '=', hill.deviceId)
      .executeTakeFirstOrThrow();
    expect(hillDevice).toEqual({ school_id: hill.schoolId, kind: 'kiosk' });
    const staffDevice = await t.db
      .selectFrom('devices')
      .select(['kind', 'token_hash'])
      .where('id', '=', 'riverside-teacher-browser-01')
      .executeTakeFirstOrThrow();
    expect(staffDevice).toEqual({ kind: 'staff', token_hash: null });
  });
});
