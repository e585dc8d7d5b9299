import { describe, expect, it } from 'vitest';
import { assertSchoolSettingsInput, type SchoolSettingsInput } from '../../src/shared/school-settings.ts';

const GOOD: SchoolSettingsInput = {
  v: 1,
  name: 'Hillside Academy',
  timeZone: 'America/New_York',
  dayStart: '07:30',
  bellTime: '08:15',
  lateGraceMinutes: 5,
  periods: [
    { name: 'P1', startsAt: '08:20', endsAt: '09:10' },
    { name: 'P2', startsAt: '09:10', endsAt: '10:00' },
    { name: 'Lunch club', startsAt: '12:00', endsAt: '12:40' },
  ],
  weekdaysOff: [6, 7],
  closures: [{ firstDay: '2026-12-21', lastDay: '2027-01-01', reason: 'Winter break' }],
};

const refusal = (value: unknown): { code: string; path: unknown } | null => {
  try {
    assertSchoolSettingsInput(value);
    return null;
  } catch (error) {
    const e = error as { code: string; details?: { path?: unknown } };
    return { code: e.code, path: e.details?.path };
  }
};

const periods = (...list: Array<[string, string, string]>) => list.map(([name, startsAt, endsAt]) => ({ name, startsAt, endsAt }));

describe('school settings as an admin submits them', () => {
  it('takes sensible settings, periods back to back included', () => {
    expect(refusal(GOOD)).toBeNull();
    expect(refusal({ ...GOOD, periods: [], closures: [], weekdaysOff: [] })).toBeNull();
  });

  it.each([
    ['a zone that does not exist', { timeZone: 'Mars/Olympus_Mons' }, 'invalid-time-zone', '$.timeZone'],
    ['a bell not written HH:MM', { bellTime: '8:15' }, 'invalid-time', '$.bellTime'],
    ['a bell at 24:00', { bellTime: '24:00' }, 'invalid-time', '$.bellTime'],
    ['a day start with seconds', { dayStart: '07:30:00' }, 'invalid-time', '$.dayStart'],
    ['a period time that is not a time', { periods: periods(['P1', '8am', '09:00']) }, 'invalid-time', '$.periods[0].startsAt'],
    ['a period ending before it starts', { periods: periods(['P1', '09:00', '08:20']) }, 'period-ends-before-start', '$.periods[0].endsAt'],
    ['a period ending as it starts', { periods: periods(['P1', '09:00', '09:00']) }, 'period-ends-before-start', '$.periods[0].endsAt'],
    [
      'overlapping periods',
      { periods: periods(['P1', '08:20', '09:10'], ['P2', '09:00', '10:00']) },
      'periods-overlap',
      '$.periods[1].startsAt',
    ],
    [
      'overlapping periods listed out of order',
      { periods: periods(['P2', '09:00', '10:00'], ['P1', '08:20', '09:10']) },
      'periods-overlap',
      '$.periods[0].startsAt',
    ],
    [
      'one period inside another',
      { periods: periods(['Long', '08:00', '12:00'], ['Short', '09:00', '09:30']) },
      'periods-overlap',
      '$.periods[1].startsAt',
    ],
    [
      'two periods of one name',
      { periods: periods(['P1', '08:20', '09:10'], ['P1', '09:10', '10:00']) },
      'duplicate-period',
      '$.periods[1].name',
    ],
    ['a period named as the whole day', { periods: periods(['day', '08:20', '09:10']) }, 'duplicate-period', '$.periods[0].name'],
    ['a period name with a slash', { periods: periods(['P1/2', '08:20', '09:10']) }, 'invalid-body', '$.periods[0].name'],
    [
      'a closure ending before it starts',
      { closures: [{ firstDay: '2027-01-01', lastDay: '2026-12-21', reason: 'Winter break' }] },
      'closure-ends-before-start',
      '$.closures[0].lastDay',
    ],
    [
      'a closure on no real date',
      { closures: [{ firstDay: '2026-13-01', lastDay: '2026-13-02', reason: '' }] },
      'invalid-body',
      '$.closures[0].firstDay',
    ],
    ['a weekday that does not exist', { weekdaysOff: [0] }, 'invalid-body', '$.weekdaysOff[0]'],
    ['a weekday twice', { weekdaysOff: [6, 6] }, 'invalid-body', '$.weekdaysOff[1]'],
    ['every day off', { weekdaysOff: [1, 2, 3, 4, 5, 6, 7] }, 'invalid-body', '$.weekdaysOff'],
    ['a grace of two hours and more', { lateGraceMinutes: 121 }, 'invalid-body', '$.lateGraceMinutes'],
    ['a blank name', { name: '   ' }, 'invalid-body', '$.name'],
    ['a field it does not know', { colour: 'green' }, 'invalid-body', '$.colour'],
  ])('refuses %s', (_what, change, code, path) => {
    expect(refusal({ ...GOOD, ...change })).toEqual({ code, path });
  });

  it('refuses settings with a field missing', () => {
    const { closures: _closures, ...rest } = GOOD;
    expect(refusal(rest)).toEqual({ code: 'invalid-body', path: '$.closures' });
  });
});
