/** The ingest's school date for many moments agrees with localMoment's at every moment, midnights and clock changes included. */
import { describe, expect, it } from 'vitest';
import { localDates } from '../../src/server/ingest.ts';
import { localMoment } from '../../src/shared/school-time.ts';

describe('localDates', () => {
  const zones = ['Europe/London', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Africa/Monrovia', 'UTC'];
  const around = [
    '2026-03-29T00:59:00Z', // London's clocks go forward
    '2026-10-25T00:59:00Z', // and back
    '2026-11-25T23:59:00Z',
    '2026-11-25T18:14:00Z', // Kathmandu's midnight (+05:45)
    '2026-11-26T03:29:00Z', // St John's (-03:30)
    '1971-06-01T00:44:00Z', // Monrovia's midnight, on a clock 44 min 30 s behind
  ].map(Date.parse);

  it.each(zones)('in %s', (zone) => {
    const dateOf = localDates(zone);
    for (const start of around)
      for (let ms = start - 90_000; ms <= start + 90_000; ms += 7_001) expect([ms, dateOf(ms)]).toEqual([ms, localMoment(ms, zone).date]);
  });
});
