import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits.ts';
import { DEMO_SCHOOL, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
describe.each(databases())('on %s', (database) => {
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

    it('sends a large answer as brotli to a client that takes brotli, and as it is to one that takes neither', async () => {
      const brotli = await t.asKiosk({
        url: `/api/roster?kioskId=${t.kioskId}`,
        headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
      });
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotli.headers.vary).toBe('accept-encoding');
      expect(JSON.parse(brotliDecompressSync(brotli.rawPayload).toString()).studentIds).toHaveLength(DEMO_SCHOOL.studentCount);
      const plain = await t.asKiosk({ url: `/api/roster?kioskId=${t.kioskId}`, headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.json().studentIds).toHaveLength(DEMO_SCHOOL.studentCount);
    });

    it("sends the roster at brotli's best, the same bytes to every kiosk, and new bytes once it changes", async () => {
      const ask = () => t.asKiosk({ url: '/api/roster', headers: { 'accept-encoding': 'gzip, deflate, br' } });
      const first = await ask();
      const json = brotliDecompressSync(first.rawPayload);
      const best = brotliCompressSync(json, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      });
      expect(first.rawPayload.length).toBe(best.length);
      expect((await ask()).rawPayload.equals(first.rawPayload)).toBe(true);
      // A student leaves: the roster's content, and so its bytes, change.
      await t.db.updateTable('students').set({ left_at: Date.now() }).where('student_number', '=', '100001').execute();
      await t.db
        .updateTable('schools')
        .set({ roster_version: sql`roster_version + 1` })
        .execute();
      const changed = await ask();
      expect(changed.rawPayload.equals(first.rawPayload)).toBe(false);
      expect(JSON.parse(brotliDecompressSync(changed.rawPayload).toString()).studentIds).toHaveLength(DEMO_SCHOOL.studentCount - 1);
    });

    it('advertises the largest batch it takes', async () => {
      const body = (await t.asKiosk('/api/kiosk-config')).json();
      expect(body.syncLimits).toEqual({ maxBodyBytes: LIMITS.maxBodyBytes, maxOps: LIMITS.maxOpsPerBatch });
    });
  });

  describe('the demo school', () => {
    it('is created once and reused on the next start', async () => {
      const again = await ensureDemoSchool(t.db);
      expect(again).toMatchObject({ created: false, studentCount: DEMO_SCHOOL.studentCount });
      const { n } = await t.db
        .selectFrom('schools')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n)).toBe(1);
    });

    it('gives every student a unique ID, a name and a homeroom', async () => {
      const rows = await t.db.selectFrom('students').select(['student_number', 'name', 'homeroom']).execute();
      expect(new Set(rows.map((r) => r.student_number)).size).toBe(DEMO_SCHOOL.studentCount);
      expect(rows.every((r) => r.name.includes(' ') && r.homeroom.length > 0)).toBe(true);
    });
  });
});

const publicDir = fileURLToPath(new URL('../../dist/public', import.meta.url));

const LINKED = {
  'the kiosk script': ['/kiosk', /src="(\/ui\/kiosk\.[^"]+\.js)"/],
  'the style sheet': ['/kiosk', /href="(\/styles\.[^"]+\.css)"/],
  'the icon': ['/manifest.webmanifest', /"src": "(\/icon\.[^"]+\.svg)"/],
} as const;

/**
 * A URL of the built app; the kiosk's script and style sheet and the app's
 * icon are named by their content's hash, so they are read off the kiosk
 * page and the web manifest.
 */
async function builtUrl(app: TestApp, url: string): Promise<string> {
  if (url.startsWith('/')) return url;
  const [from, link] = LINKED[url as keyof typeof LINKED];
  const found = link.exec((await app.app.inject(from)).body);
  if (!found?.[1]) throw new Error(`The kiosk page links no ${url}`);
  return found[1];
}

describe('the pages', () => {
  let pages: TestApp;
  beforeEach(async () => {
    pages = await startTestApp({ publicDir });
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

  it.each(['the kiosk script', 'the style sheet', '/manifest.webmanifest'])(
    'send %s without the content policy no browser reads there, but with nosniff and no referrer',
    async (url) => {
      const response = await pages.app.inject(await builtUrl(pages, url));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-security-policy']).toBeUndefined();
      expect(response.headers['x-frame-options']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    },
  );

  it.each(['/', '/kiosk', '/sign-in', '/sw.js'])('send the security headers with %s', async (url) => {
    const response = await pages.app.inject(await builtUrl(pages, url));
    expect(response.statusCode).toBe(200);
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain("'unsafe-eval'");
    // Only the kiosk compiles WebAssembly (a camera kiosk's barcode reader).
    if (url === '/kiosk') expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
    else expect(policy).not.toContain('wasm-unsafe-eval');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('send each page with its icon inside it, so no device asks for the icon as a file', async () => {
    for (const url of ['/', '/kiosk', '/sign-in']) {
      expect((await pages.app.inject(url)).body).toMatch(
        /<link rel="icon" href="data:image\/svg\+xml,%3Csvg [^"]+%3C\/svg%3E" type="image\/svg\+xml"\s*\/?>/,
      );
    }
  });

  it('send no inline script in any page', async () => {
    for (const url of ['/', '/kiosk', '/sign-in']) {
      const html = (await pages.app.inject(url)).body;
      expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
      expect(html).not.toMatch(/\son[a-z]+="/);
    }
  });

  it('send nosniff and no referrer with every API answer, refusals included', async () => {
    for (const response of [
      await pages.app.inject('/api/health'),
      await pages.app.inject('/api/roster'),
      await pages.asKiosk('/api/kiosk-config'),
    ]) {
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

describe('static files, compressed', () => {
  let pages: TestApp;
  beforeEach(async () => {
    pages = await startTestApp({ publicDir });
  });
  afterEach(async () => {
    await pages.close();
  });

  const onDisk = (url: string): Buffer => fs.readFileSync(path.join(publicDir, url === '/kiosk' ? 'kiosk.html' : url));
  const get = (url: string, acceptEncoding?: string, method: 'GET' | 'HEAD' = 'GET') =>
    pages.app.inject({ method, url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it.each(['/kiosk', '/sw.js', 'the kiosk script', 'the style sheet'])('send %s as brotli to a browser that takes brotli', async (name) => {
    const url = await builtUrl(pages, name);
    const response = await get(url, 'gzip, deflate, br, zstd');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(response.rawPayload).equals(onDisk(url))).toBe(true);
    expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);
    expect(response.rawPayload.length).toBeLessThan(onDisk(url).length / 2);
  });

  it('send gzip to a browser that takes only gzip', async () => {
    const response = await get('/sw.js', 'gzip, deflate');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.rawPayload).equals(onDisk('/sw.js'))).toBe(true);
  });

  it.each([
    ['no Accept-Encoding', undefined],
    ['identity', 'identity'],
    ['an encoding it has no copy in', 'deflate'],
  ])('send the file itself to a browser that asks with %s', async (_, acceptEncoding) => {
    const response = await get('/sw.js', acceptEncoding);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.rawPayload.equals(onDisk('/sw.js'))).toBe(true);
  });

  it.each([undefined, 'gzip', 'br'])('say the answer varies by Accept-Encoding (asked with %s)', async (acceptEncoding) => {
    for (const url of ['/kiosk', '/sw.js', await builtUrl(pages, 'the kiosk script')]) {
      expect(String((await get(url, acceptEncoding)).headers.vary)).toMatch(/accept-encoding/i);
    }
  });

  it.each([
    ['/kiosk', /^text\/html; charset=utf-8$/],
    ['/sw.js', /^(?:text|application)\/javascript; charset=utf-8$/],
    ['the kiosk script', /^(?:text|application)\/javascript; charset=utf-8$/],
    ['the style sheet', /^text\/css; charset=utf-8$/],
    ['the icon', /^image\/svg\+xml/],
    ['/manifest.webmanifest', /^application\/manifest\+json/],
  ])('give %s the type of the file, not of its compressed copy', async (name, type) => {
    const url = await builtUrl(pages, name);
    for (const acceptEncoding of ['br', 'gzip', undefined]) {
      expect(String((await get(url, acceptEncoding)).headers['content-type'])).toMatch(type);
    }
  });

  it("answer HEAD with the compressed copy's headers and no body", async () => {
    const head = await get('/sw.js', 'br', 'HEAD');
    const full = await get('/sw.js', 'br');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers['content-type']).toBe(full.headers['content-type']);
    expect(head.rawPayload.length).toBe(0);
  });

  it.each(['/kiosk', '/sw.js'])('keep the security headers on %s compressed', async (name) => {
    const response = await get(await builtUrl(pages, name), 'br');
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('send a page for staff compressed to someone allowed, and still send anyone else to sign in', async () => {
    const teacher = await pages.app.inject({ url: '/roll', headers: { ...(await pages.signIn('teacher')), 'accept-encoding': 'br' } });
    expect(teacher.statusCode).toBe(200);
    expect(teacher.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(teacher.rawPayload).toString()).toContain('<title>Roll');
    const stranger = await get('/roll', 'br');
    expect(stranger.statusCode).toBe(303);
    expect(stranger.headers.location).toBe('/sign-in?next=%2Froll');
  });

  it.each(['/kiosk.html.br', '/sw.js.gz', '/index.html.br'])('never serve %s, a compressed copy, under its own name', async (url) => {
    expect(fs.existsSync(path.join(publicDir, url))).toBe(true);
    expect((await get(url, 'br')).statusCode).toBe(404);
  });

  it('let browsers keep files named by their hash for a year, and revalidate the rest', async () => {
    for (const name of ['the kiosk script', 'the style sheet', 'the icon']) {
      expect((await get(await builtUrl(pages, name), 'br')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    for (const url of ['/kiosk', '/sw.js', '/manifest.webmanifest']) {
      expect((await get(url, 'br')).headers['cache-control']).toBe('no-cache');
    }
  });
});
