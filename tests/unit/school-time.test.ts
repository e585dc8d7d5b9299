import { describe, expect, it } from 'vitest';
import { isLate, isValidTimeZone, localMoment, localMoments, parseBellTime } from '../../src/shared/school-time.ts';

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

  it.each([
    // Spring forward and fall back in London and New York, at local midnight, a 30-minute change (Lord Howe),
    // a zone 5:45 from UTC (Kathmandu) and one 13:45 across its own change (Chatham).
    ['Europe/London', '2026-03-29T00:00:00Z'],
    ['Europe/London', '2026-10-25T00:00:00Z'],
    ['America/New_York', '2026-03-08T06:00:00Z'],
    ['America/New_York', '2026-11-01T05:00:00Z'],
    ['America/New_York', '2026-11-25T04:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T14:30:00Z'],
    ['Asia/Kathmandu', '2026-11-24T18:00:00Z'],
    ['Pacific/Chatham', '2026-04-04T13:30:00Z'],
  ])('answers as localMoment for every moment of the hours around %s %s', (zone, around) => {
    const local = localMoments(zone);
    const from = Date.parse(around) - 2 * 3_600_000;
    // A prime step in ms, so moments fall on every second and millisecond of the minute, not only on the quarter.
    for (let t = from; t < from + 4 * 3_600_000; t += 7_919) expect(local(t)).toEqual(localMoment(t, zone));
  });
});
