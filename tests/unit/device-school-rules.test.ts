import { beforeEach, describe, expect, it } from 'vitest';
import type { KioskConfig, SchoolInfo } from '../../src/shared/protocol.ts';
import { DayBook } from '../../sw/day-book.ts';
import type { OutboxOp } from '../../sw/outbox-db.ts';
import { serveRoll } from '../../sw/roll-server.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();
const TODAY = '2026-11-24';
const at = (time: string) => Date.parse(`${TODAY}T${time}Z`);
const LAKESIDE: SchoolInfo = {
  id: 'school-1',
  name: 'Lakeside',
  timeZone: 'Europe/London',
  bellTime: '08:40',
  lateGraceMinutes: 10,
  periods: [
    { name: 'Literacy', startsAt: '08:50', endsAt: '10:00' },
    { name: 'Numeracy', startsAt: '10:20', endsAt: '11:30' },
  ],
};
let book: DayBook;

beforeEach(async () => {
  book = new DayBook(workerStores(fixture.db));
  await fixture.db.roster.bulkPut([
    { studentId: '100001', name: 'Ada Lovelace', homeroom: '1A' },
    { studentId: '100002', name: 'Alan Turing', homeroom: '1A' },
  ]);
});

let seq = 0;
const checkIn = (studentId: string, time: string, session = 'day'): OutboxOp => ({
  seq: ++seq,
  opId: `01JD${String(seq).padStart(22, '0')}`,
  kind: 'check-in',
  kioskId: 'k',
  studentId,
  at: at(time),
  session,
  base: 0,
  queuedAt: at(time),
});

describe("the device's copy of today follows the school's own rules", () => {
  it('marks a check-in late only after the bell plus the grace', async () => {
    await book.applyOwn(checkIn('100001', '08:50:00'), at('08:50:00'), LAKESIDE);
    await book.applyOwn(checkIn('100002', '08:50:01'), at('08:50:01'), LAKESIDE);
    expect((await book.record('day', '100001', TODAY))?.status).toBe('present');
    expect((await book.record('day', '100002', TODAY))?.status).toBe('late');
  });

  it("judges arriving for a period from the period's start", async () => {
    await book.applyOwn(checkIn('100001', '10:29:00', 'Numeracy'), at('10:29:00'), LAKESIDE);
    await book.applyOwn(checkIn('100002', '10:31:00', 'Numeracy'), at('10:31:00'), LAKESIDE);
    expect((await book.record('Numeracy', '100001', TODAY))?.status).toBe('present');
    expect((await book.record('Numeracy', '100002', TODAY))?.status).toBe('late');
  });

  it("offers the school's periods on the roll, and the fixed ones for a configuration from an older server", async () => {
    expect((await book.roll(null, 'day', at('09:00:00'), LAKESIDE)).sessions).toEqual(['day', 'Literacy', 'Numeracy']);
    const { periods: _periods, ...older } = LAKESIDE;
    expect((await book.roll(null, 'day', at('09:00:00'), older)).sessions).toEqual(['day', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
  });

  it('refuses a roll for a session the school does not keep, naming the ones it does', async () => {
    const answer = await serveRoll(new URL('https://doorline.test/api/roll?session=P1'), {
      kiosk: { config: async () => ({ school: LAKESIDE }) as unknown as KioskConfig, rosterSize: async () => 2 },
      book,
      feed: { hasLoaded: async () => true },
      fetchImpl: async () => new Response('{}'),
      now: () => at('09:00:00'),
    });
    expect(answer.status).toBe(400);
    expect((await answer.json()).error).toMatchObject({
      code: 'invalid-query',
      details: { path: '$query.session', problem: 'must be one of day, Literacy, Numeracy' },
    });
  });
});
