import { describe, expect, it } from 'vitest';
import { laneOf, selectNext, type LanedOp } from '../../sw/lanes.ts';
import type { OpKind } from '../../src/shared/attendance-model.ts';

const op = (seq: number, kind: OpKind, studentId = `s${seq}`, session = 'day'): LanedOp => ({ seq, kind, studentId, session });
const seqs = (ops: LanedOp[]) => ops.map((o) => o.seq);

describe('priority lanes', () => {
  it.each([
    ['status', 'roll'],
    ['check-in', 'door'],
    ['check-out', 'door'],
    ['note', 'notes'],
    ['roll-call-start', 'roll'],
    ['roll-call-found', 'roll'],
    ['roll-call-undo', 'roll'],
    ['roll-call-end', 'roll'],
  ] as const)('puts a %s op in the %s lane', (kind, lane) => {
    expect(laneOf({ kind })).toBe(lane);
  });

  it('sends roll marks before door check-ins before notes, oldest first in each lane', () => {
    const queue = [op(1, 'check-in'), op(2, 'note'), op(3, 'status'), op(4, 'check-in'), op(5, 'status'), op(6, 'note')];
    expect(seqs(selectNext(queue, { max: 10 }))).toEqual([3, 5, 1, 4, 2, 6]);
  });

  it("sends a roll call's ticks first, but never ahead of its start still on its way", () => {
    const queue = [op(1, 'check-in', 'ada'), op(2, 'roll-call-start', ''), op(3, 'roll-call-found', 'bo'), op(4, 'roll-call-found', 'cy')];
    expect(seqs(selectNext(queue, { max: 10 }))).toEqual([2, 3, 4, 1]);
    expect(seqs(selectNext(queue, { max: 10, inFlight: new Set([2]) }))).toEqual([1]);
  });

  it('never sends a check-out before its check-in', () => {
    const queue = [op(1, 'check-in', 'ada'), op(2, 'check-out', 'ada')];
    expect(seqs(selectNext(queue, { max: 10 }))).toEqual([1, 2]);
  });

  it('keeps a roll mark behind the earlier check-in of the same student, yet ahead of the notes', () => {
    const queue = [op(1, 'check-in', 'ada'), op(2, 'note', 'bo'), op(3, 'status', 'ada'), op(4, 'status', 'cy')];
    expect(seqs(selectNext(queue, { max: 10 }))).toEqual([4, 1, 3, 2]);
  });

  it('keeps an edit behind the op it edits even when the lanes would reverse them', () => {
    const queue = [op(1, 'note', 'ada'), op(2, 'status', 'ada')];
    expect(seqs(selectNext(queue, { max: 10 }))).toEqual([1, 2]);
  });

  it('treats different sessions of the same student as separate records', () => {
    const queue = [op(1, 'check-in', 'ada', 'day'), op(2, 'status', 'ada', 'P1')];
    expect(seqs(selectNext(queue, { max: 10 }))).toEqual([2, 1]);
  });

  it('holds back ops whose earlier op is still in flight', () => {
    const queue = [op(1, 'check-in', 'ada'), op(2, 'check-out', 'ada'), op(3, 'check-in', 'bo')];
    expect(seqs(selectNext(queue, { max: 10, inFlight: new Set([1]) }))).toEqual([3]);
  });

  it('stops at the limit, keeping the highest priority', () => {
    const queue = [op(1, 'check-in'), op(2, 'status'), op(3, 'note')];
    expect(seqs(selectNext(queue, { max: 2 }))).toEqual([2, 1]);
  });

  it('lets the notes wait while Save-Data is on', () => {
    const queue = [op(1, 'note'), op(2, 'check-in')];
    expect(seqs(selectNext(queue, { max: 10, holdLanes: new Set(['notes']) }))).toEqual([2]);
  });

  it('holds an op whose earlier op sits in a held lane', () => {
    const queue = [op(1, 'note', 'ada'), op(2, 'status', 'ada'), op(3, 'status', 'bo')];
    expect(seqs(selectNext(queue, { max: 10, holdLanes: new Set(['notes']) }))).toEqual([3]);
  });

  it('lets a later school day of a student go out while the earlier day is still in flight', () => {
    const days = new Map([
      [1, ['2026-11-30']],
      [2, ['2026-12-01']],
      [3, ['2026-12-01']],
    ]);
    const queue = [op(1, 'check-in', 'ada'), op(2, 'check-in', 'ada'), op(3, 'check-out', 'ada')];
    expect(seqs(selectNext(queue, { max: 10, inFlight: new Set([1]), daysOf: (o) => days.get(o.seq) }))).toEqual([2, 3]);
    expect(seqs(selectNext(queue, { max: 10, inFlight: new Set([2]), daysOf: (o) => days.get(o.seq) }))).toEqual([1]);
  });

  it('keeps an op near midnight, counted for both days, behind the earlier op of either', () => {
    const days = new Map([
      [1, ['2026-11-30']],
      [2, ['2026-11-30', '2026-12-01']],
    ]);
    const queue = [op(1, 'check-in', 'ada'), op(2, 'check-out', 'ada')];
    expect(seqs(selectNext(queue, { max: 10, inFlight: new Set([1]), daysOf: (o) => days.get(o.seq) }))).toEqual([]);
  });

  it('keeps an op whose day is not known behind every earlier op of its student and session', () => {
    const days = new Map([[1, ['2026-11-30']]]);
    const queue = [op(1, 'check-in', 'ada'), op(2, 'check-in', 'ada')];
    expect(seqs(selectNext(queue, { max: 10, inFlight: new Set([1]), daysOf: (o) => days.get(o.seq) }))).toEqual([]);
  });

  it('chooses from a long queue in one pass', () => {
    const queue = Array.from({ length: 3000 }, (_, i) => op(i + 1, i % 3 === 0 ? 'status' : 'check-in', `s${i % 500}`));
    const chosen = selectNext(queue, { max: 3000 });
    expect(chosen).toHaveLength(3000);
    const position = new Map(chosen.map((o, i) => [o.seq, i]));
    for (const o of queue) {
      for (const other of queue) {
        if (other.studentId === o.studentId && other.seq < o.seq && other.seq > o.seq - 20)
          expect(position.get(other.seq)).toBeLessThan(position.get(o.seq) as number);
      }
    }
  });
});
