import { afterEach, describe, expect, it } from 'vitest';
import { databases } from '../support/databases.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

const PUBLIC = 'https://doorline.school.example';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const signIn = (app: TestApp, headers: Record<string, string>) =>
  app.app.inject({
    method: 'POST',
    url: '/api/session',
    headers,
    payload: { v: 1, email: 'office@riverside.example', password: DEMO_PASSWORDS.office },
  });

describe.each(databases())('on %s, with a public origin configured', (database) => {
  it('lets its own pages sign in, whatever Host the request names', async () => {
    t = await startTestApp({ database, publicOrigin: PUBLIC, trustProxy: false });
    const response = await signIn(t, { origin: PUBLIC, host: '10.0.0.5:8080' });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['a rebound DNS name', { host: 'rebound.example', origin: 'http://rebound.example' }],
    ['the loopback address asked', { host: 'localhost:80', origin: ORIGIN }],
    ['the public host over plain http', { host: 'doorline.school.example', origin: 'http://doorline.school.example' }],
  ])('refuses a sign-in from %s, though Origin and Host agree', async (_what, headers) => {
    t = await startTestApp({ database, publicOrigin: PUBLIC, trustProxy: false });
    const response = await signIn(t, headers);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('origin-mismatch');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a signed-in request whose Origin a trusted proxy forwarded as its host', async () => {
    t = await startTestApp({ database, publicOrigin: PUBLIC, trustProxy: true });
    const signedIn = await signIn(t, { origin: PUBLIC });
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0] ?? '';
    const forged = await t.app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie, origin: 'https://rebound.example', 'x-forwarded-host': 'rebound.example', 'x-forwarded-proto': 'https' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('origin-mismatch');
    const own = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, origin: PUBLIC } });
    expect(own.statusCode).toBe(204);
  });

  it('makes the cookie Secure and asks for HTTPS from then on when the public origin is https, even without a proxy saying so', async () => {
    t = await startTestApp({ database, publicOrigin: PUBLIC, trustProxy: false });
    const response = await signIn(t, { origin: PUBLIC });
    expect(String(response.headers['set-cookie'])).toContain('; Secure');
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await t.app.inject({ url: '/api/health' })).headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('sends neither over a plain http public origin', async () => {
    t = await startTestApp({ database, publicOrigin: 'http://10.0.0.5:8080', trustProxy: false });
    const response = await signIn(t, { origin: 'http://10.0.0.5:8080' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).not.toContain('Secure');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe.each(databases())('on %s, listening on loopback with no public origin', (database) => {
  it('refuses a sign-in from a DNS name rebound to this machine, though Origin and Host agree', async () => {
    t = await startTestApp({ database, trustProxy: false });
    const response = await signIn(t, { host: 'rebound.example:8080', origin: 'http://rebound.example:8080' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('origin-mismatch');
  });

  it.each([
    ['localhost:8080', 'http://localhost:8080'],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['[::1]:8080', 'http://[::1]:8080'],
  ])('lets its own page at %s sign in', async (host, origin) => {
    t = await startTestApp({ database, trustProxy: false });
    expect((await signIn(t, { host, origin })).statusCode).toBe(200);
  });

  it('refuses another local site on another port', async () => {
    t = await startTestApp({ database, trustProxy: false });
    const response = await signIn(t, { host: 'localhost:8080', origin: 'http://localhost:3000' });
    expect(response.json().error.code).toBe('origin-mismatch');
  });

  it('believes X-Forwarded-Proto only from a trusted proxy: then the cookie is Secure and answers carry HSTS', async () => {
    t = await startTestApp({ database, trustProxy: false });
    const direct = await signIn(t, { origin: ORIGIN, 'x-forwarded-proto': 'https' });
    expect(direct.statusCode).toBe(200);
    expect(String(direct.headers['set-cookie'])).not.toContain('Secure');
    expect(direct.headers['strict-transport-security']).toBeUndefined();
    await t.close();

    t = await startTestApp({ database, trustProxy: true });
    const proxied = await signIn(t, { origin: 'https://localhost:80', 'x-forwarded-proto': 'https' });
    expect(proxied.statusCode).toBe(200);
    expect(String(proxied.headers['set-cookie'])).toContain('; Secure');
    expect(proxied.headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await signIn(t, { origin: ORIGIN })).headers['strict-transport-security']).toBeUndefined();
  });
});
