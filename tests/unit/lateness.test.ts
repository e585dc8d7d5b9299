import { describe, expect, it } from 'vitest';
import { isLate, isLateFor, lateAfter, latenessOf, type LatenessRule } from '../../src/shared/school-time.ts';
import { FIXED_SESSIONS, sessionsOf } from '../../src/shared/sessions.ts';

const RIVERSIDE: LatenessRule = {
  timeZone: 'Europe/London',
  bellTime: '08:00',
  lateGraceMinutes: 5,
  periods: [
    { name: 'P1', startsAt: '08:10', endsAt: '09:00' },
    { name: 'Maths', startsAt: '09:05', endsAt: '09:55' },
  ],
};

describe('lateness with a grace period', () => {
  it.each([
    // Winter: London is UTC.
    ['day', '2026-11-25T08:00:00Z', false],
    ['day', '2026-11-25T08:04:59Z', false],
    ['day', '2026-11-25T08:05:00Z', false],
    ['day', '2026-11-25T08:05:01Z', true],
    ['P1', '2026-11-25T08:15:00Z', false],
    ['P1', '2026-11-25T08:15:01Z', true],
    ['Maths', '2026-11-25T09:09:00Z', false],
    ['Maths', '2026-11-25T09:11:00Z', true],
    // Summer: London is UTC+1, so 07:05 UTC is 08:05 on the wall.
    ['day', '2026-06-10T07:05:00Z', false],
    ['day', '2026-06-10T07:06:00Z', true],
    // A session the timetable does not name goes by the bell.
    ['Old period', '2026-11-25T08:06:00Z', true],
  ])('in %s, arriving at %s is late: %s', (session, iso, late) => {
    expect(isLateFor(Date.parse(iso), RIVERSIDE, session)).toBe(late);
    expect(latenessOf(RIVERSIDE, session)(Date.parse(iso))).toBe(late ? 'late' : 'present');
  });

  it('keeps the old rule for a configuration from before set-up: late after the bell, no grace', () => {
    const old: LatenessRule = { timeZone: 'Europe/London', bellTime: '08:00' };
    expect(lateAfter(old)).toBe(8 * 3600);
    expect(lateAfter(old, 'P3')).toBe(8 * 3600);
    expect(isLateFor(Date.parse('2026-11-25T08:00:01Z'), old)).toBe(true);
    expect(isLate(Date.parse('2026-11-25T08:00:01Z'), 'Europe/London', '08:00')).toBe(true);
    expect(isLate(Date.parse('2026-11-25T08:00:01Z'), 'Europe/London', '08:00', 1)).toBe(false);
  });

  it('judges a period from its own start plus the grace', () => {
    expect(lateAfter(RIVERSIDE, 'Maths')).toBe(9 * 3600 + 10 * 60);
  });
});

describe('the sessions a school keeps', () => {
  it('are the whole day and its periods, in timetable order', () => {
    expect(sessionsOf([{ name: 'Maths' }, { name: 'Art' }])).toEqual(['day', 'Maths', 'Art']);
    expect(sessionsOf([])).toEqual(['day']);
  });

  it('are the fixed P1–P6 when a configuration names no periods (an older server)', () => {
    expect(sessionsOf(undefined)).toEqual(['day', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
    expect(sessionsOf(undefined)).toEqual([...FIXED_SESSIONS]);
  });
});
