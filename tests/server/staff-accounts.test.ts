/** Staff accounts by an admin: one-time passwords, roles and homerooms, deactivation that ends sessions at once, in one school only. */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStaffActive } from '../../src/server/auth/staff-admin.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let admin: Record<string, string>;
let adminId: string;

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
    admin = await t.signIn('admin');
    adminId = (await t.app.inject({ url: '/api/session', headers: admin })).json().staff.id;
  });
  afterAll(async () => t.close());

  const post = (url: string, payload?: object, headers = admin) =>
    t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const signIn = (email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/session', headers: { origin: ORIGIN }, payload: { v: 1, email, password } });
  const cookieOf = (response: { headers: Record<string, unknown> }) => ({
    cookie: String(response.headers['set-cookie']).split(';')[0] ?? '',
    origin: ORIGIN,
  });
  const logged = async (action: string) =>
    (await t.db.selectFrom('admin_log').selectAll().where('school_id', '=', t.schoolId).where('action', '=', action).execute()).map(
      (e) => ({ subject: e.subject, actor: e.actor_name, details: JSON.parse(e.details) as unknown }),
    );

  let teacherId = '';
  let oneTime = '';

  it('lists the school’s staff with their roles and homerooms', async () => {
    const list = await t.app.inject({ url: '/api/staff', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().type).toBe('staff');
    expect(
      list
        .json()
        .staff.map((s: { email: string }) => s.email)
        .sort(),
    ).toEqual(['admin@riverside.example', 'office@riverside.example', 'teacher@riverside.example']);
    expect(list.json().homerooms).toContain('7A');
  });

  it('creates a teacher with a one-time password that must be changed before anything else', async () => {
    const made = await post('/api/staff', {
      v: 1,
      name: 'Dorothy Vaughan',
      email: 'Dorothy@Riverside.example',
      role: 'teacher',
      homerooms: ['8B'],
    });
    expect(made.statusCode).toBe(201);
    const body = made.json();
    expect(body.staff).toMatchObject({
      name: 'Dorothy Vaughan',
      email: 'dorothy@riverside.example',
      role: 'teacher',
      homerooms: ['8B'],
      deactivatedAt: null,
      mustChangePassword: true,
    });
    expect(body.oneTimePassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    teacherId = body.staff.id;
    oneTime = body.oneTimePassword;
    // The password is in that answer only: the list never shows it.
    expect((await t.app.inject({ url: '/api/staff', headers: admin })).body).not.toContain(oneTime);

    const first = await signIn('dorothy@riverside.example', oneTime);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ mustChangePassword: true, homerooms: ['8B'] });
    const teacher = cookieOf(first);
    const blocked = await t.app.inject({ url: '/api/roll', headers: teacher });
    expect([blocked.statusCode, blocked.json().error.code]).toEqual([403, 'password-change-required']);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/account/password',
      headers: teacher,
      payload: { v: 1, currentPassword: oneTime, newPassword: 'dorothy-own-password' },
    });
    expect(changed.statusCode).toBe(204);
    // Her roll opens on her own homeroom when she has not chosen one.
    const roll = await t.app.inject({ url: '/api/roll', headers: teacher });
    expect(roll.statusCode).toBe(200);
    expect(roll.json().group).toBe('8B');
    expect(await logged('staff-added')).toEqual([
      {
        subject: 'dorothy@riverside.example',
        actor: 'Alan Turing',
        details: { name: 'Dorothy Vaughan', role: 'teacher', homerooms: ['8B'] },
      },
    ]);
  });

  it('refuses an email already in use, a homeroom the school does not have, and homerooms for a non-teacher', async () => {
    const taken = await post('/api/staff', { v: 1, name: 'X', email: 'office@riverside.example', role: 'office', homerooms: [] });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'email-taken']);
    const unknown = await post('/api/staff', { v: 1, name: 'X', email: 'x@riverside.example', role: 'teacher', homerooms: ['H1'] });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([400, 'unknown-homeroom']);
    const officeRooms = await post('/api/staff', { v: 1, name: 'X', email: 'x@riverside.example', role: 'office', homerooms: ['7A'] });
    expect([officeRooms.statusCode, officeRooms.json().error.code, officeRooms.json().error.details.path]).toEqual([
      400,
      'invalid-body',
      '$.homerooms',
    ]);
    for (const payload of [
      { v: 1, name: 'X', email: 'x y@riverside.example', role: 'teacher', homerooms: [] },
      { v: 1, name: 'X', email: 'x@riverside.example', role: 'janitor', homerooms: [] },
      { v: 1, name: '', email: 'x@riverside.example', role: 'teacher', homerooms: [] },
      { v: 1, name: 'X', email: 'x@riverside.example', role: 'teacher', homerooms: ['7A', '7A'] },
      { v: 1, name: 'X', email: 'x@riverside.example', role: 'teacher' },
    ]) {
      const response = await post('/api/staff', payload);
      expect([response.statusCode, response.json().error.code]).toEqual([400, 'invalid-body']);
    }
    expect(await t.db.selectFrom('staff').select('id').where('email', '=', 'x@riverside.example').execute()).toEqual([]);
  });

  it('changes a role and homerooms; a person who stops teaching keeps no homerooms', async () => {
    const rooms = await post(`/api/staff/${teacherId}`, { v: 1, homerooms: ['10A', '7A'] });
    expect(rooms.json().staff.homerooms).toEqual(['7A', '10A']);
    const office = await post(`/api/staff/${teacherId}`, { v: 1, role: 'office' });
    expect(office.json().staff).toMatchObject({ role: 'office', homerooms: [] });
    const back = await post(`/api/staff/${teacherId}`, { v: 1, role: 'teacher', homerooms: ['8B'], name: 'Dorothy J. Vaughan' });
    expect(back.json().staff).toMatchObject({ role: 'teacher', homerooms: ['8B'], name: 'Dorothy J. Vaughan' });
    const changes = await logged('staff-changed');
    expect(changes[0]?.details).toEqual({ homerooms: { from: ['8B'], to: ['7A', '10A'] } });
    expect(changes[1]?.details).toEqual({ role: { from: 'teacher', to: 'office' }, homerooms: { from: ['7A', '10A'], to: [] } });
  });

  it('deactivates an account: its open session ends at once and it cannot sign in until reactivated', async () => {
    const session = cookieOf(await signIn('dorothy@riverside.example', 'dorothy-own-password'));
    expect((await t.app.inject({ url: '/api/roll', headers: session })).statusCode).toBe(200);
    const off = await post(`/api/staff/${teacherId}/deactivate`);
    expect(off.statusCode).toBe(200);
    expect(off.json().staff.deactivatedAt).toBe(t.clock.now);
    const next = await t.app.inject({ url: '/api/roll', headers: session });
    expect([next.statusCode, next.json().error.code]).toEqual([401, 'not-signed-in']);
    const again = await signIn('dorothy@riverside.example', 'dorothy-own-password');
    expect([again.statusCode, again.json().error.code]).toEqual([403, 'account-deactivated']);
    expect(again.headers['set-cookie']).toBeUndefined();
    // A wrong password says only that it is wrong.
    expect((await signIn('dorothy@riverside.example', 'not-her-password')).json().error.code).toBe('sign-in-failed');
    const on = await post(`/api/staff/${teacherId}/reactivate`);
    expect(on.json().staff.deactivatedAt).toBeNull();
    expect((await signIn('dorothy@riverside.example', 'dorothy-own-password')).statusCode).toBe(200);
    expect((await logged('staff-deactivated')).map((e) => e.subject)).toEqual(['dorothy@riverside.example']);
    expect((await logged('staff-reactivated')).map((e) => e.subject)).toEqual(['dorothy@riverside.example']);
  });

  it('resets a password: the old one stops working, sessions end, and the new one-time password must be changed', async () => {
    const session = cookieOf(await signIn('dorothy@riverside.example', 'dorothy-own-password'));
    const reset = await post(`/api/staff/${teacherId}/password-reset`);
    expect(reset.statusCode).toBe(200);
    const { oneTimePassword, staff } = reset.json();
    expect(staff.mustChangePassword).toBe(true);
    expect(oneTimePassword).not.toBe(oneTime);
    expect((await t.app.inject({ url: '/api/session', headers: session })).statusCode).toBe(401);
    expect((await signIn('dorothy@riverside.example', 'dorothy-own-password')).statusCode).toBe(401);
    const fresh = await signIn('dorothy@riverside.example', oneTimePassword);
    expect(fresh.json().mustChangePassword).toBe(true);
    expect(await logged('password-reset')).toEqual([{ subject: 'dorothy@riverside.example', actor: 'Alan Turing', details: {} }]);
  });

  it('keeps an admin from switching off, demoting or resetting their own account, and a school from losing its last admin', async () => {
    for (const [url, payload] of [
      [`/api/staff/${adminId}/deactivate`, undefined],
      [`/api/staff/${adminId}`, { v: 1, role: 'office' }],
      [`/api/staff/${adminId}/password-reset`, undefined],
    ] as const) {
      const response = await post(url, payload);
      expect([url, response.statusCode, response.json().error.code]).toEqual([url, 409, 'own-account']);
    }
    // A second admin may not switch off the only other one, once they are the last.
    const made = await post('/api/staff', { v: 1, name: 'Mae Jemison', email: 'mae@riverside.example', role: 'admin', homerooms: [] });
    const mae = made.json();
    const maeSession = await signIn('mae@riverside.example', mae.oneTimePassword);
    const maeCookie = cookieOf(maeSession);
    await t.app.inject({
      method: 'POST',
      url: '/api/account/password',
      headers: maeCookie,
      payload: { v: 1, currentPassword: mae.oneTimePassword, newPassword: 'mae-own-password' },
    });
    expect((await post(`/api/staff/${adminId}/deactivate`, undefined, maeCookie)).statusCode).toBe(200);
    const last = await post(`/api/staff/${mae.staff.id}`, { v: 1, role: 'teacher' }, maeCookie);
    expect([last.statusCode, last.json().error.code]).toEqual([409, 'own-account']);
    expect((await post(`/api/staff/${adminId}/reactivate`, undefined, maeCookie)).statusCode).toBe(200);
    admin = await t.signIn('admin');
    const demoteMae = await post(`/api/staff/${mae.staff.id}`, { v: 1, role: 'office' });
    expect(demoteMae.json().staff.role).toBe('office');
    const lastAdmin = await t.db
      .selectFrom('staff')
      .innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id')
      .select('staff.id')
      .where('staff_schools.school_id', '=', t.schoolId)
      .where('staff.role', '=', 'admin')
      .execute();
    expect(lastAdmin.map((r) => r.id)).toEqual([adminId]);
  });

  it('never leaves a school without an active admin, even when two admins act at once', async () => {
    const made = await post('/api/staff', { v: 1, name: 'Mary Winston', email: 'mary@riverside.example', role: 'admin', homerooms: [] });
    const mary = made.json().staff.id as string;
    // Each switches the other off at the same moment: one goes through, the other finds it would remove the last admin.
    const results = await Promise.allSettled([
      setStaffActive(t.db, { staffId: mary, name: 'Mary Winston', schoolId: t.schoolId }, adminId, false, t.clock.now),
      setStaffActive(t.db, { staffId: adminId, name: 'Alan Turing', schoolId: t.schoolId }, mary, false, t.clock.now),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'last-admin' });
    const active = await t.db
      .selectFrom('staff')
      .select('id')
      .where('role', '=', 'admin')
      .where('deactivated_at', 'is', null)
      .where('id', 'in', [mary, adminId])
      .execute();
    expect(active).toHaveLength(1);
    await t.db.updateTable('staff').set({ deactivated_at: null }).where('id', '=', adminId).execute();
    await t.db.updateTable('staff').set({ role: 'office' }).where('id', '=', mary).execute();
    admin = await t.signIn('admin');
  });

  it('is for the school’s admins only: another school’s admin finds nobody, a teacher or the office is refused', async () => {
    const teacher = await t.signIn('teacher');
    const office = await t.signIn('office');
    const refusals: Array<[InjectOptions, number, string]> = [
      [{ url: '/api/staff', headers: teacher }, 403, 'forbidden'],
      [{ url: '/api/staff', headers: office }, 403, 'forbidden'],
      [{ url: '/api/staff' }, 401, 'not-signed-in'],
      [
        { method: 'POST', url: '/api/staff', headers: teacher, payload: { v: 1, name: 'X', email: 'x@x', role: 'admin', homerooms: [] } },
        403,
        'forbidden',
      ],
      [
        { method: 'POST', url: `/api/staff/${teacherId}`, headers: hill.as.admin, payload: { v: 1, name: 'Hijacked' } },
        404,
        'staff-not-found',
      ],
      [{ method: 'POST', url: `/api/staff/${teacherId}/deactivate`, headers: hill.as.admin }, 404, 'staff-not-found'],
      [{ method: 'POST', url: `/api/staff/${teacherId}/password-reset`, headers: hill.as.admin }, 404, 'staff-not-found'],
      [{ method: 'POST', url: `/api/staff/${teacherId}/reactivate`, headers: hill.as.teacher }, 403, 'forbidden'],
      [{ method: 'POST', url: '/api/staff/not%20an%20id/deactivate', headers: admin }, 400, 'invalid-query'],
    ];
    for (const [request, status, code] of refusals) {
      const response = await t.app.inject(request);
      expect([request.url, response.statusCode, response.json().error?.code]).toEqual([request.url, status, code]);
    }
    const hillList = (await t.app.inject({ url: '/api/staff', headers: hill.as.admin })).json();
    expect(hillList.staff.every((s: { email: string }) => s.email.endsWith('@hillside.example'))).toBe(true);
    const dorothy = await t.db.selectFrom('staff').select(['name', 'deactivated_at']).where('id', '=', teacherId).executeTakeFirstOrThrow();
    expect(dorothy).toEqual({ name: 'Dorothy J. Vaughan', deactivated_at: null });
  });
});
