import { beforeEach, describe, expect, it } from 'vitest';
import { DayBook } from '../../sw/day-book.ts';
import type { OutboxDb, OutboxOp } from '../../sw/outbox-db.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const SCHOOL = { timeZone: 'Europe/London', bellTime: '08:00' };
const T0758 = Date.parse('2026-11-24T07:58:00Z');
const T0814 = Date.parse('2026-11-24T08:14:00Z');
const TODAY = '2026-11-24';
const fixture = useWorkerDb();
let db: OutboxDb;
let book: DayBook;

beforeEach(async () => {
  db = fixture.db;
  book = new DayBook(workerStores(db));
  await db.roster.bulkPut([
    { studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' },
    { studentId: '100002', name: 'Alan Turing', homeroom: '7A' },
    { studentId: '100003', name: 'Grace Hopper', homeroom: '7B' },
  ]);
});

const op = (fields: Partial<OutboxOp>): OutboxOp => ({
  seq: 1,
  opId: `01JD${Math.random().toString().slice(2, 24).padEnd(22, '0')}`,
  kind: 'check-in',
  kioskId: 'k',
  studentId: '100001',
  at: T0758,
  session: 'day',
  base: 0,
  queuedAt: T0758,
  ...fields,
});

describe("the device's copy of today", () => {
  it('knows a check-in the moment it is saved, keeping the earliest', async () => {
    await book.applyOwn(op({ at: T0814 }), T0814, SCHOOL);
    expect(await book.record('day', '100001', TODAY)).toMatchObject({ status: 'late', checkInAt: T0814, version: 0 });
    await book.applyOwn(op({ at: T0758 }), T0758, SCHOOL);
    expect(await book.record('day', '100001', TODAY)).toMatchObject({ status: 'present', checkInAt: T0758 });
  });

  it('takes a newer version from the change feed and ignores an older one', async () => {
    const change = {
      kind: 'record' as const,
      studentId: '100002',
      date: TODAY,
      session: 'day',
      status: 'absent' as const,
      checkInAt: null,
      checkOutAt: null,
      version: 2,
    };
    expect(await book.applyChanges([change], TODAY)).toEqual({ records: 1, opened: 0, resolved: 0 });
    await book.applyChanges([{ ...change, status: 'present', version: 1 }], TODAY);
    expect(await book.record('day', '100002', TODAY)).toMatchObject({ status: 'absent', version: 2 });
  });

  it('counts conflicts opened and still open, and those resolved, in one pull, and forgets earlier days', async () => {
    await book.applyChanges(
      [
        {
          kind: 'record',
          studentId: '100001',
          date: '2026-11-23',
          session: 'day',
          status: 'present',
          checkInAt: T0758 - 86_400_000,
          checkOutAt: null,
          version: 1,
        },
      ],
      '2026-11-23',
    );
    const counts = await book.applyChanges(
      [
        { kind: 'conflict-opened', conflictId: 'a', studentId: '100001', date: TODAY, session: 'day' },
        { kind: 'conflict-opened', conflictId: 'b', studentId: '100002', date: TODAY, session: 'day' },
        { kind: 'conflict-resolved', conflictId: 'a', studentId: '100001', date: TODAY, session: 'day' },
      ],
      TODAY,
    );
    // "a" was opened and settled before this device heard of either: it is not news to announce.
    expect(counts).toEqual({ records: 0, opened: 1, resolved: 1 });
    expect(await db.records.count()).toBe(0);
  });

  it("keeps where this device's roll marks stand, and no row for a door scan, which shows in the record", async () => {
    await book.applyOwn(op({ kind: 'check-in', studentId: '100001', seq: 1 }), T0758, SCHOOL);
    await book.applyOwn(op({ kind: 'status', status: 'absent', studentId: '100002', seq: 2 }), T0814, SCHOOL);
    expect((await db.marks.toArray()).map((m) => [m.studentId, m.kind])).toEqual([['100002', 'status']]);
    expect((await book.record('day', '100001', TODAY))?.checkInAt).toBe(T0758);
  });

  it('fills the roll for a homeroom from the roster, the records and its own marks', async () => {
    await book.applyOwn(op({ studentId: '100001' }), T0758, SCHOOL);
    const mark = op({ kind: 'status', status: 'absent', studentId: '100002', seq: 2 });
    await book.applyOwn(mark, T0814, SCHOOL);
    const view = await book.roll('7A', 'day', T0814, SCHOOL);
    expect(view).toMatchObject({ date: TODAY, group: '7A', groups: ['7A', '7B'], source: 'device' });
    expect(view.rows.map((r) => [r.name, r.status, r.mark?.state ?? null])).toEqual([
      ['Ada Lovelace', 'present', null],
      ['Alan Turing', 'absent', 'waiting'],
    ]);
  });
});

describe('the roll from the device', () => {
  it('sorts homerooms by number and shows the door check-in on a period roll', async () => {
    await db.roster.bulkPut([{ studentId: '100004', name: 'Katherine Johnson', homeroom: '10A' }]);
    await book.applyOwn(op({ studentId: '100001' }), T0758, SCHOOL);
    const view = await book.roll('7A', 'P2', T0814, SCHOOL);
    expect(view.groups).toEqual(['7A', '7B', '10A']);
    expect(view.rows.find((r) => r.studentId === '100001')).toMatchObject({ status: null, checkInAt: T0758 });
  });
});

describe('reasons in the device’s copy of today', () => {
  const reasons = { ...SCHOOL, absenceReasons: [{ code: 'illness', label: 'Illness' }] };
  const T1120 = Date.parse('2026-11-24T11:20:00Z');

  it('keeps its own absence’s reason with the school’s words, and drops it when the student turns up', async () => {
    await book.applyOwn(op({ kind: 'status', status: 'absent', reason: 'illness', at: T0814 }), T0814, reasons);
    expect(await book.record('day', '100001', TODAY)).toMatchObject({ status: 'absent', reason: 'illness', reasonText: 'Illness' });
    const roll = await book.roll('7A', 'day', T0814, reasons);
    expect(roll.rows.find((r) => r.studentId === '100001')).toMatchObject({ reason: 'illness', reasonText: 'Illness' });
    await book.applyOwn(op({ kind: 'check-in', at: T0814 + 60_000 }), T0814 + 60_000, reasons);
    expect(await book.record('day', '100001', TODAY)).not.toHaveProperty('reason');
  });

  it('keeps the reasons the change feed brings, and a check-out’s on the roll', async () => {
    await book.applyChanges(
      [
        {
          kind: 'record',
          studentId: '100002',
          date: TODAY,
          session: 'day',
          status: 'present',
          checkInAt: T0758,
          checkOutAt: T1120,
          version: 3,
          checkOutReason: 'appointment',
        },
      ],
      TODAY,
    );
    const roll = await book.roll('7A', 'day', T1120, SCHOOL);
    expect(roll.rows.find((r) => r.studentId === '100002')).toMatchObject({ checkOutAt: T1120, checkOutReason: 'appointment' });
    expect(roll.rows.find((r) => r.studentId === '100002')).not.toHaveProperty('reason');
  });
});
