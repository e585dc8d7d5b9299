import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type KioskConfig } from '../../src/shared/protocol.ts';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();

const config = (schoolId: string, name: string): KioskConfig => ({
  v: PROTOCOL_VERSION,
  type: 'kiosk-config',
  school: { id: schoolId, name, timeZone: 'Europe/London', bellTime: '08:00' },
  kiosk: null,
  rosterVersion: '1',
  syncLimits: { maxBodyBytes: 1024 * 1024, maxOps: 2000 },
});
const roster = (ids: string[]) => ({
  v: PROTOCOL_VERSION,
  type: 'roster',
  version: '1',
  studentIds: ids,
  names: ids,
  homerooms: ids.map(() => '1A'),
});

describe('a staff browser whose admin switches schools', () => {
  it("forgets the first school's day and roster when the other school's configuration arrives", async () => {
    const stores = workerStores(fixture.db);
    let school = 'lakeside';
    const fetchImpl = (async (input: RequestInfo | URL) =>
      String(input) === '/api/roster'
        ? Response.json(roster(school === 'lakeside' ? ['100001'] : ['200001', '200002']))
        : Response.json(config(school, school))) as typeof fetch;
    const kiosk = new KioskCache(stores, { headers: async () => ({}) }, fetchImpl);
    await kiosk.refresh();
    await stores.meta.set('change-cursor', '42');
    await stores.meta.set('loaded-day', '2026-11-24');
    await stores.records.put({
      session: 'day',
      studentId: '100001',
      date: '2026-11-24',
      status: 'present',
      checkInAt: 1,
      checkOutAt: null,
      version: 1,
    });

    // Same school again (a settings reload): the day stays.
    await kiosk.refresh();
    expect(await stores.meta.get('change-cursor')).toBe('42');
    expect(await stores.records.stored('day', '100001')).toBeDefined();

    school = 'hillside';
    await kiosk.refresh();
    expect((await kiosk.config())?.school.id).toBe('hillside');
    expect(await stores.meta.get('change-cursor')).toBe('');
    expect(await stores.meta.get('loaded-day')).toBe('');
    expect(await stores.records.stored('day', '100001')).toBeUndefined();
    // The roster's version is "1" at both schools: it is read again all the same.
    expect(await kiosk.rosterSize()).toBe(2);
    expect(await kiosk.lookup('200002')).toMatchObject({ studentId: '200002' });
  });
});
