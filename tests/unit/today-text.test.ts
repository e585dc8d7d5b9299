import { describe, expect, it } from 'vitest';
import type { TodayStudent } from '../../src/shared/today-protocol.ts';
import {
  freshnessText,
  historyWhatText,
  leftMarkText,
  matchesSearch,
  minutesText,
  missingCountText,
  sortStudents,
  type Freshness,
} from '../../src/ui/today-text.ts';

const student = (studentId: string, name: string, homeroom: string, checkInAt: number | null = null): TodayStudent => ({
  studentId,
  name,
  homeroom,
  status: null,
  checkInAt,
  checkOutAt: null,
  version: 0,
});
const ADA = student('100001', 'Ada Lovelace', '7A', 300);
const ALAN = student('100002', 'Alan Turing', '10B', 100);
const GRACE = student('200001', 'Grace Hopper', '7A', 200);

describe('the words of today, at a glance', () => {
  it('flags a student who checked out without checking in first', () => {
    expect(leftMarkText({ status: 'late', checkInAt: 1 })).toBe('Late');
    expect(leftMarkText({ status: 'present', checkInAt: null })).toBe('Present — checked out, never checked in');
    expect(leftMarkText({ status: null, checkInAt: null })).toBe('Checked out, never checked in');
  });

  it('says how the missing list squares with "Not yet accounted for" when some were marked absent', () => {
    const none = { status: null };
    const absent = { status: 'absent' as const };
    expect(missingCountText([])).toBe('0 missing');
    expect(missingCountText([none, none])).toBe('2 missing');
    expect(missingCountText([...Array<typeof none>(587).fill(none), absent, absent])).toBe(
      '589 missing: 587 not yet accounted for, 2 marked absent',
    );
  });

  it.each<[Freshness, string]>([
    [{ kind: 'loading' }, 'Counting today…'],
    [{ kind: 'live', time: '08:14' }, 'Live — updated 08:14'],
    [{ kind: 'polling', time: '08:14' }, 'Updated 08:14'],
    [{ kind: 'offline', time: '08:14' }, 'Offline — showing the day as it was at 08:14'],
    [{ kind: 'offline', time: null }, 'Offline: today’s figures show once this computer reaches the server.'],
  ])('says %j as %s', (freshness, text) => {
    expect(freshnessText(freshness)).toBe(text);
  });

  it.each([
    [1, '1 minute'],
    [45, '45 minutes'],
    [60, '1 h 00 min'],
    [135, '2 h 15 min'],
  ])('writes %i minutes late as %s', (minutes, text) => {
    expect(minutesText(minutes)).toBe(text);
  });

  it.each([
    ['', [ADA, ALAN, GRACE]],
    ['1000', [ADA, ALAN]],
    ['0001', []],
    ['lOVe', [ADA]],
    ['7a', [ADA, GRACE]],
    ['7', []],
    ['  turing ', [ALAN]],
  ])('finds %j among the students', (query, found) => {
    expect([ADA, ALAN, GRACE].filter((s) => matchesSearch(s, query))).toEqual(found);
  });

  it('sorts by homeroom in number order, by name, or by time in', () => {
    expect(sortStudents([ALAN, GRACE, ADA], 'homeroom').map((s) => s.studentId)).toEqual(['100001', '200001', '100002']);
    expect(sortStudents([GRACE, ALAN, ADA], 'name').map((s) => s.name)).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    expect(sortStudents([ADA, GRACE, ALAN, student('3', 'No Scan', '7A')], 'time').map((s) => s.studentId)).toEqual([
      '100002',
      '200001',
      '100001',
      '3',
    ]);
  });
});

describe("a student's day", () => {
  const entry = {
    date: '2026-11-24',
    session: 'day',
    at: Date.UTC(2026, 10, 24, 11, 20),
    action: 'mark',
    by: 'Main entrance',
    kiosk: 'Main entrance',
    status: 'present',
    checkInAt: Date.UTC(2026, 10, 24, 7, 55),
    checkOutAt: Date.UTC(2026, 10, 24, 11, 20),
    note: null,
  } as const;

  it.each([
    ['a check-out with no reason', entry, 'Present, in at 07:55, out at 11:20'],
    [
      'a check-out with its reason',
      { ...entry, checkOutReason: 'collected' },
      'Present, in at 07:55, out at 11:20 (Collected by a parent)',
    ],
    [
      'a reason a newer server added, as its code',
      { ...entry, checkOutReason: 'school-trip' },
      'Present, in at 07:55, out at 11:20 (school-trip)',
    ],
    ['a conflict', { ...entry, checkOutAt: null, action: 'conflict' }, 'Present, in at 07:55 (a conflict opened)'],
    ['nothing marked', { ...entry, status: null, checkInAt: null, checkOutAt: null }, 'No mark'],
  ] as const)('tells %s', (_, e, text) => {
    expect(historyWhatText(e, 'Europe/London')).toBe(text);
  });
});
