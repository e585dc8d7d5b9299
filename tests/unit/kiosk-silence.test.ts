import { describe, expect, it } from 'vitest';
import { isSilentKiosk, SILENT_AFTER_MS, schoolHours } from '../../src/shared/kiosk-silence.ts';
import type { SchoolInfo } from '../../src/shared/protocol.ts';

/** Doors at 07:30, bell at 08:00, the last period ends at 15:10; weekends off and a closure on Friday 27 November. */
const school: SchoolInfo = {
  id: 'school',
  name: 'Riverside',
  timeZone: 'Europe/London',
  bellTime: '08:00',
  dayStart: '07:30',
  periods: [
    { name: 'P1', startsAt: '08:00', endsAt: '09:00' },
    { name: 'P6', startsAt: '14:10', endsAt: '15:10' },
  ],
  weekdaysOff: [6, 7],
  closures: [{ firstDay: '2026-11-27', lastDay: '2026-11-27', reason: 'Staff training' }],
};

/** Wednesday 25 November 2026 in London (UTC+0 in winter). */
const at = (date: string, time: string): number => Date.parse(`${date}T${time}:00Z`);
const MINUTE = 60_000;

describe('a kiosk silent during school hours', () => {
  it.each([
    ['silent 20 minutes at 10:00 on a school day', at('2026-11-25', '09:40'), at('2026-11-25', '10:00'), true],
    ['silent exactly 15 minutes', at('2026-11-25', '09:45'), at('2026-11-25', '10:00'), true],
    ['silent 14 minutes', at('2026-11-25', '09:46'), at('2026-11-25', '10:00'), false],
    ['heard from a minute ago', at('2026-11-25', '09:59'), at('2026-11-25', '10:00'), false],
    ['silent since last evening, 20 minutes after the doors open', at('2026-11-24', '17:00'), at('2026-11-25', '07:50'), true],
    ['silent since last evening, 10 minutes after the doors open', at('2026-11-24', '17:00'), at('2026-11-25', '07:40'), false],
    ['silent since last evening, before the doors open', at('2026-11-24', '17:00'), at('2026-11-25', '07:20'), false],
    ['silent for hours in the evening', at('2026-11-25', '15:00'), at('2026-11-25', '19:00'), false],
    ['silent at the moment the last period ends', at('2026-11-25', '14:00'), at('2026-11-25', '15:10'), false],
    ['silent on a Saturday morning', at('2026-11-27', '15:00'), at('2026-11-28', '10:00'), false],
    ['silent on a Sunday afternoon', at('2026-11-27', '15:00'), at('2026-11-29', '13:00'), false],
    ['silent on a closure day', at('2026-11-26', '15:00'), at('2026-11-27', '10:00'), false],
    ['silent on the Monday after a weekend', at('2026-11-27', '15:00'), at('2026-11-30', '09:00'), true],
  ])('%s: %s', (_what, lastSeenAt, now, flagged) => {
    expect(isSilentKiosk(lastSeenAt, now, school)).toBe(flagged);
  });

  it('judges the hours on the school wall clock, not the server’s', () => {
    const newYork: SchoolInfo = { ...school, timeZone: 'America/New_York' };
    // 10:00 in London is 05:00 in New York: before its doors open.
    expect(isSilentKiosk(at('2026-11-25', '09:00'), at('2026-11-25', '10:00'), newYork)).toBe(false);
    // 15:00 in London is 10:00 in New York: in its school hours.
    expect(isSilentKiosk(at('2026-11-25', '14:00'), at('2026-11-25', '15:00'), newYork)).toBe(true);
  });

  it('takes a day without periods to run from the doors opening to seven hours after the bell', () => {
    const noPeriods: SchoolInfo = { ...school, periods: [] };
    expect(schoolHours(noPeriods)).toEqual({ from: 7.5 * 3600, to: 15 * 3600 });
    expect(isSilentKiosk(at('2026-11-25', '14:00'), at('2026-11-25', '14:40'), noPeriods)).toBe(true);
    expect(isSilentKiosk(at('2026-11-25', '14:00'), at('2026-11-25', '15:20'), noPeriods)).toBe(false);
  });

  it('reads an older server’s school (only a bell) as open from the bell on every day', () => {
    const older: SchoolInfo = { id: 's', name: 'S', timeZone: 'Europe/London', bellTime: '08:30' };
    expect(schoolHours(older)).toEqual({ from: 8.5 * 3600, to: 15.5 * 3600 });
    expect(isSilentKiosk(at('2026-11-28', '09:00'), at('2026-11-28', '09:00') + SILENT_AFTER_MS, older)).toBe(true);
    expect(isSilentKiosk(at('2026-11-28', '09:00'), at('2026-11-28', '09:00') + SILENT_AFTER_MS - MINUTE, older)).toBe(false);
  });
});
