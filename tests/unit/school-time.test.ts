import { describe, expect, it } from 'vitest';
import { isLate, isValidTimeZone, localMoment, parseBellTime } from '../../src/shared/school-time.ts';

describe('school time', () => {
  it.each([
    // 07:58 in London in winter is 07:58 UTC.
    ['2026-11-25T07:58:00Z', 'Europe/London', '2026-11-25', '07:58'],
    // In summer London is UTC+1.
    ['2026-06-10T06:58:00Z', 'Europe/London', '2026-06-10', '07:58'],
    // A check-in that is still the previous day in New York.
    ['2026-11-25T03:00:00Z', 'America/New_York', '2026-11-24', '22:00'],
    ['2026-11-24T21:30:00Z', 'Pacific/Auckland', '2026-11-25', '10:30'],
  ])('reads %s in %s as %s %s', (iso, zone, date, time) => {
    expect(localMoment(Date.parse(iso), zone)).toMatchObject({ date, time });
  });

  it.each([
    ['2026-11-25T07:59:59Z', false],
    ['2026-11-25T08:00:00Z', false],
    ['2026-11-25T08:00:01Z', true],
    ['2026-11-25T08:14:00Z', true],
  ])('judges a check-in at %s against an 08:00 bell as late: %s', (iso, late) => {
    expect(isLate(Date.parse(iso), 'Europe/London', '08:00')).toBe(late);
  });

  it('judges lateness in the school zone, not UTC', () => {
    // 13:30 UTC is 08:30 in New York in November: late for an 08:00 bell.
    expect(isLate(Date.parse('2026-11-25T13:30:00Z'), 'America/New_York', '08:00')).toBe(true);
    expect(isLate(Date.parse('2026-11-25T12:59:00Z'), 'America/New_York', '08:00')).toBe(false);
  });

  it('refuses a bell time that is not HH:MM', () => {
    expect(parseBellTime('08:45')).toBe(8 * 3600 + 45 * 60);
    for (const bad of ['8:45', '24:00', '08:60', 'soon'])
      expect(() => parseBellTime(bad)).toThrow(expect.objectContaining({ code: 'invalid-config' }));
  });

  it('tells a real time zone from a made-up one', () => {
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
