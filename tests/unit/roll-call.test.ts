import { describe, expect, it } from 'vitest';
import {
  absorbRollCall,
  applyOwn,
  elapsedText,
  isOnSite,
  matchesSearch,
  rollCallCounts,
  rollCallForTick,
  rollCallReport,
  rollCallRows,
  rollCallToJoin,
  foundNow,
  joinTicks,
  withFound,
  withTick,
  withUndo,
  type RollCallState,
  type RollCallTicks,
} from '../../src/shared/roll-call.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (minutes: number) => T0 + minutes * MIN;

describe('who should be on site', () => {
  it.each([
    ['checked in', { status: 'present', checkInAt: at(-120), checkOutAt: null }, true],
    ['checked in late', { status: 'late', checkInAt: at(-60), checkOutAt: null }, true],
    ['marked present by a teacher, no scan', { status: 'present', checkInAt: null, checkOutAt: null }, true],
    ['marked late by a teacher, no scan', { status: 'late', checkInAt: null, checkOutAt: null }, true],
    ['checked in and out', { status: 'present', checkInAt: at(-120), checkOutAt: at(-30) }, false],
    ['marked absent', { status: 'absent', checkInAt: null, checkOutAt: null }, false],
    ['excused', { status: 'excused', checkInAt: null, checkOutAt: null }, false],
    ['no record', undefined, false],
  ] as const)('%s: %s', (_, record, expected) => {
    expect(isOnSite(record)).toBe(expected);
  });

  const students = [
    { studentId: '3', name: 'Cleo', homeroom: '10A' },
    { studentId: '1', name: 'Bea', homeroom: '7A' },
    { studentId: '2', name: 'Ada', homeroom: '7A' },
    { studentId: '4', name: 'Dev', homeroom: '8B' },
    { studentId: '5', name: 'Eli', homeroom: '9C' },
  ];

  it('lists those on site and anyone found, by homeroom (7A before 10A) then name', () => {
    const rows = rollCallRows(students, new Set(['1', '2', '3']), { '2': at(2), '5': at(3) });
    expect(rows.map((r) => [r.homeroom, r.name, r.foundAt])).toEqual([
      ['7A', 'Ada', at(2)],
      ['7A', 'Bea', null],
      ['9C', 'Eli', at(3)],
      ['10A', 'Cleo', null],
    ]);
    expect(rollCallCounts(rows)).toEqual({ found: 2, missing: 2 });
  });

  it.each([
    ['ada', true],
    ['ADA 7a', true],
    ['Lovelace', true],
    ['100001', true],
    ['ada 8B', false],
    ['zoë', true],
    ['zoe', true],
  ])('a search for "%s" finds Ada Lovelace (100001, 7A) or Zoë: %s', (query, expected) => {
    const ada = { studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' };
    const zoe = { studentId: '100002', name: 'Zoë Quinn', homeroom: '7B' };
    expect(matchesSearch(ada, query) || matchesSearch(zoe, query)).toBe(expected);
  });
});

describe('ticks from several devices', () => {
  it('merge as a union in any order, the earliest tick of each student standing', () => {
    const ticks: Array<[string, number]> = [
      ['a', at(3)],
      ['b', at(1)],
      ['a', at(2)],
      ['c', at(5)],
      ['b', at(4)],
    ];
    const orders = [ticks, [...ticks].reverse(), [ticks[2], ticks[4], ticks[0], ticks[3], ticks[1]]] as Array<Array<[string, number]>>;
    const results = orders.map((order) => order.reduce((found, [id, when]) => withFound(found, id, when), {} as Record<string, number>));
    for (const result of results) expect(result).toEqual({ a: at(2), b: at(1), c: at(5) });
  });
});

describe('a tick undone', () => {
  const none: RollCallTicks = { found: {} };

  it('shows the student missing again, and a tick after the undo finds them again at that time', () => {
    const ticked = withTick(none, 'a', at(1));
    expect(foundNow(ticked)).toEqual({ a: at(1) });
    const undone = withUndo(ticked, 'a', at(2));
    expect(foundNow(undone)).toEqual({});
    const again = withTick(undone, 'a', at(4));
    expect(foundNow(again)).toEqual({ a: at(4) });
    expect(again).toEqual({ found: { a: at(1) }, lastFound: { a: at(4) }, cleared: { a: at(2) } });
  });

  it('leaves a tick made after it standing, and wins over a tick at the same moment', () => {
    expect(foundNow(withUndo(withTick(none, 'a', at(5)), 'a', at(3)))).toEqual({ a: at(5) });
    expect(foundNow(withUndo(withTick(none, 'a', at(5)), 'a', at(5)))).toEqual({});
  });

  it('keeps a roll call nobody undid in the shape it had before undos existed', () => {
    expect(withTick(withTick(none, 'a', at(2)), 'b', at(1))).toEqual({ found: { a: at(2), b: at(1) } });
  });

  /** The latest of a student's ticks and undos stands, an undo winning a tie: what every merge must agree with. */
  function latestStands(ops: ReadonlyArray<{ kind: 'tick' | 'undo'; id: string; at: number }>): string[] {
    const ids = [...new Set(ops.map((op) => op.id))];
    return ids
      .filter((id) => {
        const mine = ops.filter((op) => op.id === id).sort((x, y) => x.at - y.at || (x.kind === 'undo' ? 1 : -1));
        return mine.at(-1)?.kind === 'tick';
      })
      .sort();
  }

  it('merges what three offline devices did the same in any order and when repeated, the latest of each student standing', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const ops = Array.from({ length: 12 }, () => ({
        device: random(3),
        kind: random(3) === 0 ? ('undo' as const) : ('tick' as const),
        id: 'abc'[random(3)] ?? 'a',
        at: at(random(10)),
      }));
      const devices = [0, 1, 2].map((d) =>
        ops
          .filter((op) => op.device === d)
          .reduce<RollCallTicks>((t, op) => (op.kind === 'tick' ? withTick(t, op.id, op.at) : withUndo(t, op.id, op.at)), none),
      );
      const [x, y, z] = devices as [RollCallTicks, RollCallTicks, RollCallTicks];
      const orders = [
        joinTicks(joinTicks(x, y), z),
        joinTicks(joinTicks(z, x), y),
        joinTicks(y, joinTicks(z, x)),
        joinTicks(joinTicks(joinTicks(x, y), z), y),
      ];
      const expected = latestStands(ops);
      for (const merged of orders) {
        expect(foundNow(merged)).toEqual(foundNow(orders[0] as RollCallTicks));
        expect(Object.keys(foundNow(merged)).sort()).toEqual(expected);
      }
      // The time shown is one of the student's ticks, made after their last undo.
      for (const [id, shown] of Object.entries(foundNow(orders[0] as RollCallTicks))) {
        const lastUndo = Math.max(-Infinity, ...ops.filter((op) => op.id === id && op.kind === 'undo').map((op) => op.at));
        expect(ops.some((op) => op.id === id && op.kind === 'tick' && op.at === shown && op.at > lastUndo)).toBe(true);
      }
    }
  });
});

describe('which roll call a start joins', () => {
  const rc = (startedAt: number, endedAt: number | null) => ({ startedAt, endedAt });
  it.each([
    ['none yet: a new one', [], at(0), null],
    ['one running: that one', [rc(at(0), null)], at(3), 0],
    ['one that began 4 min after this start (another tablet, a moment later): that one', [rc(at(4), null)], at(0), 0],
    ['one that began 20 min after this start: a new one', [rc(at(20), null)], at(0), null],
    ['one that ended after this start (the device had not heard): that one', [rc(at(0), at(10))], at(5), 0],
    ['one that ended before this start: a new one', [rc(at(0), at(10))], at(11), null],
    ['the later of two that both ran then', [rc(at(0), at(30)), rc(at(5), null)], at(6), 1],
  ] as const)('%s', (_, calls, when, expected) => {
    const joined = rollCallToJoin(calls, when);
    expect(joined === null ? null : calls.indexOf(joined as never)).toBe(expected);
  });

  it('sends a tick or an end to the roll call started last before it', () => {
    const calls = [rc(at(0), at(10)), rc(at(15), null)];
    expect(rollCallForTick(calls, at(5))).toBe(calls[0]);
    expect(rollCallForTick(calls, at(16))).toBe(calls[1]);
    expect(rollCallForTick([rc(at(1), null)], at(0))).toEqual(rc(at(1), null));
    expect(rollCallForTick([], at(0))).toBeNull();
  });
});

describe("a device's roll call and the server's word on it", () => {
  const server = (over: Partial<Omit<RollCallState, 'id'>> = {}): RollCallState & { id: string } => ({
    date: '2026-11-24',
    startedAt: at(0),
    endedAt: null,
    found: { b: at(1) },
    ...over,
    id: 'rc-1',
  });
  const local = (over: Partial<RollCallState> = {}): RollCallState => ({
    id: null,
    date: '2026-11-24',
    startedAt: at(1),
    endedAt: null,
    found: { a: at(2), b: at(3) },
    ...over,
  });

  it('adopts the id of the roll call the server joined its offline start to, and keeps the union of the ticks', () => {
    expect(absorbRollCall(local(), server())).toEqual({
      id: 'rc-1',
      date: '2026-11-24',
      startedAt: at(0),
      endedAt: null,
      found: { a: at(2), b: at(1) },
      // Bea's later tick is kept too: an undo between the two would leave her found.
      lastFound: { b: at(3) },
    });
  });

  it("keeps an undo made here that the server has not heard yet, and takes the server's undo of a tick made here", () => {
    const mine = absorbRollCall(local({ id: 'rc-1', cleared: { b: at(4) } }), server());
    expect(foundNow(mine)).toEqual({ a: at(2) });
    const theirs = absorbRollCall(local({ id: 'rc-1' }), server({ cleared: { a: at(5) } }));
    expect(foundNow(theirs)).toEqual({ b: at(1) });
  });

  it('keeps an end made here that the server has not heard yet', () => {
    expect(absorbRollCall(local({ id: 'rc-1', endedAt: at(9) }), server()).endedAt).toBe(at(9));
  });

  it('takes a later roll call in place of one that ended earlier, and ignores an older one', () => {
    const ended = local({ id: 'rc-0', startedAt: at(-60), endedAt: at(-50) });
    expect(absorbRollCall(ended, server())).toEqual(server());
    const mine = local({ startedAt: at(30) });
    expect(absorbRollCall(mine, server({ endedAt: at(10) }))).toBe(mine);
  });

  it("takes the server's roll call in place of one of another day", () => {
    expect(absorbRollCall(local({ date: '2026-11-23' }), server())).toEqual(server());
  });

  it('starts, ticks and ends on the device, a start while one runs joining it', () => {
    const date = '2026-11-24';
    const started = applyOwn(null, { kind: 'roll-call-start', studentId: '', at: at(0) }, date);
    expect(started).toEqual({ id: null, date, startedAt: at(0), endedAt: null, found: {} });
    const ticked = applyOwn(started, { kind: 'roll-call-found', studentId: 'a', at: at(1) }, date);
    expect(applyOwn(ticked, { kind: 'roll-call-start', studentId: '', at: at(2) }, date)).toBe(ticked);
    const ended = applyOwn(ticked, { kind: 'roll-call-end', studentId: '', at: at(5) }, date);
    expect(ended).toEqual({ id: null, date, startedAt: at(0), endedAt: at(5), found: { a: at(1) } });
    // After the end a start is a new roll call; a tick with none (or yesterday's) changes nothing.
    expect(applyOwn(ended, { kind: 'roll-call-start', studentId: '', at: at(9) }, date)).toMatchObject({ startedAt: at(9), found: {} });
    expect(applyOwn(null, { kind: 'roll-call-found', studentId: 'a', at: at(1) }, date)).toBeNull();
    expect(applyOwn(ticked, { kind: 'roll-call-found', studentId: 'b', at: at(1) }, '2026-11-25')).toBeNull();
    const undone = applyOwn(ticked, { kind: 'roll-call-undo', studentId: 'a', at: at(3) }, date);
    expect(undone).toMatchObject({ found: { a: at(1) }, cleared: { a: at(3) } });
    expect(foundNow(undone as RollCallState)).toEqual({});
  });
});

describe('the record a roll call ends with', () => {
  it('names who was still missing and how long it ran', () => {
    const rows = [
      { studentId: '1', name: 'Ada', homeroom: '7A', foundAt: at(2) },
      { studentId: '2', name: 'Bea', homeroom: '7A', foundAt: null },
    ];
    expect(rollCallReport(rows, at(0), at(12.5))).toEqual({
      durationMs: 12.5 * MIN,
      expected: 2,
      found: 1,
      missing: [{ studentId: '2', name: 'Bea', homeroom: '7A' }],
    });
  });

  it.each([
    [0, '0 s'],
    [59_999, '59 s'],
    [65_000, '1 min 05 s'],
    [3_725_000, '1 h 02 min'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(elapsedText(ms)).toBe(text);
  });
});
