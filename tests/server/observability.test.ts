/**
 * Request logs and metrics, on both databases: a log line per request with
 * no token, cookie, password or student name in it; `GET /api/metrics` in
 * Prometheus's text format behind METRICS_TOKEN, counting requests, ops by
 * outcome, the queues devices report and the open event streams.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { urlForLog } from '../../src/server/request-log.ts';
import { QUEUE_HEADER } from '../../src/shared/sync-headers.ts';
import { databases } from '../support/databases.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { checkIn, startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';
const AT = () => Date.now() - 60_000;

let t: TestApp;

/** One sample's value from a Prometheus text page, or undefined. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of page.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter((l) => l !== '');
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describe.each(databases())('on %s', (database) => {
  afterEach(() => t.close());

  describe('the request log', () => {
    it('has one line per request with method, address, status, time and device, and no secret or student name', async () => {
      const lines: string[] = [];
      t = await startTestApp({ database, logLevel: 'info', logStream: { write: (line) => void lines.push(line) } });
      const office = await t.signIn('office');
      const students = await t.db.selectFrom('students').select(['student_number', 'name']).execute();
      const someone = students[0];
      if (!someone) throw new Error('the demo school has no students');
      const synced = await t.asKiosk({
        method: 'POST',
        url: '/api/sync',
        headers: { [QUEUE_HEADER]: '3;0' },
        payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [checkIn(1, someone.student_number, AT())] },
      });
      expect(synced.statusCode).toBe(200);
      const search = await t.app.inject({ method: 'GET', url: '/api/students', query: { q: someone.name }, headers: office });
      expect(search.statusCode, search.body).toBe(200);
      expect(search.body).toContain(someone.name);

      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const sync = entries.find((e) => (e.req as { url?: string } | undefined)?.url === '/api/sync');
      expect(sync).toMatchObject({ req: { method: 'POST', url: '/api/sync', device: t.deviceId }, res: { statusCode: 200 } });
      expect(typeof sync?.responseTime).toBe('number');
      expect(entries.find((e) => (e.req as { url?: string } | undefined)?.url === '/api/session')).toMatchObject({
        req: { method: 'POST', device: null },
        res: { statusCode: 200 },
      });
      expect(entries.find((e) => (e.req as { url?: string } | undefined)?.url?.startsWith('/api/students'))).toMatchObject({
        req: { url: '/api/students?q=' },
        res: { statusCode: 200 },
      });

      const all = lines.join('\n');
      const secrets = [t.token, office.cookie?.split('=')[1] ?? '', ...Object.values(DEMO_PASSWORDS), ...students.map((s) => s.name)];
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(3);
        expect(all).not.toContain(secret);
        expect(all).not.toContain(encodeURIComponent(secret));
      }
      expect(all).not.toMatch(/authorization|cookie/i);
    });
  });

  describe('GET /api/metrics', () => {
    it('is not there without METRICS_TOKEN', async () => {
      t = await startTestApp({ database });
      const response = await t.app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not-found' } });
    });

    it('refuses a scraper without the token, or with another one', async () => {
      t = await startTestApp({ database, metricsToken: TOKEN });
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { authorization: `Bearer ${t.token}` }]) {
        const response = await t.app.inject({ method: 'GET', url: '/api/metrics', headers });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ error: { code: 'metrics-token-invalid' } });
        expect(response.body).not.toContain('doorline_');
      }
    });

    it('counts requests by route and status, their latency, ops by outcome and the queues devices report', async () => {
      t = await startTestApp({ database, metricsToken: TOKEN });
      const scrape = async (): Promise<string> => {
        const response = await t.app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        return response.body;
      };
      const [first, second] = await t.db.selectFrom('students').select('student_number').limit(2).execute();
      const ops = [
        checkIn(1, first?.student_number ?? '', AT()),
        checkIn(2, second?.student_number ?? '', AT()),
        checkIn(3, '999999', AT()),
      ];
      const send = (queue: string) =>
        t.asKiosk({
          method: 'POST',
          url: '/api/sync',
          headers: { [QUEUE_HEADER]: queue },
          payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops },
        });
      expect((await send('40;0')).statusCode).toBe(200);
      expect((await send('7;0')).statusCode).toBe(200);
      await t.app.inject({ method: 'GET', url: '/api/no-such-thing/123' });
      await t.app.inject({ method: 'GET', url: '/api/no-such-thing/456' });

      const page = await scrape();
      expect(sample(page, 'doorline_ops_ingested_total', { outcome: 'applied' })).toBe(2);
      expect(sample(page, 'doorline_ops_ingested_total', { outcome: 'rejected' })).toBe(1);
      expect(sample(page, 'doorline_ops_ingested_total', { outcome: 'duplicate' })).toBe(3);
      expect(sample(page, 'doorline_http_requests_total', { route: '/api/sync', method: 'POST', status: '200' })).toBe(2);
      expect(sample(page, 'doorline_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(2);
      expect(page).not.toContain('no-such-thing');
      expect(sample(page, 'doorline_http_request_duration_seconds_count', { route: '/api/sync', method: 'POST' })).toBe(2);
      expect(sample(page, 'doorline_http_request_duration_seconds_bucket', { route: '/api/sync', method: 'POST', le: '+Inf' })).toBe(2);
      // The newest report replaces the last: the kiosk said 7 as it sent these 3 (an older worker's figure, with
      // no health header), so it holds 4 once they are through.
      expect(sample(page, 'doorline_device_queued_ops')).toBe(4);
      expect(sample(page, 'doorline_devices_with_queued_ops')).toBe(1);
      expect(sample(page, 'process_cpu_seconds_total')).toBeGreaterThan(0);

      const later = await scrape();
      expect(sample(later, 'doorline_http_requests_total', { route: '/api/metrics', method: 'GET', status: '200' })).toBe(1);
    });

    it('counts the open event streams, and forgets a stream once it closes', async () => {
      t = await startTestApp({ database, metricsToken: TOKEN });
      const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const clients = async (): Promise<number | undefined> => {
        const response = await t.app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
        return sample(response.body, 'doorline_event_stream_clients');
      };
      expect(await clients()).toBe(0);
      // One socket of its own, closed by the test as a browser closes a tab.
      const request = http.get(`${base}/api/events`, { headers: { authorization: `Bearer ${t.token}` }, agent: false });
      const response = await new Promise<http.IncomingMessage>((resolve) => request.on('response', resolve));
      expect(response.statusCode).toBe(200);
      await new Promise((resolve) => response.once('data', resolve));
      expect(await clients()).toBe(1);
      request.destroy();
      for (let i = 0; i < 100 && (await clients()) !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await clients()).toBe(0);
    });
  });
});

describe('the address in a log line', () => {
  it.each([
    ['/api/sync', '/api/sync'],
    ['/api/students?q=Ada%20Lovelace', '/api/students?q='],
    ['/api/students?q=Ada&include=left', '/api/students?q=&include='],
    ['/api/events?', '/api/events'],
  ])('logs %s as %s', (url, logged) => {
    expect(urlForLog(url)).toBe(logged);
  });
});

describe('the metrics configuration', () => {
  it('takes METRICS_TOKEN and LOG_LEVEL from the environment and refuses ones that cannot be right', () => {
    expect(loadConfig({}, '/app')).toMatchObject({ metricsToken: null, logLevel: 'warn' });
    expect(loadConfig({ METRICS_TOKEN: TOKEN, LOG_LEVEL: 'INFO' }, '/app')).toMatchObject({ metricsToken: TOKEN, logLevel: 'info' });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' }, '/app')).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: 'a token with spaces in it' }, '/app')).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, '/app')).toThrow(/LOG_LEVEL/);
  });
});
