import { describe, expect, it } from 'vitest';
import { assertRetentionInput, keptFrom } from '../../src/shared/retention.ts';

describe('keptFrom', () => {
  it.each([
    ['2026-11-24', 2, '08-01', '2025-08-01', 'this school year and the last'],
    ['2026-08-01', 2, '08-01', '2025-08-01', 'on the first day of a school year, that year counts'],
    ['2026-07-31', 2, '08-01', '2024-08-01', 'the day before, the year that is ending still counts'],
    ['2026-11-24', 1, '08-01', '2026-08-01', 'this school year only'],
    ['2026-03-02', 3, '09-01', '2023-09-01', 'three school years, starting in September'],
    ['2026-01-15', 1, '01-01', '2026-01-01', 'a school year that follows the calendar'],
    ['2025-03-01', 1, '02-29', '2025-02-28', 'a start day the month lacks falls on its last day'],
    ['2024-03-01', 1, '02-29', '2024-02-29', '…and on the day itself in a leap year'],
  ])('on %s keeping %i years from %s: %s (%s)', (today, schoolYears, yearStarts, expected) => {
    expect(keptFrom(today, { schoolYears, yearStarts })).toBe(expected);
  });
});

describe('assertRetentionInput', () => {
  const good = { v: 1, schoolYears: 2, yearStarts: '08-01', refusedDays: 30 };
  it('takes the day school years start and how many are kept', () => {
    expect(() => assertRetentionInput(good)).not.toThrow();
  });
  it.each([
    [{ ...good, schoolYears: 0 }, '$.schoolYears'],
    [{ ...good, schoolYears: 21 }, '$.schoolYears'],
    [{ ...good, yearStarts: '13-01' }, '$.yearStarts'],
    [{ ...good, yearStarts: '02-30' }, '$.yearStarts'],
    [{ ...good, yearStarts: '8-1' }, '$.yearStarts'],
    [{ ...good, schoolYears: 1.5 }, '$.schoolYears'],
    [{ ...good, refusedDays: 6 }, '$.refusedDays'],
    [{ ...good, refusedDays: 366 }, '$.refusedDays'],
    [{ ...good, extra: true }, '$.extra'],
  ])('refuses %j at %s', (input, path) => {
    expect(() => assertRetentionInput(input)).toThrow(
      expect.objectContaining({ code: 'invalid-body', details: expect.objectContaining({ path }) }),
    );
  });
});
