import { describe, expect, it } from 'vitest';
import type { KioskConfig } from '../../src/shared/protocol.ts';
import { ChangePull } from '../../sw/change-pull.ts';
import { DayBook } from '../../sw/day-book.ts';
import type { KioskCache } from '../../sw/kiosk-cache.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();
const SCHOOL = { timeZone: 'Europe/London', bellTime: '08:00', name: 'Demo School' };
const NOW = Date.parse('2026-11-24T09:00:00Z');
const CONFIG = { school: SCHOOL } as unknown as KioskConfig;

function pull(options: { cached: boolean; pages: boolean[] }) {
  const stores = workerStores(fixture.db);
  let refreshed = 0;
  let page = 0;
  const kiosk = {
    config: async () => (options.cached || refreshed > 0 ? CONFIG : null),
    refresh: async () => {
      refreshed++;
      return CONFIG;
    },
    refreshRoster: async () => undefined,
  } as unknown as KioskCache;
  const feed = new ChangePull({
    meta: stores.meta,
    kiosk,
    book: new DayBook(stores),
    headers: async () => ({}),
    publish: async () => undefined,
    now: () => NOW,
    fetchImpl: async () => {
      const more = options.pages[page++] ?? false;
      return new Response(JSON.stringify({ v: 1, type: 'changes', cursor: String(page), more, serverTime: NOW, changes: [] }), {
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  return { feed, refreshed: () => refreshed };
}

describe('pulling the change feed', () => {
  it("marks today loaded once a pull has run to the feed's end", async () => {
    const { feed } = pull({ cached: true, pages: [true, false] });
    expect(await feed.hasLoaded(NOW, SCHOOL)).toBe(false);
    await feed.pull();
    expect(await feed.hasLoaded(NOW, SCHOOL)).toBe(true);
    expect(await feed.hasLoaded(NOW + 86_400_000, SCHOOL)).toBe(false);
  });

  it("fetches the school's settings rather than skip the first pull of a browser just signed in", async () => {
    const { feed, refreshed } = pull({ cached: false, pages: [false] });
    await feed.pull();
    expect(refreshed()).toBe(1);
    expect(await feed.hasLoaded(NOW, SCHOOL)).toBe(true);
  });
});
