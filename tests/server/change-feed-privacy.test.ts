/**
 * A change-feed cursor counts the school's own changes only: what another
 * school does between two pulls never shows in the numbers a device or a
 * staff page is given, and the event stream's ids are the same numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let office: Record<string, string>;
const at = Date.parse('2026-11-24T07:58:00Z');

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    t.clock.now = Date.parse('2026-11-24T09:00:00Z');
    hill = await addSecondSchool(t);
    office = await t.signIn('office');
  });
  afterAll(async () => t.close());

  const cursorNow = async (): Promise<number> => {
    const page = await t.app.inject({ url: '/api/changes?cursor=', headers: office });
    return Number(page.json().cursor);
  };
  const hillsideChecksIn = async (count: number, firstSeq: number, kind = 'check-in') => {
    const ops = Array.from({ length: count }, (_, i) => ({
      seq: firstSeq + i,
      kind,
      studentId: String(200001 + i),
      at: at + (kind === 'check-out' ? 3_600_000 : 0) + i,
      session: 'day',
      base: 0,
    }));
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${hill.token}` },
      payload: { v: 1, type: 'sync', deviceId: hill.deviceId, kioskId: hill.kioskId, ops },
    });
    expect(response.statusCode).toBe(200);
  };

  it("does not move when another school's records change", async () => {
    const before = await cursorNow();
    await hillsideChecksIn(15, 1);
    expect(await cursorNow()).toBe(before);
    const page = await t.app.inject({ url: `/api/changes?cursor=${before}`, headers: office });
    expect(page.json()).toMatchObject({ cursor: String(before), changes: [] });
  });

  it('moves by exactly the changes the school was sent, whatever another school wrote meanwhile', async () => {
    const before = await cursorNow();
    await hillsideChecksIn(10, 16);
    const own = await t.syncAsKiosk([{ seq: 1, kind: 'check-in', studentId: '100001', at, session: 'day', base: 0 }]);
    expect(own.statusCode).toBe(200);
    await hillsideChecksIn(5, 26);
    const page = (await t.app.inject({ url: `/api/changes?cursor=${before}`, headers: office })).json();
    expect(page.changes.length).toBeGreaterThan(0);
    expect(Number(page.cursor) - before).toBe(page.changes.length);
  });

  it("numbers a school's changes from its own start", async () => {
    await t.syncAsKiosk([{ seq: 2, kind: 'check-in', studentId: '100002', at, session: 'day', base: 0 }]);
    await hillsideChecksIn(1, 31, 'check-out');
    const page = (await t.app.inject({ url: '/api/changes?cursor=0', headers: hill.as.office })).json();
    expect(Number(page.cursor)).toBe(page.changes.length);
  });
});
