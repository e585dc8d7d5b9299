import { describe, expect, it } from 'vitest';
import { clockTime, dateTimeText, dayText, epochAt, timeInputValue } from '../../src/ui/format-time.ts';

const LONDON = 'Europe/London';

describe('times on the school’s wall clock', () => {
  it.each([
    ['winter, when London is on GMT', Date.UTC(2026, 10, 24, 8, 14), LONDON, '08:14'],
    ['summer, when London is an hour ahead', Date.UTC(2026, 5, 15, 7, 14), LONDON, '08:14'],
    ['New York in winter', Date.UTC(2026, 10, 24, 13, 5), 'America/New_York', '08:05'],
    ['midnight as 00:00, never 24:00', Date.UTC(2026, 10, 24, 0, 0), LONDON, '00:00'],
  ])('shows %s', (_case, at, zone, shown) => {
    expect(clockTime(at, zone)).toBe(shown);
  });

  it('names a school day', () => {
    expect(dayText('2026-11-24')).toBe('Tue 24 Nov');
    expect(dayText('not a date')).toBe('not a date');
  });

  it('says "today" for a time on the same school day, and the date otherwise', () => {
    const now = Date.UTC(2026, 10, 24, 15, 0);
    expect(dateTimeText(Date.UTC(2026, 10, 24, 8, 3), LONDON, now)).toBe('today 08:03');
    expect(dateTimeText(Date.UTC(2026, 10, 23, 8, 3), LONDON, now)).toBe('23 Nov, 08:03');
  });

  it.each([
    ['a winter morning in London', '2026-11-24', '08:20', LONDON, Date.UTC(2026, 10, 24, 8, 20)],
    ['a summer morning in London', '2026-06-15', '08:20', LONDON, Date.UTC(2026, 5, 15, 7, 20)],
    ['the morning the clocks go forward', '2026-03-29', '08:20', LONDON, Date.UTC(2026, 2, 29, 7, 20)],
    ['the morning the clocks go back', '2026-10-25', '08:20', LONDON, Date.UTC(2026, 9, 25, 8, 20)],
    ['a school in New York', '2026-11-24', '08:20', 'America/New_York', Date.UTC(2026, 10, 24, 13, 20)],
    ['a school in Sydney, ahead of UTC across midnight', '2026-11-24', '08:20', 'Australia/Sydney', Date.UTC(2026, 10, 23, 21, 20)],
  ])('turns a typed time into the moment it names: %s', (_case, date, hhmm, zone, at) => {
    expect(epochAt(date, hhmm, zone)).toBe(at);
    expect(clockTime(at, zone)).toBe(hhmm);
  });

  it.each([['8:20'], ['24:00'], [''], ['08:60']])('refuses %j as a time', (typed) => {
    expect(epochAt('2026-11-24', typed, LONDON)).toBeNull();
  });

  it('fills a time input from a moment, or leaves it empty', () => {
    expect(timeInputValue(Date.UTC(2026, 5, 15, 7, 14), LONDON)).toBe('08:14');
    expect(timeInputValue(null, LONDON)).toBe('');
  });
});
