import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits.ts';
import { DEMO_SCHOOL, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => {
    await t.close();
  });

  describe('the API', () => {
    it('reports health', async () => {
      const response = await t.asKiosk('/api/health');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok', database });
    });

    it('gives a kiosk its school, bell and roster version', async () => {
      const body = (await t.asKiosk('/api/kiosk-config')).json();
      expect(body).toMatchObject({
        v: 1,
        type: 'kiosk-config',
        school: { name: DEMO_SCHOOL.name, timeZone: 'Europe/London', bellTime: '08:00' },
        kiosk: { id: t.kioskId, name: 'Main entrance' },
        rosterVersion: '1',
      });
    });

    it('sends the roster as columns', async () => {
      const body = (await t.asKiosk(`/api/roster?kioskId=${t.kioskId}`)).json();
      expect(body.studentIds).toHaveLength(DEMO_SCHOOL.studentCount);
      expect([body.studentIds[0], body.names[0], body.homerooms[0]]).toEqual(['100001', 'Ada Lovelace', '7A']);
    });

    it('refuses the roster to someone neither paired nor signed in', async () => {
      const response = await t.app.inject('/api/roster');
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('not-signed-in');
    });

    it('answers an unknown route with a JSON 404', async () => {
      const response = await t.asKiosk('/api/nothing-here');
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not-found');
    });

    it('answers a wrong method with a JSON error, not a crash', async () => {
      const response = await t.asKiosk({ method: 'DELETE', url: '/api/sync' });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not-found');
    });

    it('keeps API answers lean: no sniffing and no referrer, without page-only headers', async () => {
      const response = await t.asKiosk('/api/health');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['content-security-policy']).toBeUndefined();
    });

    it('gzips a large answer for a client that takes gzip', async () => {
      const response = await t.asKiosk({ url: `/api/roster?kioskId=${t.kioskId}`, headers: { 'accept-encoding': 'gzip, deflate' } });
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(response.rawPayload).toString()).studentIds).toHaveLength(DEMO_SCHOOL.studentCount);
    });

    it('advertises the largest batch it takes', async () => {
      const body = (await t.asKiosk('/api/kiosk-config')).json();
      expect(body.syncLimits).toEqual({ maxBodyBytes: LIMITS.maxBodyBytes, maxOps: LIMITS.maxOpsPerBatch });
    });
  });

  describe('the pages', () => {
    const publicDir = fileURLToPath(new URL('../../dist/public', import.meta.url));
    let pages: TestApp;
    beforeEach(async () => {
      pages = await startTestApp({ database, publicDir });
    });
    afterEach(async () => {
      await pages.close();
    });

    it('serve the kiosk at a clean URL with a content policy that forbids inline script and framing', async () => {
      const response = await pages.app.inject('/kiosk');
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('Student ID');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it.each(['/', '/kiosk', '/sign-in', '/ui/kiosk.js', '/sw.js', '/styles.css'])('send the security headers with %s', async (url) => {
      const response = await pages.app.inject(url);
      expect(response.statusCode).toBe(200);
      const policy = String(response.headers['content-security-policy']);
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('send no inline script in any page', async () => {
      for (const url of ['/', '/kiosk', '/sign-in']) {
        const html = (await pages.app.inject(url)).body;
        expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
        expect(html).not.toMatch(/\son[a-z]+="/);
      }
    });

    it('send nosniff and no referrer with every API answer, refusals included', async () => {
      for (const response of [await pages.app.inject('/api/health'), await pages.app.inject('/api/roster'), await pages.asKiosk('/api/kiosk-config')]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['referrer-policy']).toBe('no-referrer');
      }
    });

    it.each([
      ['/roll', undefined, 303, '/sign-in?next=%2Froll'],
      ['/office', undefined, 303, '/sign-in?next=%2Foffice'],
      ['/admin', undefined, 303, '/sign-in?next=%2Fadmin'],
      ['/roll', 'teacher', 200, null],
      ['/office', 'teacher', 303, '/sign-in?next=%2Foffice&reason=forbidden'],
      ['/office', 'office', 200, null],
      ['/admin', 'office', 303, '/sign-in?next=%2Fadmin&reason=forbidden'],
      ['/admin', 'admin', 200, null],
    ] as const)('open %s to %s with %i', async (url, role, status, location) => {
      const headers = role ? await pages.signIn(role) : {};
      const response = await pages.app.inject({ url, headers });
      expect(response.statusCode).toBe(status);
      if (location) expect(response.headers.location).toBe(location);
      else expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('serve the service worker so it revalidates on every visit', async () => {
      const response = await pages.app.inject('/sw.js');
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    });
  });

  describe('the demo school', () => {
    it('is created once and reused on the next start', async () => {
      const again = await ensureDemoSchool(t.db);
      expect(again).toMatchObject({ created: false, studentCount: DEMO_SCHOOL.studentCount });
      const { n } = await t.db.selectFrom('schools').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n)).toBe(1);
    });

    it('gives every student a unique ID, a name and a homeroom', async () => {
      const rows = await t.db.selectFrom('students').select(['student_number', 'name', 'homeroom']).execute();
      expect(new Set(rows.map((r) => r.student_number)).size).toBe(DEMO_SCHOOL.studentCount);
      expect(rows.every((r) => r.name.includes(' ') && r.homeroom.length > 0)).toBe(true);
    });
  });
});
