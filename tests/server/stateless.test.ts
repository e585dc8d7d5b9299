/**
 * Two server processes on one database: what one has learnt, the other
 * knows. Here the second process is a second app on the same database,
 * sharing nothing with the first but it.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { databases } from '../support/databases.ts';
import { ORIGIN, startTestApp, type TestApp } from '../support/test-app.ts';

describe.each(databases())('on %s', (database) => {
  let t: TestApp;
  let second: FastifyInstance;

  beforeEach(async () => {
    t = await startTestApp({ database });
    second = await buildApp({ db: t.db, now: () => t.clock.now, trustProxy: true });
  });
  afterEach(async () => {
    await second.close();
    await t.close();
  });

  const signIn = (app: FastifyInstance, password: string, address: string) =>
    app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN, 'x-forwarded-for': address },
      payload: { v: 1, email: 'teacher@riverside.example', password },
    });
  const pair = (app: FastifyInstance, code: string, address: string) =>
    app.inject({
      method: 'POST',
      url: '/api/pair',
      headers: { 'x-forwarded-for': address },
      payload: { v: 1, code, deviceId: 'guessing-device-001', appVersion: '0.2.0' },
    });

  it('counts wrong passwords tried on one process against the next try on another', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn(i % 2 === 0 ? t.app : second, 'not-the-password', '203.0.113.80')).statusCode).toBe(401);
    const locked = await signIn(second, 'riverside-teacher', '203.0.113.80');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too-many-attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Fifteen minutes on, either process lets the person in.
    t.clock.now += 15 * 60 * 1000 + 1;
    expect((await signIn(t.app, 'riverside-teacher', '203.0.113.80')).statusCode).toBe(200);
  });

  it('counts wrong pairing codes typed on one process against the next on another', async () => {
    for (let i = 0; i < 10; i++) expect((await pair(t.app, `AAAA-AA${String(i).padStart(2, '0')}`, '203.0.113.81')).statusCode).toBe(400);
    const locked = await pair(second, 'AAAA-AAAA', '203.0.113.81');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too-many-attempts');
  });

  it('opens a session on one process that the other honours, and ends it there too', async () => {
    const opened = await signIn(t.app, 'riverside-teacher', '198.51.100.80');
    const cookie = String(opened.headers['set-cookie']).split(';')[0] as string;
    expect((await second.inject({ url: '/api/session', headers: { cookie } })).json().staff.email).toBe('teacher@riverside.example');
    expect((await second.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, origin: ORIGIN } })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
  });
});
