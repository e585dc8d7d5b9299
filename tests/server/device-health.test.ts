/**
 * Device health, on both databases: what each device still holds after its
 * sync, its link, storage and failures, who is signed in on a staff browser,
 * a kiosk gone silent in school hours, and the sync statistics per device
 * and day (`GET /api/stats`) counted in the ingest transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneSchool } from '../../src/server/retention.ts';
import { findSchool } from '../../src/server/school-queries.ts';
import { databases } from '../support/databases.ts';
import { checkIn, startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';
/** 09:00 in London on Tuesday 24 November 2026, a school day; the doors open at 07:30. */
const TUESDAY_0900 = Date.parse('2026-11-24T09:00:00Z');

let t: TestApp;
describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database, metricsToken: TOKEN });
    t.clock.now = TUESDAY_0900;
  });
  afterEach(async () => t.close());

  let staffSeq = 0;
  const mark = (studentId: string, status: string, base = 0) => ({
    kind: 'status',
    studentId,
    status,
    at: TUESDAY_0900 - 60_000,
    session: 'day',
    base,
  });
  const staffBatch = (device: string, ops: Array<Record<string, unknown>>) => ({
    v: 1,
    type: 'sync',
    deviceId: device,
    kioskId: 'staff-browser',
    ops,
  });
  const staffSync = (who: Record<string, string>, payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/sync', headers: { ...who, ...headers }, payload });
  const devices = async () => (await t.app.inject({ url: '/api/devices', headers: await t.signIn('admin') })).json().devices;
  const kioskSync = (ops: unknown[], headers: Record<string, string>) =>
    t.asKiosk({
      method: 'POST',
      url: '/api/sync',
      headers,
      payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops },
    });

  describe('the sync statistics per device and day', () => {
    it('counts the ops, duplicates, refusals, conflicts and bytes of each batch, for an admin and for the metrics token', async () => {
      const teacher = await t.signIn('teacher');
      const office = await t.signIn('office');
      const first = staffBatch('teacher-tablet-01', [{ seq: ++staffSeq, ...mark('100005', 'present') }]);
      expect((await staffSync(teacher, first)).statusCode).toBe(200);
      const earlier = staffBatch('office-desk-0001', [{ seq: 1, ...mark('100007', 'present') }]);
      const batch = staffBatch('office-desk-0001', [
        { seq: 1, ...mark('100007', 'present') },
        { seq: 2, ...mark('100005', 'late') },
        { seq: 3, ...mark('4242', 'present') },
        { seq: 4, ...mark('100008', 'present') },
      ]);
      expect((await staffSync(office, earlier)).statusCode).toBe(200);
      const answer = await staffSync(office, batch);
      expect(answer.json().receipts.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'conflict', 'rejected', 'applied']);

      const bytes = (payload: object) => Buffer.byteLength(JSON.stringify(payload));
      const expected = [
        {
          date: '2026-11-24',
          schoolId: t.schoolId,
          deviceId: 'office-desk-0001',
          kind: 'staff',
          opsReceived: 5,
          duplicates: 1,
          refusals: 1,
          conflicts: 1,
          bytesReceived: bytes(earlier) + bytes(batch),
        },
        {
          date: '2026-11-24',
          schoolId: t.schoolId,
          deviceId: 'teacher-tablet-01',
          kind: 'staff',
          opsReceived: 1,
          duplicates: 0,
          refusals: 0,
          conflicts: 0,
          bytesReceived: bytes(first),
        },
      ];
      const asAdmin = await t.app.inject({ url: '/api/stats?from=2026-11-24&to=2026-11-24', headers: await t.signIn('admin') });
      expect(asAdmin.statusCode).toBe(200);
      expect(asAdmin.json()).toMatchObject({ v: 1, type: 'sync-stats', from: '2026-11-24', to: '2026-11-24' });
      expect(asAdmin.json().days).toEqual(expected.map((row) => expect.objectContaining(row)));
      const asMonitor = await t.app.inject({
        url: '/api/stats?from=2026-11-23&to=2026-11-25',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(asMonitor.statusCode).toBe(200);
      expect(asMonitor.json().days).toEqual(expected.map((row) => expect.objectContaining(row)));
      const otherDay = await t.app.inject({
        url: '/api/stats?from=2026-11-25&to=2026-11-30',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(otherDay.json().days).toEqual([]);
    });

    it('counts a day by the school’s date, and a kiosk’s batches by its device', async () => {
      // 23:30 in London on Monday is still Monday there.
      t.clock.now = Date.parse('2026-11-23T23:30:00Z');
      await t.syncAsKiosk([checkIn(1, '100001', t.clock.now - 1000)]);
      const days = (
        await t.app.inject({ url: '/api/stats?from=2026-11-23&to=2026-11-24', headers: { authorization: `Bearer ${TOKEN}` } })
      ).json().days;
      expect(days).toEqual([expect.objectContaining({ date: '2026-11-23', deviceId: t.deviceId, kind: 'kiosk', opsReceived: 1 })]);
    });

    it('forgets the days the school no longer keeps, with its other records', async () => {
      t.clock.now = Date.parse('2024-11-19T09:00:00Z');
      await t.syncAsKiosk([checkIn(1, '100001', t.clock.now - 1000)]);
      t.clock.now = TUESDAY_0900;
      await t.syncAsKiosk([checkIn(2, '100002', t.clock.now - 1000)]);
      const pruned = await pruneSchool(t.db, await findSchool(t.db, t.schoolId), TUESDAY_0900);
      expect(pruned.deleted.device_stats).toBe(1);
      const days = (
        await t.app.inject({ url: '/api/stats?from=2024-11-19&to=2025-12-01', headers: { authorization: `Bearer ${TOKEN}` } })
      ).json().days;
      expect(days).toEqual([]);
      const today = (
        await t.app.inject({ url: '/api/stats?from=2026-11-24&to=2026-11-24', headers: { authorization: `Bearer ${TOKEN}` } })
      ).json().days;
      expect(today).toHaveLength(1);
    });

    it.each([
      ['no dates', ''],
      ['no end', '?from=2026-11-24'],
      ['a date that is not one', '?from=2026-11-24&to=2026-02-30'],
      ['an end before the start', '?from=2026-11-24&to=2026-11-23'],
      ['more than a year', '?from=2025-01-01&to=2026-11-24'],
      ['a field it does not know', '?from=2026-11-24&to=2026-11-24&school=x'],
    ])('refuses %s with invalid-query', async (_what, query) => {
      const response = await t.app.inject({ url: `/api/stats${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid-query');
    });

    it('is for admins and the metrics token only', async () => {
      const url = '/api/stats?from=2026-11-24&to=2026-11-24';
      expect((await t.app.inject({ url, headers: await t.signIn('office') })).statusCode).toBe(403);
      expect((await t.app.inject({ url })).statusCode).toBe(401);
      const wrong = await t.app.inject({ url, headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('metrics-token-invalid');
    });
  });

  describe('the device list', () => {
    it('shows what a kiosk still holds after its sync, not the queue it sent, when an older worker reports it', async () => {
      const ops = [1, 2, 3].map((seq) => checkIn(seq, `10000${seq}`, TUESDAY_0900 - 60_000));
      expect((await kioskSync(ops, { 'x-doorline-queue': `3;${TUESDAY_0900 - 60_000}` })).statusCode).toBe(200);
      expect((await devices())[0]).toMatchObject({ id: t.deviceId, queueDepth: 0, oldestWaitingAt: null });
      await kioskSync([checkIn(4, '100004', TUESDAY_0900)], { 'x-doorline-queue': `3;${TUESDAY_0900 - 5_000}` });
      expect((await devices())[0]).toMatchObject({ queueDepth: 2, oldestWaitingAt: TUESDAY_0900 - 5_000 });
    });

    it('takes a newer worker’s figure, already after its batch, with its link, storage left and failures', async () => {
      const health = `37;poor;52428800;network-error@${TUESDAY_0900 - 120_000},server-busy@${TUESDAY_0900 - 300_000}`;
      const ops = [checkIn(1, '100001', TUESDAY_0900 - 60_000)];
      expect((await kioskSync(ops, { 'x-doorline-queue': `2;${TUESDAY_0900 - 30_000}`, 'x-doorline-health': health })).statusCode).toBe(
        200,
      );
      expect((await devices())[0]).toMatchObject({
        queueDepth: 2,
        oldestWaitingAt: TUESDAY_0900 - 30_000,
        link: { score: 37, label: 'poor' },
        storageFree: 52428800,
        failures: [
          { code: 'network-error', at: TUESDAY_0900 - 120_000 },
          { code: 'server-busy', at: TUESDAY_0900 - 300_000 },
        ],
      });
      // A pull keeps the health the last batch reported.
      await t.asKiosk({ url: '/api/changes?cursor=', headers: { 'x-doorline-queue': '0;0' } });
      expect((await devices())[0]).toMatchObject({ queueDepth: 0, link: { score: 37, label: 'poor' }, storageFree: 52428800 });
      await kioskSync([checkIn(2, '100002', TUESDAY_0900)], { 'x-doorline-queue': '0;0', 'x-doorline-health': '88;good;;' });
      expect((await devices())[0]).toMatchObject({ link: { score: 88, label: 'good' }, storageFree: null, failures: [] });
    });

    it.each([
      ['a score above 100', '101;good;;'],
      ['a label it does not know', '50;splendid;;'],
      ['a failure without a time', '50;fair;;network-error'],
      ['four failures', `50;fair;;a@${TUESDAY_0900},b@${TUESDAY_0900},c@${TUESDAY_0900},d@${TUESDAY_0900}`],
      ['a missing part', '50;fair;1000'],
    ])('refuses a health report with %s', async (_what, health) => {
      const response = await kioskSync([], { 'x-doorline-health': health });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid-header');
    });

    it('names who is signed in on a staff browser', async () => {
      await staffSync(await t.signIn('teacher'), staffBatch('teacher-tablet-01', [{ seq: 1, ...mark('100005', 'present') }]));
      const tablet = (await devices()).find((d: { id: string }) => d.id === 'teacher-tablet-01');
      expect(tablet).toMatchObject({ kind: 'staff', signedIn: 'Grace Hopper', silent: false, link: null, failures: null });
    });

    it('flags a kiosk not heard from for 15 minutes in school hours, and not in the evening', async () => {
      await kioskSync([], {});
      expect((await devices())[0]).toMatchObject({ silent: false });
      t.clock.now = TUESDAY_0900 + 16 * 60_000;
      expect((await devices())[0]).toMatchObject({ silent: true });
      t.clock.now = Date.parse('2026-11-24T19:00:00Z');
      expect((await devices())[0]).toMatchObject({ silent: false });
      t.clock.now = Date.parse('2026-11-28T10:00:00Z');
      expect((await devices())[0]).toMatchObject({ silent: false });
    });
  });
});
