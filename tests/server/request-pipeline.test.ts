import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaff } from '../../src/server/auth/accounts.ts';
import { MAX_JSON_DEPTH } from '../../src/server/request-body.ts';
import { databases } from '../support/databases.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { countRows, opId, ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

/** Two million nested `[`: under 4 KB gzipped, over a second of JSON.parse. */
const NESTED_GZIP = gzipSync(Buffer.from('['.repeat(2_000_000)), { level: 9 });

let t: TestApp;
describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
    // 09:00 in London on a school day; the bell rings at 08:00.
    t.clock.now = Date.parse('2026-11-24T09:00:00Z');
  });
  afterEach(async () => t.close());

  const AT_0830 = Date.parse('2026-11-24T08:30:00Z');
  const mark = (seq: number, studentId: string, status: string, base: number) => ({
    seq,
    opId: opId(),
    kind: 'status',
    studentId,
    status,
    at: AT_0830,
    session: 'day',
    base,
  });
  const staffSync = (who: Record<string, string>, deviceId: string, ops: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: who,
      payload: { v: 1, type: 'sync', deviceId, kioskId: 'staff-browser', ops },
    });

  describe('credentials before bodies', () => {
    it("refuses a stranger's gzip of nested brackets before reading it, in a few milliseconds", async () => {
      expect(NESTED_GZIP.length).toBeLessThan(4_000);
      const started = performance.now();
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: NESTED_GZIP,
      });
      const took = performance.now() - started;
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('not-signed-in');
      // Parsing first took over a second on this machine; a lookup of nobody takes a few milliseconds.
      expect(took).toBeLessThan(250);
    });

    it("answers a stranger's unreadable body with who is asking, not with what is wrong with the body", async () => {
      for (const url of ['/api/sync', '/api/marks', '/api/conflicts/resolve', '/api/queue-imports', '/api/account/password']) {
        const response = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{not json' });
        expect([url, response.statusCode, response.json().error.code]).toEqual([url, 401, 'not-signed-in']);
      }
    });

    it('refuses a body under a made-up device token before reading it', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { 'content-type': 'application/json', authorization: 'Bearer dld_made-up-token-0000000000' },
        payload: '{not json',
      });
      expect([response.statusCode, response.json().error.code]).toEqual([401, 'device-unauthorized']);
    });

    it('refuses a teacher at an admin endpoint before reading the body', async () => {
      const teacher = await t.signIn('teacher');
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/devices/${t.deviceId}/revoke`,
        headers: teacher,
      });
      expect([response.statusCode, response.json().error.code]).toEqual([403, 'forbidden']);
    });

    it('answers a read sent with a body as one without it', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(response.statusCode).toBe(200);
    });

    it('still reads sign-in and pairing bodies from strangers', async () => {
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(signIn.json().error.code).toBe('bad-json');
      const pair = await t.app.inject({
        method: 'POST',
        url: '/api/pair',
        payload: { v: 1, code: 'WRONG-CODE', deviceId: 'x'.repeat(36) },
      });
      expect(pair.json().error.code).not.toBe('not-signed-in');
    });
  });

  describe('bodies', () => {
    it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with its own code, even from a paired kiosk`, async () => {
      const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
      const response = await t.asKiosk({
        method: 'POST',
        url: '/api/sync',
        headers: { 'content-type': 'application/json' },
        payload: deep,
      });
      expect([response.statusCode, response.json().error.code]).toEqual([400, 'too-deep']);
      const bomb = await t.asKiosk({
        method: 'POST',
        url: '/api/sync',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: NESTED_GZIP,
      });
      expect(bomb.json().error.code).toBe('too-deep');
    });

    it('counts brackets inside strings as text, not as nesting', async () => {
      const note = { ...mark(1, '100001', 'present', 0), kind: 'note', text: '[[[[{{{{'.repeat(10) };
      delete (note as { status?: string }).status;
      const response = await t.syncAsKiosk([note]);
      expect(response.statusCode).toBe(200);
      expect(response.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
    });

    it('caps each endpoint at its own size: a sign-in is a few hundred bytes, not a megabyte', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { v: 1, email: 'teacher', password: 'x'.repeat(64 * 1024) },
      });
      expect([response.statusCode, response.json().error.code]).toEqual([413, 'body-too-large']);
      const inflated = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: gzipSync(JSON.stringify({ v: 1, email: 'teacher', password: ' '.repeat(64 * 1024) })),
      });
      expect([inflated.statusCode, inflated.json().error.code]).toEqual([413, 'inflated-too-large']);
    });

    it('refuses a body sent to revoke, which reads none, and revokes without one', async () => {
      const admin = await t.signIn('admin');
      const url = `/api/devices/${t.deviceId}/revoke`;
      const withBody = await t.app.inject({ method: 'POST', url, headers: admin, payload: { deviceId: 'someone-else' } });
      expect([withBody.statusCode, withBody.json().error.code]).toEqual([400, 'body-not-expected']);
      expect((await t.asKiosk('/api/kiosk-config')).statusCode).toBe(200);
      const bare = await t.app.inject({ method: 'POST', url, headers: admin });
      expect(bare.statusCode).toBe(204);
      expect((await t.asKiosk('/api/kiosk-config')).json().error.code).toBe('device-revoked');
    });
  });

  describe('bases', () => {
    it("refuses a base newer than the record, keeps the office's excused, and applies the rest of the batch", async () => {
      const office = await t.signIn('office');
      const teacher = await t.signIn('teacher');
      expect((await staffSync(office, 'office-desk-0001', [mark(1, '100001', 'excused', 0)])).json().receipts).toEqual([
        { status: 'applied', n: 1 },
      ]);
      const response = await staffSync(teacher, 'teacher-tablet-01', [
        mark(1, '100001', 'absent', Number.MAX_SAFE_INTEGER),
        mark(2, '100002', 'absent', 0),
      ]);
      expect(response.statusCode).toBe(200);
      expect(response.json().receipts).toEqual([
        { status: 'rejected', code: 'base-from-the-future', n: 1 },
        { status: 'applied', n: 1 },
      ]);
      const record = await t.db
        .selectFrom('attendance')
        .innerJoin('students', 'students.id', 'attendance.student_id')
        .select(['attendance.status', 'attendance.version'])
        .where('students.student_number', '=', '100001')
        .executeTakeFirstOrThrow();
      expect(record).toEqual({ status: 'excused', version: 1 });
    });

    it('takes a base of the record as it stands, and one of an older version through the merge', async () => {
      const office = await t.signIn('office');
      const teacher = await t.signIn('teacher');
      await staffSync(office, 'office-desk-0001', [mark(1, '100001', 'excused', 0)]);
      const current = await staffSync(teacher, 'teacher-tablet-01', [mark(1, '100001', 'present', 1)]);
      expect(current.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
    });
  });

  describe('op ids and device ids across schools and people', () => {
    let other: OtherSchool;
    beforeEach(async () => {
      other = await addSecondSchool(t);
    });
    const kioskSyncOf = (school: OtherSchool, ops: unknown[]) =>
      t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { authorization: `Bearer ${school.token}` },
        payload: { v: 1, type: 'sync', deviceId: school.deviceId, kioskId: school.kioskId, ops },
      });
    const scan = (seq: number, studentId: string, id: string) => ({
      seq,
      opId: id,
      kind: 'check-in',
      studentId,
      at: Date.parse('2026-11-24T12:50:00Z'),
      session: 'day',
      base: 0,
    });

    it("applies an op whose id another school already used, and says nothing of that school's op", async () => {
      const shared = opId();
      const noteId = opId();
      const ours = await t.syncAsKiosk([
        scan(1, '100001', shared),
        { seq: 2, opId: noteId, kind: 'note', studentId: '100001', at: AT_0830, session: 'day', base: 0, text: 'Ours' },
      ]);
      expect(ours.json().receipts).toEqual([{ status: 'applied', n: 2 }]);
      const theirs = await kioskSyncOf(other, [
        scan(1, '200001', shared),
        { seq: 2, opId: noteId, kind: 'note', studentId: '200001', at: AT_0830, session: 'day', base: 0, text: 'Theirs' },
      ]);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json().receipts).toEqual([{ status: 'applied', n: 2 }]);
      expect(await countRows(t.db, 'ops')).toBe(4);
      expect(await countRows(t.db, 'notes')).toBe(2);
      // Each school's replay finds its own op.
      expect((await t.syncAsKiosk([scan(1, '100001', shared)])).json().receipts).toEqual([
        { status: 'duplicate', original: { status: 'applied' }, n: 1 },
      ]);
      expect((await kioskSyncOf(other, [scan(1, '200001', shared)])).json().receipts).toEqual([
        { status: 'duplicate', original: { status: 'applied' }, n: 1 },
      ]);
    });

    it("refuses a colleague's sync under a teacher's device id before applying anything, and the owner goes on", async () => {
      await createStaff(t.db, {
        email: 'colleague@school.example',
        name: 'A Colleague',
        role: 'teacher',
        password: 'colleague-password',
        schoolIds: [t.schoolId],
      });
      const owner = await t.signIn('teacher');
      const signedIn = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { v: 1, email: 'colleague@school.example', password: 'colleague-password' },
      });
      const colleague = { cookie: String(signedIn.headers['set-cookie']).split(';')[0] ?? '', origin: ORIGIN };
      const device = 'teacher-tablet-owned';
      expect((await staffSync(owner, device, [mark(1, '100001', 'present', 0)])).json().receipts).toEqual([{ status: 'applied', n: 1 }]);
      const before = await countRows(t.db, 'ops');
      const taken = await staffSync(colleague, device, [mark(2, '100002', 'absent', 0)]);
      expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'device-taken']);
      expect(await countRows(t.db, 'ops')).toBe(before);
      const next = await staffSync(owner, device, [mark(2, '100003', 'absent', 0)]);
      expect(next.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
    });

    it("answers a teacher using another school's device id as it answers a colleague's, revealing no school", async () => {
      const device = 'hillside-teacher-tablet';
      expect((await staffSync(other.as.teacher, device, [mark(1, '200001', 'present', 0)])).statusCode).toBe(200);
      const ours = await staffSync(await t.signIn('teacher'), device, [mark(1, '100001', 'present', 0)]);
      expect([ours.statusCode, ours.json().error.code]).toEqual([409, 'device-taken']);
      expect(JSON.stringify(ours.json())).not.toContain('school');
    });
  });
});

describe('files and addresses', () => {
  let publicDir: string;
  beforeEach(async () => {
    publicDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-public-'));
    fs.writeFileSync(path.join(publicDir, 'admin.html'), '<!doctype html><title>Admin</title>');
    fs.writeFileSync(path.join(publicDir, 'sign-in.html'), '<!doctype html><title>Sign in</title>');
    fs.mkdirSync(path.join(publicDir, 'ui'));
    fs.writeFileSync(path.join(publicDir, 'ui', 'admin.ABCDEFGH.js'), 'console.log(1);');
    fs.writeFileSync(path.join(publicDir, 'ui', 'admin.ABCDEFGH.js.map'), '{"version":3}');
    t = await startTestApp({ publicDir });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it('serves source maps to a signed-in admin only', async () => {
    const url = '/ui/admin.ABCDEFGH.js.map';
    expect((await t.app.inject(url)).statusCode).toBe(404);
    expect((await t.app.inject({ url, headers: await t.signIn('teacher') })).statusCode).toBe(404);
    const admin = await t.app.inject({ url, headers: await t.signIn('admin') });
    expect([admin.statusCode, admin.body]).toEqual([200, '{"version":3}']);
    expect((await t.app.inject('/ui/admin.ABCDEFGH.js')).statusCode).toBe(200);
  });

  it("sends a person opening /admin.html to sign in, like /admin, and still gives the worker the page's file", async () => {
    const teacher = await t.signIn('teacher');
    const opened = await t.app.inject({ url: '/admin.html', headers: { ...teacher, 'sec-fetch-mode': 'navigate' } });
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/sign-in?next=%2Fadmin.html&reason=forbidden');
    const stranger = await t.app.inject({ url: '/admin.html', headers: { 'sec-fetch-mode': 'navigate' } });
    expect(stranger.headers.location).toBe('/sign-in?next=%2Fadmin.html');
    const admin = await t.app.inject({ url: '/admin.html', headers: { ...(await t.signIn('admin')), 'sec-fetch-mode': 'navigate' } });
    expect(admin.statusCode).toBe(200);
    const precache = await t.app.inject({ url: '/admin.html', headers: { ...teacher, 'sec-fetch-mode': 'same-origin' } });
    expect([precache.statusCode, precache.body]).toEqual([200, '<!doctype html><title>Admin</title>']);
  });

  it('labels refusals of addresses by the address, not as a bad body', async () => {
    const long = await t.app.inject(`/${'a'.repeat(5000)}`);
    expect([long.statusCode, long.json().error.code]).toEqual([414, 'url-too-long']);
    const param = await t.app.inject({ method: 'POST', url: `/api/devices/${'a'.repeat(200)}/revoke` });
    expect([param.statusCode, param.json().error.code]).toEqual([414, 'url-too-long']);
    expect(param.headers['x-content-type-options']).toBe('nosniff');
    const nul = await t.app.inject('/ui/%00');
    expect([nul.statusCode, nul.json().error.code]).toEqual([400, 'file-refused']);
    const badUrl = await t.app.inject('/%E0%A4%A');
    expect(badUrl.json().error.code).toBe('not-found');
    expect(badUrl.headers['x-content-type-options']).toBe('nosniff');
  });
});
