import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../src/server/auth/accounts.ts';
import { SESSION_LIFETIME_MS } from '../../src/server/auth/principal.ts';
import { databases } from '../support/databases.ts';
import { checkIn, ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => t.close());

  const signInAs = (email: string, password: string, headers: Record<string, string> = { origin: ORIGIN }) =>
    t.app.inject({ method: 'POST', url: '/api/session', headers, payload: { v: 1, email, password } });

  describe('signing in', () => {
    it('opens a session with an HttpOnly, SameSite cookie and says who is signed in', async () => {
      const response = await signInAs('Teacher@Riverside.example', 'riverside-teacher');
      expect(response.statusCode).toBe(200);
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/^doorline_session=dls_[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      expect(response.json()).toMatchObject({
        type: 'session',
        staff: { role: 'teacher', email: 'teacher@riverside.example' },
        school: { name: 'Riverside Community School' },
      });
      const session = await t.app.inject({ url: '/api/session', headers: { cookie: cookie.split(';')[0] as string } });
      expect(session.json().staff.name).toBe('Grace Hopper');
    });

    it('marks the cookie Secure when the request came over HTTPS', async () => {
      const response = await signInAs('office@riverside.example', 'riverside-office', {
        origin: 'https://school.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'school.example',
      });
      expect(response.statusCode).toBe(200);
      expect(String(response.headers['set-cookie'])).toContain('; Secure');
    });

    it('refuses a wrong password and an unknown name alike', async () => {
      const wrong = await signInAs('teacher@riverside.example', 'not-the-password');
      const unknown = await signInAs('nobody@riverside.example', 'riverside-teacher');
      for (const response of [wrong, unknown]) {
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe('sign-in-failed');
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it('stops an account after five wrong passwords, even with the right one, and says when to retry', async () => {
      for (let i = 0; i < 5; i++) expect((await signInAs('office@riverside.example', `guess-${i}`)).statusCode).toBe(401);
      const locked = await signInAs('office@riverside.example', 'riverside-office');
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('too-many-attempts');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      t.clock.now += 16 * 60 * 1000;
      expect((await signInAs('office@riverside.example', 'riverside-office')).statusCode).toBe(200);
    });

    it("does not let a stranger's wrong passwords lock the person out from their own address", async () => {
      const stranger = { origin: ORIGIN, 'x-forwarded-for': '203.0.113.66' };
      for (let i = 0; i < 6; i++) await signInAs('teacher@riverside.example', `guess-${i}`, stranger);
      expect((await signInAs('teacher@riverside.example', 'riverside-teacher', stranger)).statusCode).toBe(429);
      expect(
        (await signInAs('teacher@riverside.example', 'riverside-teacher', { origin: ORIGIN, 'x-forwarded-for': '198.51.100.20' }))
          .statusCode,
      ).toBe(200);
    });

    it('gives a burst of concurrent wrong passwords no more tries than the limit', async () => {
      const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => signInAs('office@riverside.example', `guess-${i}`)));
      const codes = guesses.map((r) => r.json().error.code as string);
      expect(codes.filter((c) => c === 'sign-in-failed')).toHaveLength(5);
      expect(codes.filter((c) => c === 'too-many-attempts')).toHaveLength(35);
    });

    it('does not count good sign-ins from one address (a whole staff behind the school router) as failures', async () => {
      const router = { origin: ORIGIN, 'x-forwarded-for': '192.0.2.1' };
      for (let i = 0; i < 25; i++) expect((await signInAs('teacher@riverside.example', 'riverside-teacher', router)).statusCode).toBe(200);
    });

    it('lets the person in from where they signed in before, however many strangers guessed from elsewhere', async () => {
      const desk = { origin: ORIGIN, 'x-forwarded-for': '198.51.100.20' };
      expect((await signInAs('teacher@riverside.example', 'riverside-teacher', desk)).statusCode).toBe(200);
      for (let stranger = 0; stranger < 12; stranger++)
        for (let i = 0; i < 5; i++)
          await signInAs('teacher@riverside.example', `guess-${i}`, { origin: ORIGIN, 'x-forwarded-for': `203.0.113.${stranger + 1}` });
      // Fifty failures from anywhere: a new address waits, the person's own desk does not.
      const newPlace = await signInAs('teacher@riverside.example', 'riverside-teacher', {
        origin: ORIGIN,
        'x-forwarded-for': '192.0.2.77',
      });
      expect(newPlace.statusCode).toBe(429);
      expect((await signInAs('teacher@riverside.example', 'riverside-teacher', desk)).statusCode).toBe(200);
    });

    it('stops an address that tries many accounts', async () => {
      const from = (i: number) => ({ origin: ORIGIN, 'x-forwarded-for': '203.0.113.9', 'x-probe': String(i) });
      for (let i = 0; i < 20; i++) await signInAs(`someone-${i}@riverside.example`, 'guess', from(i));
      const next = await signInAs('teacher@riverside.example', 'riverside-teacher', from(99));
      expect(next.statusCode).toBe(429);
      const elsewhere = await signInAs('teacher@riverside.example', 'riverside-teacher', {
        origin: ORIGIN,
        'x-forwarded-for': '198.51.100.7',
      });
      expect(elsewhere.statusCode).toBe(200);
    });

    it('refuses a sign-in posted from another site', async () => {
      const response = await signInAs('teacher@riverside.example', 'riverside-teacher', { origin: 'https://evil.example' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('origin-mismatch');
    });
  });

  describe('a session', () => {
    it('ends at sign-out: the cookie is cleared and no longer opens anything', async () => {
      const office = await t.signIn('office');
      const out = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: office });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
      const after = await t.app.inject({ url: '/api/session', headers: office });
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('not-signed-in');
    });

    it('expires after a school day and says so', async () => {
      const teacher = await t.signIn('teacher');
      t.clock.now += SESSION_LIFETIME_MS + 1;
      const response = await t.app.inject({ url: '/api/session', headers: teacher });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('session-expired');
    });

    it('refuses a state-changing request carrying the cookie without our Origin', async () => {
      const admin = await t.signIn('admin');
      const crossSite = await t.app.inject({
        method: 'POST',
        url: '/api/pairing-codes',
        headers: { cookie: admin.cookie as string, origin: 'https://evil.example' },
        payload: { v: 1, kioskId: t.kioskId },
      });
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.json().error.code).toBe('origin-mismatch');
      const noOrigin = await t.app.inject({
        method: 'POST',
        url: '/api/pairing-codes',
        headers: { cookie: admin.cookie as string },
        payload: { v: 1, kioskId: t.kioskId },
      });
      expect(noOrigin.json().error.code).toBe('origin-mismatch');
      const ours = await t.app.inject({ method: 'POST', url: '/api/pairing-codes', headers: admin, payload: { v: 1, kioskId: t.kioskId } });
      expect(ours.statusCode).toBe(201);
    });
  });

  describe('the first admin', () => {
    it('is made once with a one-time password that must be changed before anything else', async () => {
      await t.db.deleteFrom('staff_schools').execute();
      await t.db.deleteFrom('staff_sessions').execute();
      await t.db.deleteFrom('staff').execute();
      const first = await ensureFirstAdmin(t.db);
      expect(first).toMatchObject({ email: 'admin' });
      expect(await ensureFirstAdmin(t.db)).toBeNull();
      const signedIn = await signInAs('admin', first?.password ?? '');
      expect(signedIn.json().mustChangePassword).toBe(true);
      const headers = { cookie: String(signedIn.headers['set-cookie']).split(';')[0] as string, origin: ORIGIN };
      const blocked = await t.app.inject({ url: '/api/devices', headers });
      expect(blocked.json().error.code).toBe('password-change-required');
      const weak = await t.app.inject({
        method: 'POST',
        url: '/api/account/password',
        headers,
        payload: { v: 1, currentPassword: first?.password, newPassword: 'short' },
      });
      expect(weak.json().error.code).toBe('weak-password');
      const changed = await t.app.inject({
        method: 'POST',
        url: '/api/account/password',
        headers,
        payload: { v: 1, currentPassword: first?.password, newPassword: 'a much longer passphrase' },
      });
      expect(changed.statusCode).toBe(204);
      expect((await t.app.inject({ url: '/api/devices', headers })).statusCode).toBe(200);
      expect((await signInAs('admin', first?.password ?? '')).statusCode).toBe(401);
    });
  });

  describe('roles', () => {
    const cases: Array<[string, 'teacher' | 'office' | 'admin', string, string, unknown, number]> = [
      ['a teacher cannot make pairing codes', 'teacher', 'POST', '/api/pairing-codes', { v: 1, kioskId: 'KIOSK' }, 403],
      ['a teacher cannot list devices', 'teacher', 'GET', '/api/devices', undefined, 403],
      ['the office cannot list devices', 'office', 'GET', '/api/devices', undefined, 403],
      ['the office cannot make pairing codes', 'office', 'POST', '/api/pairing-codes', { v: 1, kioskId: 'KIOSK' }, 403],
      ['a teacher cannot import a queue file', 'teacher', 'POST', '/api/queue-imports', { v: 1 }, 403],
      ['an admin can list devices', 'admin', 'GET', '/api/devices', undefined, 200],
    ];
    it.each(cases)('%s', async (_name, role, method, url, payload, status) => {
      const headers = await t.signIn(role);
      const body = payload && JSON.parse(JSON.stringify(payload).replace('KIOSK', t.kioskId));
      const response = await t.app.inject({ method: method as 'GET' | 'POST', url, headers, ...(body ? { payload: body } : {}) });
      expect(response.statusCode).toBe(status);
      if (status === 403) expect(response.json().error.code).toBe('forbidden');
    });

    it('a kiosk token opens no staff endpoint', async () => {
      for (const url of ['/api/devices', '/api/session']) {
        const response = await t.asKiosk(url);
        expect(response.statusCode).toBe(403);
      }
    });
  });

  describe('kiosk pairing', () => {
    const pairWith = (code: string, deviceId: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/pair', headers, payload: { v: 1, code, deviceId, appVersion: '0.2.0' } });

    it('trades a one-time code for a device token scoped to the kiosk, once', async () => {
      const admin = await t.signIn('admin');
      const made = await t.app.inject({ method: 'POST', url: '/api/pairing-codes', headers: admin, payload: { v: 1, kioskId: t.kioskId } });
      expect(made.statusCode).toBe(201);
      const { code, kioskName } = made.json();
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(kioskName).toBe('Main entrance');
      const paired = await pairWith(code.toLowerCase().replace('-', ' '), 'new-kiosk-device-0001');
      expect(paired.statusCode).toBe(200);
      expect(paired.json()).toMatchObject({ type: 'paired', deviceId: 'new-kiosk-device-0001', config: { kiosk: { id: t.kioskId } } });
      expect(paired.json().token).toMatch(/^dld_/);
      const again = await pairWith(code, 'other-kiosk-device-02');
      expect(again.json().error.code).toBe('pairing-code-invalid');
      const config = await t.app.inject({ url: '/api/kiosk-config', headers: { authorization: `Bearer ${paired.json().token}` } });
      expect(config.json().kiosk.name).toBe('Main entrance');
    });

    it('refuses an expired code', async () => {
      const admin = await t.signIn('admin');
      const { code } = (
        await t.app.inject({ method: 'POST', url: '/api/pairing-codes', headers: admin, payload: { v: 1, kioskId: t.kioskId } })
      ).json();
      t.clock.now += 16 * 60 * 1000;
      expect((await pairWith(code, 'late-kiosk-device-01')).json().error.code).toBe('pairing-code-invalid');
    });

    it('stops an address after ten wrong codes', async () => {
      const from = { 'x-forwarded-for': '203.0.113.50' };
      for (let i = 0; i < 10; i++) expect((await pairWith('AAAA-AAAA', 'guessing-device-001', from)).statusCode).toBe(400);
      expect((await pairWith('AAAA-AAAA', 'guessing-device-001', from)).statusCode).toBe(429);
    });

    it('keeps the device list current from change-feed pulls too, and clears the oldest op of an empty queue', async () => {
      await t.asKiosk({
        method: 'POST',
        url: '/api/sync',
        headers: { 'x-doorline-queue': '3;1764057600000' },
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [] },
      });
      t.clock.now += 60_000;
      await t.asKiosk({ url: '/api/changes?cursor=', headers: { 'x-doorline-queue': '0;0' } });
      const list = (await t.app.inject({ url: '/api/devices', headers: await t.signIn('admin') })).json();
      expect(list.devices[0]).toMatchObject({ queueDepth: 0, oldestWaitingAt: null, lastSeenAt: t.clock.now });
    });

    it('shows the admin what each device sent that the server refused, newest first', async () => {
      const now = t.clock.now;
      const sync = await t.syncAsKiosk([checkIn(1, '100001', now), checkIn(2, '4242', now), checkIn(3, '999', now + 1)]);
      expect(sync.statusCode).toBe(200);
      const list = (await t.app.inject({ url: '/api/devices', headers: await t.signIn('admin') })).json();
      const kiosk = list.devices.find((d: { id: string }) => d.id === t.deviceId);
      expect(kiosk.refused.count).toBe(2);
      expect(kiosk.refused.recent.map((op: { studentId: string; code: string }) => [op.studentId, op.code]).sort()).toEqual([
        ['4242', 'unknown-student'],
        ['999', 'unknown-student'],
      ]);
    });

    it('shows the admin every device with what it reported at its last sync', async () => {
      const sync = await t.asKiosk({
        method: 'POST',
        url: '/api/sync',
        headers: { 'x-doorline-app': '0.2.0', 'x-doorline-queue': '12;1764057600000' },
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [] },
      });
      expect(sync.statusCode).toBe(200);
      const list = (await t.app.inject({ url: '/api/devices', headers: await t.signIn('admin') })).json();
      expect(list.devices).toContainEqual(
        expect.objectContaining({
          id: t.deviceId,
          kind: 'kiosk',
          kioskName: 'Main entrance',
          appVersion: '0.2.0',
          queueDepth: 12,
          oldestWaitingAt: 1764057600000,
          revokedAt: null,
        }),
      );
      expect(list.kiosks).toEqual([{ id: t.kioskId, name: 'Main entrance' }]);
    });

    it('refuses a malformed queue report header', async () => {
      const sync = await t.asKiosk({
        method: 'POST',
        url: '/api/sync',
        headers: { 'x-doorline-queue': 'lots' },
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [] },
      });
      expect(sync.statusCode).toBe(400);
      expect(sync.json().error.code).toBe('invalid-header');
    });
  });

  describe('revoking a kiosk', () => {
    const checkInOp = (seq: number, studentId: string) => ({
      seq,
      kind: 'check-in',
      studentId,
      at: t.clock.now - 60_000,
      session: 'day',
      base: 0,
    });

    it('refuses its syncs with device-revoked; the office imports its queue file once, idempotently', async () => {
      const admin = await t.signIn('admin');
      const revoked = await t.app.inject({ method: 'POST', url: `/api/devices/${t.deviceId}/revoke`, headers: admin });
      expect(revoked.statusCode).toBe(204);
      const refused = await t.syncAsKiosk([checkInOp(1, '100001')]);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('device-revoked');
      expect((await t.asKiosk('/api/kiosk-config')).json().error.code).toBe('device-revoked');

      const file = {
        v: 1,
        type: 'queue-export',
        deviceId: t.deviceId,
        kioskId: t.kioskId,
        schoolName: 'Riverside Community School',
        kioskName: 'Main entrance',
        exportedAt: t.clock.now,
        ops: [checkInOp(1, '100001'), checkInOp(2, '100002')],
      };
      const office = await t.signIn('office');
      const [audit] = await t.db.selectFrom('audit_log').select('actor_name').execute();
      expect(audit).toBeUndefined();
      const first = await t.app.inject({ method: 'POST', url: '/api/queue-imports', headers: office, payload: file });
      expect(first.statusCode).toBe(200);
      expect(first.json().receipts).toEqual([{ status: 'applied', n: 2 }]);
      const second = await t.app.inject({ method: 'POST', url: '/api/queue-imports', headers: office, payload: file });
      expect(second.json().receipts).toEqual([{ status: 'duplicate', original: { status: 'applied' }, n: 2 }]);
      const ops = await t.db.selectFrom('ops').select(['actor_kind', 'device_id']).execute();
      expect(ops).toEqual([
        { actor_kind: 'door', device_id: t.deviceId },
        { actor_kind: 'door', device_id: t.deviceId },
      ]);
      const names = await t.db.selectFrom('audit_log').select('actor_name').execute();
      expect(names.map((n) => n.actor_name)).toEqual([
        'Main entrance (imported by Katherine Johnson)',
        'Main entrance (imported by Katherine Johnson)',
      ]);
    });

    it('refuses to import the file of a kiosk that is still paired: it sends its own', async () => {
      const file = {
        v: 1,
        type: 'queue-export',
        deviceId: t.deviceId,
        kioskId: t.kioskId,
        schoolName: '',
        kioskName: '',
        exportedAt: t.clock.now,
        ops: [checkInOp(1, '100001')],
      };
      const response = await t.app.inject({ method: 'POST', url: '/api/queue-imports', headers: await t.signIn('office'), payload: file });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('device-not-revoked');
    });

    it('lets the same kiosk be paired again with a new code, keeping its identity', async () => {
      const admin = await t.signIn('admin');
      await t.app.inject({ method: 'POST', url: `/api/devices/${t.deviceId}/revoke`, headers: admin });
      const token = await t.pair(t.deviceId);
      const sync = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { authorization: `Bearer ${token}` },
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [checkInOp(1, '100001')] },
      });
      expect(sync.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
    });

    it('refuses an unknown token as unauthorized', async () => {
      const response = await t.app.inject({ url: '/api/kiosk-config', headers: { authorization: 'Bearer dld_not-a-real-token-at-all' } });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('device-unauthorized');
    });
  });

  describe('staff browsers', () => {
    it("send a teacher's marks under the teacher's session, as the teacher", async () => {
      const teacher = await t.signIn('teacher');
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: teacher,
        payload: {
          v: 1,
          type: 'sync',
          deviceId: 'teacher-tablet-0001',
          kioskId: 'staff-browser',
          ops: [{ seq: 1, kind: 'status', status: 'absent', studentId: '100003', at: t.clock.now, session: 'day', base: 0 }],
        },
      });
      expect(response.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
      const op = await t.db.selectFrom('ops').select(['actor_kind', 'device_id']).executeTakeFirstOrThrow();
      expect(op).toEqual({ actor_kind: 'teacher', device_id: 'teacher-tablet-0001' });
    });

    it("cannot send under a kiosk's device id", async () => {
      const teacher = await t.signIn('teacher');
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: teacher,
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: 'staff-browser', ops: [] },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('device-unauthorized');
    });
  });
});
