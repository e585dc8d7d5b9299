import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD, type RecordChange, type RecordState } from '../../src/shared/attendance-model.ts';
import { applyChange, asKept, changeOf } from '../../src/shared/attendance-rules.ts';
import { afterBell, lateness, rec, T1500, T1530 } from '../support/school-day.ts';

const T0758 = afterBell(-2);
const T0814 = afterBell(14);
const checkIn = (at: number): RecordChange => ({ kind: 'check-in', at });
const checkOut = (at: number): RecordChange => ({ kind: 'check-out', at });

describe('what one op does to a record', () => {
  it.each<[string, RecordState, RecordChange, Partial<RecordState>]>([
    ['a check-in on nothing before the bell: present', EMPTY_RECORD, checkIn(T0758), { status: 'present', checkInAt: T0758 }],
    ['a check-in on nothing after the bell: late', EMPTY_RECORD, checkIn(T0814), { status: 'late', checkInAt: T0814 }],
    ['a check-in turns an absent into present', rec({ status: 'absent' }), checkIn(T0758), { status: 'present', checkInAt: T0758 }],
    ['a check-in leaves an excuse standing', rec({ status: 'excused' }), checkIn(T0814), { status: 'excused', checkInAt: T0814 }],
    [
      'a later check-in keeps the earliest, and its present',
      rec({ status: 'present', checkInAt: T0758 }),
      checkIn(T0814),
      { status: 'present', checkInAt: T0758 },
    ],
    [
      'an earlier check-in wins and turns late into present',
      rec({ status: 'late', checkInAt: T0814 }),
      checkIn(T0758),
      { status: 'present', checkInAt: T0758 },
    ],
    [
      'a check-out keeps the status',
      rec({ status: 'late', checkInAt: T0814 }),
      checkOut(T1500),
      { status: 'late', checkInAt: T0814, checkOutAt: T1500 },
    ],
    ['a check-out keeps an absent', rec({ status: 'absent' }), checkOut(T1500), { status: 'absent', checkOutAt: T1500 }],
    ['a later check-out wins', rec({ checkOutAt: T1500 }), checkOut(T1530), { checkOutAt: T1530 }],
    ['an earlier check-out loses to the latest', rec({ checkOutAt: T1530 }), checkOut(T1500), { checkOutAt: T1530 }],
    ['a check-out on nothing leaves the status unset', EMPTY_RECORD, checkOut(T1500), { status: null, checkOutAt: T1500 }],
    [
      'a status sets the status and keeps the times',
      rec({ status: 'present', checkInAt: T0758 }),
      { kind: 'status', status: 'absent' },
      { status: 'absent', checkInAt: T0758 },
    ],
  ])('%s', (_name, before, change, expected) => {
    expect(applyChange(before, change, lateness)).toMatchObject(expected);
  });

  it('adds a note once and leaves the record it was given alone', () => {
    const note = { id: 'n1', text: 'Left at noon', by: 'Grace Hopper' };
    const once = applyChange(EMPTY_RECORD, { kind: 'note', note }, lateness);
    expect(applyChange(once, { kind: 'note', note }, lateness).notes).toEqual([note]);
    expect(EMPTY_RECORD.notes).toEqual([]);
  });
});

describe('a record as it is kept', () => {
  it.each<[string, RecordState, RecordState['status']]>([
    ['a check-out with no status is present: the student was in the building', rec({ checkOutAt: T1500 }), 'present'],
    ['a check-out keeps a status someone set', rec({ status: 'absent', checkOutAt: T1500 }), 'absent'],
    ['no check-out and no status stays unset', EMPTY_RECORD, null],
  ])('%s', (_name, record, status) => {
    expect(asKept(record).status).toBe(status);
  });
});

describe('the change an op makes', () => {
  it.each<[string, Parameters<typeof changeOf>[0], RecordChange]>([
    ['a check-in at its corrected time', { kind: 'check-in' }, checkIn(T0758)],
    ['a check-out at its corrected time', { kind: 'check-out' }, checkOut(T0758)],
    ['a mark with its status', { kind: 'status', status: 'excused' }, { kind: 'status', status: 'excused' }],
    [
      'a note named and signed',
      { kind: 'note', text: 'Dentist at 2' },
      { kind: 'note', note: { id: 'op-1', text: 'Dentist at 2', by: 'Ada' } },
    ],
  ])('%s', (_name, op, expected) => {
    expect(changeOf(op, T0758, { id: 'op-1', by: 'Ada' })).toEqual(expected);
  });
});
