import { describe, expect, it } from 'vitest';
import { isoWeekday, isSchoolDay, type SchoolCalendar } from '../../src/shared/school-days.ts';

const WEEKENDS_OFF: SchoolCalendar = {
  weekdaysOff: [6, 7],
  closures: [
    { firstDay: '2026-12-21', lastDay: '2027-01-01' },
    { firstDay: '2026-11-27', lastDay: '2026-11-27' },
  ],
};

describe('school days', () => {
  it.each([
    ['2026-11-23', 1],
    ['2026-11-28', 6],
    ['2026-11-29', 7],
    ['2024-02-29', 4],
    ['2027-01-01', 5],
  ])('reads %s as ISO weekday %i', (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });

  it.each([
    ['a Monday', '2026-11-23', WEEKENDS_OFF, true],
    ['a Saturday with weekends off', '2026-11-28', WEEKENDS_OFF, false],
    ['a Sunday with weekends off', '2026-11-29', WEEKENDS_OFF, false],
    ['a one-day closure', '2026-11-27', WEEKENDS_OFF, false],
    ['the day after a one-day closure', '2026-11-30', WEEKENDS_OFF, true],
    ['the first day of a closure', '2026-12-21', WEEKENDS_OFF, false],
    ['inside a closure across the new year', '2026-12-31', WEEKENDS_OFF, false],
    ['the last day of a closure', '2027-01-01', WEEKENDS_OFF, false],
    ['the day before a closure', '2026-12-18', WEEKENDS_OFF, true],
    ['the first weekday after a closure', '2027-01-04', WEEKENDS_OFF, true],
    ['a Saturday at a school open on Saturdays', '2026-11-28', { weekdaysOff: [7] }, true],
    ['a Friday at a school closed on Fridays', '2026-11-27', { weekdaysOff: [5, 6] }, false],
    ['any day when nothing is known of the calendar', '2026-11-29', {}, true],
  ] as const)('%s (%s) is a school day: %s', (_what, date, calendar, expected) => {
    expect(isSchoolDay(date, calendar)).toBe(expected);
  });

  it('refuses what is not a date rather than guessing', () => {
    expect(() => isoWeekday('27/11/2026')).toThrow(RangeError);
  });
});
