import { describe, expect, it } from 'vitest';
import { readLiveEvent } from '../../src/shared/live-events.ts';
import { assertChangePage } from '../../src/shared/office-guards.ts';
import { assertKioskConfig } from '../../src/shared/protocol-guards.ts';

const config = (school: Record<string, unknown>) => ({
  v: 1,
  type: 'kiosk-config',
  school: { id: 's', name: 'Lakeside', timeZone: 'Europe/Dublin', bellTime: '08:40', ...school },
  kiosk: null,
  rosterVersion: '1',
  syncLimits: { maxBodyBytes: 1024 * 1024, maxOps: 2000 },
});

describe("a school's settings as a device reads them", () => {
  it('takes a configuration from an older server, with none of the set-up fields', () => {
    expect(() => assertKioskConfig(config({}))).not.toThrow();
  });

  it('takes the set-up fields, and fields it does not know yet', () => {
    const full = config({
      dayStart: '08:00',
      lateGraceMinutes: 10,
      periods: [{ name: 'Literacy', startsAt: '08:50', endsAt: '10:00', room: 'Hall' }],
      weekdaysOff: [6, 7],
      closures: [{ firstDay: '2026-12-21', lastDay: '2027-01-05', reason: 'Christmas' }],
      settingsVersion: 4,
      colour: 'green',
    });
    expect(() => assertKioskConfig(full)).not.toThrow();
  });

  it.each([
    ['a grace that is not a number of minutes', { lateGraceMinutes: '10' }, '$.school.lateGraceMinutes'],
    ['a period with no start', { periods: [{ name: 'Literacy', endsAt: '10:00' }] }, '$.school.periods[0].startsAt'],
    ['a period starting at no time', { periods: [{ name: 'Literacy', startsAt: '9', endsAt: '10:00' }] }, '$.school.periods[0].startsAt'],
    ['a weekday that does not exist', { weekdaysOff: [8] }, '$.school.weekdaysOff[0]'],
    ['a closure with no last day', { closures: [{ firstDay: '2026-12-21' }] }, '$.school.closures[0].lastDay'],
  ])('refuses %s, since the device would act on it', (_what, school, path) => {
    expect(() => assertKioskConfig(config(school))).toThrow(
      expect.objectContaining({ code: 'bad-response', details: expect.objectContaining({ path }) }),
    );
  });

  it('keeps a settings change on a page of the change feed, and passes over kinds it does not know', () => {
    const page = {
      v: 1,
      type: 'changes',
      cursor: '9',
      more: false,
      serverTime: 1_795_000_000_000,
      changes: [
        { kind: 'settings', version: 2 },
        { kind: 'timetable-note', text: 'newer' },
      ],
    };
    assertChangePage(page);
    expect(page.changes).toEqual([{ kind: 'settings', version: 2 }]);
    expect(() => assertChangePage({ ...page, changes: [{ kind: 'settings', version: 'two' }] })).toThrow(
      expect.objectContaining({ code: 'bad-response' }),
    );
  });

  it('hears a settings change on the live events', () => {
    expect(readLiveEvent({ v: 1, kind: 'settings-changed', seq: 3 })).toEqual({ v: 1, kind: 'settings-changed', seq: 3 });
    expect(readLiveEvent({ v: 1, kind: 'settings-changed' })).toBeNull();
  });
});
