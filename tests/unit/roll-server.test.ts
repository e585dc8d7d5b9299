import { describe, expect, it } from 'vitest';
import type { RollView } from '../../src/shared/office-protocol.ts';
import type { KioskConfig } from '../../src/shared/protocol.ts';
import type { DayRecord } from '../../sw/outbox-db.ts';
import { serveRoll, serveRollCall, type RollServerDelegate } from '../../sw/roll-server.ts';

const SCHOOL = { timeZone: 'Europe/London', bellTime: '08:00', name: 'Demo School' };
const NOW = Date.parse('2026-11-24T09:00:00Z');
const deviceView = {
  v: 1,
  type: 'roll',
  date: '2026-11-24',
  session: 'day',
  group: '7A',
  groups: ['7A'],
  sessions: ['day'],
  rows: [],
  source: 'device',
} as unknown as RollView;

function roll(options: { config?: boolean; roster?: number; loaded: boolean }) {
  const fetched: string[] = [];
  const d: RollServerDelegate = {
    kiosk: {
      config: async () => (options.config === false ? null : ({ school: SCHOOL } as unknown as KioskConfig)),
      rosterSize: async () => options.roster ?? 600,
    },
    book: { roll: async () => deviceView },
    feed: { hasLoaded: async () => options.loaded },
    fetchImpl: async (path) => {
      fetched.push(path);
      return new Response(JSON.stringify({ source: 'server' }), { headers: { 'content-type': 'application/json' } });
    },
    now: () => NOW,
  };
  return { answer: serveRoll(new URL('https://doorline.test/api/roll?group=7A&session=day'), d), fetched };
}

describe("the roll served from the device's copy of today", () => {
  it('answers from the device once today has been loaded', async () => {
    const { answer, fetched } = roll({ loaded: true });
    expect(await (await answer).json()).toMatchObject({ source: 'device' });
    expect(fetched).toEqual([]);
  });

  it('asks the server while today has not been loaded, rather than show an empty day', async () => {
    const { answer, fetched } = roll({ loaded: false });
    expect(await (await answer).json()).toMatchObject({ source: 'server' });
    expect(fetched).toEqual(['/api/roll?group=7A&session=day']);
  });

  it('asks the server before the school settings or the roster are on the device', async () => {
    const noSettings = roll({ config: false, loaded: true });
    await noSettings.answer;
    expect(noSettings.fetched).toHaveLength(1);
    const noRoster = roll({ roster: 0, loaded: true });
    await noRoster.answer;
    expect(noRoster.fetched).toHaveLength(1);
  });
});

describe('the emergency roll call served by the worker', () => {
  const ROSTER = [
    { studentId: '100001', name: 'Ada Lovelace', homeroom: '7A' },
    { studentId: '100002', name: 'Bea Okafor', homeroom: '7A' },
    { studentId: '100003', name: 'Cleo Marsh', homeroom: '8B' },
  ];
  const record = (studentId: string, over: Partial<DayRecord>): DayRecord => ({
    session: 'day',
    studentId,
    date: '2026-11-24',
    status: null,
    checkInAt: null,
    checkOutAt: null,
    version: 1,
    ...over,
  });

  function rollCall(options: { online: boolean; loaded: boolean; status?: number }) {
    const d = {
      kiosk: { config: async () => ({ school: SCHOOL }) as unknown as KioskConfig, rosterSize: async () => ROSTER.length },
      book: { roll: async () => deviceView },
      feed: { hasLoaded: async () => options.loaded },
      stores: {
        roster: { all: async () => ROSTER },
        records: {
          ofDay: async () => [
            record('100001', { status: 'present', checkInAt: NOW - 3_600_000 }),
            record('100002', { status: 'present', checkInAt: NOW - 3_600_000, checkOutAt: NOW - 60_000 }),
            record('100003', { status: 'late' }),
          ],
        },
      } as unknown as Parameters<typeof serveRollCall>[1]['stores'],
      fetchImpl: async () => {
        if (!options.online) throw new TypeError('Failed to fetch');
        return new Response(JSON.stringify({ source: 'server' }), { status: options.status ?? 200 });
      },
      now: () => NOW,
    };
    return serveRollCall(new URL('https://doorline.test/api/roll-call'), d);
  }

  it("asks the server first: its answer holds every device's ticks", async () => {
    expect(await (await rollCall({ online: true, loaded: true })).json()).toEqual({ source: 'server' });
  });

  it("answers offline from the device's copy of today: the roster and who is on site", async () => {
    expect(await (await rollCall({ online: false, loaded: true })).json()).toEqual({
      v: 1,
      type: 'roll-call-day',
      date: '2026-11-24',
      rollCall: null,
      students: ROSTER,
      onSite: ['100001', '100003'],
      source: 'device',
    });
  });

  it('answers from the device when the server fails, and passes on what the server refuses', async () => {
    expect(await (await rollCall({ online: true, loaded: true, status: 502 })).json()).toMatchObject({ source: 'device' });
    expect((await rollCall({ online: true, loaded: true, status: 401 })).status).toBe(401);
  });

  it('fails as the network did when offline and today is not loaded here', async () => {
    expect((await rollCall({ online: false, loaded: false })).type).toBe('error');
  });
});
