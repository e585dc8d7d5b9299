import { describe, expect, it } from 'vitest';
import { recordDaysIn } from '../../sw/record-days.ts';

const london = recordDaysIn('Europe/London');
const at = (iso: string): number => Date.parse(iso);

describe('the school days a queued op may be filed under', () => {
  it.each([
    ['a morning check-in', '2026-12-01T07:58:00Z', 0, ['2026-12-01']],
    ['a check-in on a clock 20 minutes slow', '2026-12-01T07:38:00Z', 20 * 60_000, ['2026-12-01']],
    ['half an hour after midnight', '2026-12-01T00:30:00Z', 0, ['2026-11-30', '2026-12-01']],
    ['an hour before midnight', '2026-11-30T23:00:00Z', 0, ['2026-11-30', '2026-12-01']],
    ['a late evening in summer time (UTC+1)', '2026-07-01T21:00:00Z', 0, ['2026-07-01']],
    ['just after midnight in summer time', '2026-07-01T23:10:00Z', 0, ['2026-07-01', '2026-07-02']],
    ['a clock a day behind, corrected', '2026-11-30T08:00:00Z', 86_400_000, ['2026-12-01']],
  ])('files %s under its corrected local date', (_, iso, offset, expected) => {
    expect(london({ at: at(iso), offset })).toEqual(expected);
  });

  it('knows no day for an op made before the clock was measured', () => {
    expect(london({ at: at('2026-12-01T07:58:00Z') })).toBeUndefined();
  });

  it('knows no day before the school time zone is known', () => {
    expect(recordDaysIn(undefined)({ at: at('2026-12-01T07:58:00Z'), offset: 0 })).toBeUndefined();
  });

  it('uses the school zone, not the device zone', () => {
    const auckland = recordDaysIn('Pacific/Auckland');
    expect(auckland({ at: at('2026-12-01T07:58:00Z'), offset: 0 })).toEqual(['2026-12-01']);
    expect(auckland({ at: at('2026-12-01T14:00:00Z'), offset: 0 })).toEqual(['2026-12-02']);
  });
});
