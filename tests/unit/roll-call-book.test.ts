import { describe, expect, it } from 'vitest';
import { DayBook } from '../../sw/day-book.ts';
import { KioskCache } from '../../sw/kiosk-cache.ts';
import { takeMark } from '../../sw/mark-intake.ts';
import { RollCallBook } from '../../sw/roll-call-book.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { rollCallRows } from '../../src/shared/roll-call.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();
const ROSTER = [
  { studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' },
  { studentId: '100002', name: 'Bea Okafor', homeroom: '7A' },
  { studentId: '100003', name: 'Cleo Marsh', homeroom: '8B' },
];

async function device() {
  const stores = workerStores(fixture.db);
  await stores.roster.replace(ROSTER);
  // No worker cache of the school: the device's own zone stands in, as in the worker before its first pull.
  const kiosk = new KioskCache(stores, { headers: async () => ({}) }, () => Promise.reject(new Error('offline')));
  const rollCalls = new RollCallBook(stores);
  let n = 0;
  const post = (kind: string, studentId: string, at: number) =>
    takeMark(
      new Request('https://doorline.test/api/marks', {
        method: 'POST',
        body: JSON.stringify({ v: 1, opId: `01JD${String(++n).padStart(22, '0')}`, kind, studentId, at }),
      }),
      stores,
      kiosk,
      new DayBook(stores),
      rollCalls,
    );
  const today = DayBook.today(Date.now(), { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, bellTime: '08:00' });
  return { stores, rollCalls, post, today };
}

describe("the worker's roll call", () => {
  it('starts and takes ticks offline, queued in the outbox like any mark', async () => {
    const { stores, rollCalls, post, today } = await device();
    const now = Date.now();
    expect((await post('roll-call-start', '', now)).response.status).toBe(202);
    expect((await post('roll-call-found', '100002', now + 1000)).response.status).toBe(202);
    // A card not on the roster is refused here, as at the door.
    expect((await post('roll-call-found', '999999', now + 2000)).response.status).toBe(422);
    const queued = (await stores.outbox.waiting()).map((op) => [op.kind, op.studentId]);
    expect(queued).toEqual([
      ['roll-call-start', ''],
      ['roll-call-found', '100002'],
    ]);
    const day = await rollCalls.day(today);
    expect(day.rollCall).toMatchObject({ id: null, startedAt: now, endedAt: null, found: { '100002': now + 1000 } });
  });

  it("takes the server's id for the roll call it started offline and shows the union of its ticks and the others'", async () => {
    const { rollCalls, post, today } = await device();
    const now = Date.now();
    await post('roll-call-start', '', now);
    await post('roll-call-found', '100001', now + 1000);
    // Another tablet started 30 s earlier and ticked 100002; the server joined this one's start to it.
    const changed = await rollCalls.absorb(
      [
        { kind: 'roll-call', id: 'rc-1', date: today, startedAt: now - 30_000, endedAt: null },
        { kind: 'roll-call-found', rollCallId: 'rc-1', studentId: '100002', at: now - 10_000 },
        { kind: 'roll-call-found', rollCallId: 'rc-1', studentId: '100001', at: now + 5000 },
        { kind: 'roll-call-found', rollCallId: 'rc-0', studentId: '100003', at: now },
      ],
      today,
    );
    expect(changed).toBe(3);
    const day = await rollCalls.day(today);
    expect(day.rollCall).toEqual({
      id: 'rc-1',
      date: today,
      startedAt: now - 30_000,
      endedAt: null,
      found: { '100001': now + 1000, '100002': now - 10_000 },
    });
    expect(rollCallRows(day.students, new Set(day.onSite), day.rollCall?.found ?? {}).map((r) => r.studentId)).toEqual([
      '100001',
      '100002',
    ]);
  });

  it('ends where it was started, and a start after the end begins a new roll call', async () => {
    const { rollCalls, post, today } = await device();
    const now = Date.now();
    await post('roll-call-start', '', now);
    await post('roll-call-found', '100001', now + 1000);
    await post('roll-call-end', '', now + 60_000);
    expect((await rollCalls.day(today)).rollCall).toMatchObject({ endedAt: now + 60_000 });
    await post('roll-call-start', '', now + 120_000);
    expect((await rollCalls.day(today)).rollCall).toEqual({ id: null, date: today, startedAt: now + 120_000, endedAt: null, found: {} });
  });
});
