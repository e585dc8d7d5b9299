import { describe, expect, it } from 'vitest';
import type { Change, KioskConfig, SchoolInfo } from '../../src/shared/protocol.ts';
import { ChangePull } from '../../sw/change-pull.ts';
import { DayBook } from '../../sw/day-book.ts';
import type { KioskCache } from '../../sw/kiosk-cache.ts';
import { workerStores } from '../../sw/worker-stores.ts';
import { useWorkerDb } from '../support/worker-db.ts';

const fixture = useWorkerDb();
const NOW = Date.parse('2026-11-24T09:00:00Z');
const SCHOOL: SchoolInfo = { id: 'school-1', name: 'Riverside', timeZone: 'Europe/London', bellTime: '08:00', settingsVersion: 3 };

/** A device whose kept configuration is `school`, pulling one page that carries `changes`; a refresh fails while `offline`. */
function device(school: SchoolInfo, changes: Change[], offline = false) {
  const stores = workerStores(fixture.db);
  let refreshed = 0;
  let config = { school } as unknown as KioskConfig;
  const kiosk = {
    config: async () => config,
    refresh: async () => {
      if (offline) throw new Error('offline');
      refreshed++;
      config = { school: { ...school, settingsVersion: 4 } } as unknown as KioskConfig;
      return config;
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
    fetchImpl: async () =>
      new Response(JSON.stringify({ v: 1, type: 'changes', cursor: '7', more: false, serverTime: NOW, changes }), {
        headers: { 'content-type': 'application/json' },
      }),
  });
  return { feed, stores, refreshed: () => refreshed };
}

describe('following the school’s settings on the change feed', () => {
  it('reads the configuration again when the settings changed', async () => {
    const { feed, refreshed } = device(SCHOOL, [{ kind: 'settings', version: 4 }]);
    await feed.pull();
    expect(refreshed()).toBe(1);
  });

  it('leaves the configuration alone when it already has that version, or nothing changed', async () => {
    const same = device(SCHOOL, [{ kind: 'settings', version: 3 }]);
    await same.feed.pull();
    expect(same.refreshed()).toBe(0);
    const none = device(SCHOOL, [{ kind: 'roster', version: '1' }]);
    await none.feed.pull();
    expect(none.refreshed()).toBe(0);
  });

  it('reads once a configuration kept from an older server, which carries no version', async () => {
    const { settingsVersion: _version, ...older } = SCHOOL;
    const { feed, refreshed } = device(older, [{ kind: 'settings', version: 4 }]);
    await feed.pull();
    expect(refreshed()).toBe(1);
  });

  it('keeps its cursor when the configuration cannot be read, so the next pull meets the change again', async () => {
    const { feed, stores } = device(SCHOOL, [{ kind: 'settings', version: 4 }], true);
    await expect(feed.pull()).rejects.toThrow('offline');
    expect(await stores.meta.get('change-cursor')).toBeUndefined();
  });
});
