/**
 * An empty server (no demo school): the first admin signs in with the
 * one-time password, chooses their own, and creates the school; before that
 * the set-up is all their session can reach. Then more schools, and the
 * switch between them.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createStaff, ensureFirstAdmin } from '../../src/server/auth/accounts.ts';
import { migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { databases, postgresForThisFile, type TestDatabase } from '../support/databases.ts';

const ORIGIN = 'http://localhost:80';
const clock = { now: Date.parse('2026-11-24T09:00:00Z') };

const LAKESIDE = {
  v: 1,
  name: 'Lakeside Primary',
  timeZone: 'Europe/Dublin',
  dayStart: '08:00',
  bellTime: '08:40',
  lateGraceMinutes: 10,
  periods: [
    { name: 'Literacy', startsAt: '08:50', endsAt: '10:00' },
    { name: 'Numeracy', startsAt: '10:20', endsAt: '11:30' },
  ],
  weekdaysOff: [6, 7],
  closures: [{ firstDay: '2026-12-21', lastDay: '2027-01-05', reason: 'Christmas holidays' }],
};

async function emptyServer(kind: TestDatabase): Promise<Db> {
  const db =
    kind === 'sqlite'
      ? openDatabase({ kind: 'sqlite', file: ':memory:' })
      : await postgresForThisFile().then(({ url }) => openDatabase({ kind: 'postgres', url, shown: url, pool: 3 }));
  await migrate(db);
  return db;
}

describe.each(databases())('on %s', (kind) => {
  let db: Db;
  let app: FastifyInstance;
  let password: string;
  let admin: Record<string, string>;

  const as = (headers: Record<string, string>, request: InjectOptions | string) => {
    const options = typeof request === 'string' ? { url: request } : request;
    return app.inject({ ...options, headers: { ...headers, ...(options.headers ?? {}) } });
  };
  const signIn = async (email: string, typed: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN },
      payload: { v: 1, email, password: typed },
    });
    return { response, headers: { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', origin: ORIGIN } };
  };

  beforeAll(async () => {
    db = await emptyServer(kind);
    const first = await ensureFirstAdmin(db, clock.now);
    if (!first) throw new Error('an empty server makes its first admin');
    password = first.password;
    app = await buildApp({ db, now: () => clock.now, trustProxy: true });
  });
  afterAll(async () => {
    await app.close();
    await db.destroy();
  });

  it('lets the first admin sign in with no school, and asks for a new password first', async () => {
    const { response, headers } = await signIn('admin', password);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ school: null, schools: [], mustChangePassword: true, staff: { role: 'admin' } });
    expect((await as(headers, '/api/schools')).json().error.code).toBe('password-change-required');
    const changed = await as(headers, {
      method: 'POST',
      url: '/api/account/password',
      payload: { v: 1, currentPassword: password, newPassword: 'lakeside-admin-2026' },
    });
    expect(changed.statusCode).toBe(204);
    admin = headers;
    expect((await as(admin, '/api/session')).json()).toMatchObject({ school: null, mustChangePassword: false });
  });

  it('lets an admin with no school reach the set-up and nothing else', async () => {
    for (const url of ['/api/roll', '/api/conflicts', '/api/devices', '/api/kiosk-config', '/api/roster', '/api/school/settings']) {
      const response = await as(admin, url);
      expect([url, response.statusCode, response.json().error.code]).toEqual([url, 403, 'no-school']);
    }
    const list = await as(admin, '/api/schools');
    expect(list.json()).toEqual({ v: 1, type: 'schools', current: null, schools: [] });
  });

  it('refuses a school whose settings make no sense, saying which field is wrong', async () => {
    const tries: Array<[Record<string, unknown>, string, string]> = [
      [{ timeZone: 'Europe/Atlantis' }, 'invalid-time-zone', '$.timeZone'],
      [{ bellTime: '8.40' }, 'invalid-time', '$.bellTime'],
      [{ periods: [{ name: 'Literacy', startsAt: '10:00', endsAt: '08:50' }] }, 'period-ends-before-start', '$.periods[0].endsAt'],
    ];
    for (const [change, code, path] of tries) {
      const response = await as(admin, { method: 'POST', url: '/api/schools', payload: { ...LAKESIDE, ...change } });
      expect([response.statusCode, response.json().error.code, response.json().error.details.path]).toEqual([400, code, path]);
    }
    expect(await db.selectFrom('schools').select('id').execute()).toEqual([]);
  });

  it('creates the school with its settings; the session acts for it, and its roll offers its own periods', async () => {
    const created = await as(admin, { method: 'POST', url: '/api/schools', payload: LAKESIDE });
    expect(created.statusCode).toBe(201);
    const { v: _v, ...settings } = LAKESIDE;
    expect(created.json()).toMatchObject({ type: 'school-settings', settingsVersion: 1, settings });
    const session = (await as(admin, '/api/session')).json();
    expect(session.school).toMatchObject({
      name: 'Lakeside Primary',
      timeZone: 'Europe/Dublin',
      bellTime: '08:40',
      dayStart: '08:00',
      lateGraceMinutes: 10,
      periods: LAKESIDE.periods,
      weekdaysOff: [6, 7],
      closures: LAKESIDE.closures,
      settingsVersion: 1,
    });
    expect(session.schools).toEqual([{ id: created.json().id, name: 'Lakeside Primary' }]);
    const roll = await as(admin, '/api/roll');
    expect(roll.statusCode).toBe(200);
    expect(roll.json().sessions).toEqual(['day', 'Literacy', 'Numeracy']);
    expect((await as(admin, '/api/roll?session=P1')).json().error).toMatchObject({
      code: 'invalid-query',
      details: { path: '$query.session' },
    });
    expect((await as(admin, '/api/kiosk-config')).json().school).toMatchObject({ lateGraceMinutes: 10, periods: LAKESIDE.periods });
    const log = await db.selectFrom('admin_log').selectAll().execute();
    expect(log).toMatchObject([
      { school_id: created.json().id, action: 'school-created', subject: 'Lakeside Primary', actor_name: 'Administrator' },
    ]);
  });

  it('signs the admin in again straight into their school', async () => {
    const { response } = await signIn('admin', 'lakeside-admin-2026');
    expect(response.json().school).toMatchObject({ name: 'Lakeside Primary' });
  });

  it('lets an admin create more schools and switch between them; the session follows', async () => {
    const first = (await as(admin, '/api/session')).json().school.id as string;
    clock.now += 60_000;
    const second = await as(admin, {
      method: 'POST',
      url: '/api/schools',
      payload: { ...LAKESIDE, name: 'Lakeside Secondary', periods: [{ name: 'P1', startsAt: '09:00', endsAt: '10:00' }] },
    });
    expect(second.statusCode).toBe(201);
    const now = (await as(admin, '/api/session')).json();
    expect(now.school.name).toBe('Lakeside Secondary');
    expect(now.schools.map((s: { name: string }) => s.name)).toEqual(['Lakeside Primary', 'Lakeside Secondary']);
    expect((await as(admin, '/api/roll')).json().sessions).toEqual(['day', 'P1']);

    const back = await as(admin, { method: 'POST', url: '/api/session/school', payload: { v: 1, schoolId: first } });
    expect(back.statusCode).toBe(200);
    expect(back.json().school.name).toBe('Lakeside Primary');
    expect((await as(admin, '/api/roll')).json().sessions).toEqual(['day', 'Literacy', 'Numeracy']);
    expect((await as(admin, '/api/schools')).json()).toMatchObject({ current: first });

    const stranger = await as(admin, { method: 'POST', url: '/api/session/school', payload: { v: 1, schoolId: randomUUID() } });
    expect([stranger.statusCode, stranger.json().error.code]).toEqual([404, 'school-not-found']);
    expect((await as(admin, '/api/session')).json().school.name).toBe('Lakeside Primary');
  });

  it('does not let anyone but an admin sign in without a school, nor create one', async () => {
    await createStaff(db, {
      email: 'new-teacher@lakeside.example',
      name: 'New Teacher',
      role: 'teacher',
      password: 'lakeside-teacher',
      schoolIds: [],
    });
    const { response } = await signIn('new-teacher@lakeside.example', 'lakeside-teacher');
    expect([response.statusCode, response.json().error.code]).toEqual([403, 'no-school']);
    const school = (await as(admin, '/api/session')).json().school.id as string;
    await createStaff(db, {
      email: 'teacher@lakeside.example',
      name: 'Lakeside Teacher',
      role: 'teacher',
      password: 'lakeside-teacher',
      schoolIds: [school],
    });
    const teacher = await signIn('teacher@lakeside.example', 'lakeside-teacher');
    const created = await as(teacher.headers, { method: 'POST', url: '/api/schools', payload: { ...LAKESIDE, name: 'Teacher’s own' } });
    expect([created.statusCode, created.json().error.code]).toEqual([403, 'forbidden']);
    const schools = await db.selectFrom('schools').select('name').orderBy('created_at').execute();
    expect(schools.map((s) => s.name)).toEqual(['Lakeside Primary', 'Lakeside Secondary']);
  });
});
