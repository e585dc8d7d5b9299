/**
 * What this device knows about its kiosk and school, and the roster, kept in
 * IndexedDB so the door works with the network off.
 */
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { assertKioskConfig, assertRoster } from '../src/shared/protocol-guards.ts';
import type { KioskConfig } from '../src/shared/protocol.ts';
import type { OutboxDb, RosterEntry } from './outbox-db.ts';

const CONFIG_URL = '/api/kiosk-config';
/** On a dead link a kiosk should not wait long before falling back to what it knows. */
const CONFIG_TIMEOUT_MS = 4000;

export class KioskCache {
  constructor(
    private readonly db: OutboxDb,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async config(): Promise<KioskConfig | null> {
    const entry = await this.db.meta.get('kiosk-config');
    return (entry?.value as KioskConfig | undefined) ?? null;
  }

  async lookup(studentId: string): Promise<RosterEntry | undefined> {
    return this.db.roster.get(studentId);
  }

  async rosterSize(): Promise<number> {
    return this.db.roster.count();
  }

  /** Fetches the kiosk's configuration, and the roster when it has changed. Throws when offline. */
  async refresh(): Promise<KioskConfig> {
    const response = await this.fetchImpl(CONFIG_URL, { cache: 'no-store', signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) });
    if (!response.ok) throw new DoorlineError('server-error', { status: response.status });
    const config: unknown = await response.json();
    assertKioskConfig(config);
    await this.db.meta.put({ key: 'kiosk-config', value: config });
    const known = await this.db.meta.get('roster-version');
    if (known?.value !== config.rosterVersion || (await this.db.roster.count()) === 0) await this.refreshRoster(config);
    return config;
  }

  private async refreshRoster(config: KioskConfig): Promise<void> {
    const response = await this.fetchImpl(`/api/roster?kioskId=${encodeURIComponent(config.kiosk.id)}`, { cache: 'no-store' });
    if (!response.ok) throw new DoorlineError('server-error', { status: response.status });
    const roster: unknown = await response.json();
    assertRoster(roster);
    const entries: RosterEntry[] = roster.studentIds.map((studentId, i) => ({
      studentId,
      name: roster.names[i] ?? '',
      homeroom: roster.homerooms[i] ?? '',
    }));
    await this.db.transaction('rw', this.db.roster, this.db.meta, async () => {
      await this.db.roster.clear();
      await this.db.roster.bulkPut(entries);
      await this.db.meta.put({ key: 'roster-version', value: roster.version });
    });
  }

  /** Answers `GET /api/kiosk-config`: fresh from the server when it answers, otherwise what this device knows. */
  async serveConfig(): Promise<Response> {
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    try {
      return new Response(JSON.stringify(await this.refresh()), { headers });
    } catch {
      const known = await this.config();
      if (known) return new Response(JSON.stringify(known), { headers: { ...headers, 'x-doorline-source': 'device' } });
      const error = new DoorlineError('network-error', {}, 'This kiosk has not reached the server yet; connect it once to load the roster.');
      return new Response(JSON.stringify(errorBody(error)), { status: 503, headers });
    }
  }
}
