import { describe, expect, it } from 'vitest';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { DayBook } from '../../sw/day-book.ts';
import { takeMark } from '../../sw/mark-intake.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();

function intake(roster: Array<{ studentId: string; name: string; homeroom: string }>) {
  const stores = workerStores(fixture.db);
  const kiosk = new KioskCache(stores, { headers: async () => ({}) }, () => Promise.reject(new Error('offline')));
  const book = new DayBook(stores);
  const post = async (studentId: string) => {
    await stores.roster.replace(roster);
    const body = { v: 1, opId: `01JD${studentId.padStart(22, '0')}`, kind: 'check-in', kioskId: 'kiosk-0001', studentId, at: Date.now() };
    return takeMark(new Request('https://doorline.test/api/marks', { method: 'POST', body: JSON.stringify(body) }), stores, kiosk, book);
  };
  return { post, stores };
}

describe('a check-in taken by the worker', () => {
  it('saves a student on the roster and answers 202', async () => {
    const { post, stores } = intake([{ studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' }]);
    const { response, added } = await post('100001');
    expect(response.status).toBe(202);
    expect(added).toBe(true);
    expect(await stores.outbox.size()).toBe(1);
  });

  it('answers an ID not on the roster at once and queues nothing', async () => {
    const { post, stores } = intake([{ studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' }]);
    const { response, added } = await post('4242');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'unknown-student' } });
    expect(added).toBe(false);
    expect(await stores.outbox.size()).toBe(0);
  });

  it('queues what it cannot check while it holds no roster yet', async () => {
    const { post, stores } = intake([]);
    const { response } = await post('4242');
    expect(response.status).toBe(202);
    expect(await stores.outbox.size()).toBe(1);
  });
});

describe("a roll call's ops taken by the worker", () => {
  it('queues a start and an end that name no student, and a tick of a student on the roster, without touching the day', async () => {
    const stores = workerStores(fixture.db);
    await stores.roster.replace([{ studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' }]);
    const kiosk = new KioskCache(stores, { headers: async () => ({}) }, () => Promise.reject(new Error('offline')));
    const book = new DayBook(stores);
    let n = 0;
    const post = (kind: string, studentId: string) =>
      takeMark(
        new Request('https://doorline.test/api/marks', {
          method: 'POST',
          body: JSON.stringify({ v: 1, opId: `01JE${String(++n).padStart(22, '0')}`, kind, studentId, at: Date.now() }),
        }),
        stores,
        kiosk,
        book,
      );
    expect((await post('roll-call-start', '')).response.status).toBe(202);
    expect((await post('roll-call-found', '100001')).response.status).toBe(202);
    expect((await post('roll-call-found', '4242')).response.status).toBe(422);
    expect((await post('roll-call-end', '')).response.status).toBe(202);
    expect((await stores.outbox.waiting()).map((op) => [op.kind, op.studentId, op.base])).toEqual([
      ['roll-call-start', '', 0],
      ['roll-call-found', '100001', 0],
      ['roll-call-end', '', 0],
    ]);
    expect(await fixture.db.records.count()).toBe(0);
  });
});
