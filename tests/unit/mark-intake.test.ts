import { describe, expect, it } from 'vitest';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { DayBook } from '../../sw/day-book.ts';
import { takeMark } from '../../sw/mark-intake.ts';
import { RollCallBook } from '../../sw/roll-call-book.ts';
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
    return takeMark(
      new Request('https://doorline.test/api/marks', { method: 'POST', body: JSON.stringify(body) }),
      stores,
      kiosk,
      book,
      new RollCallBook(stores),
    );
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
