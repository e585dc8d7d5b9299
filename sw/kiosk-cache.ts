/**
 * What this device knows about its kiosk and school, and the roster, kept in
 * IndexedDB so the door works with the network off.
 */
import { DoorlineError, errorBody, type ErrorCode } from '../src/shared/error-codes.ts';
import { assertKioskConfig, assertRoster, errorCodeOf } from '../src/shared/protocol-guards.ts';
import type { KioskConfig } from '../src/shared/protocol.ts';
import type { DeviceCredentials } from './device-credentials.ts';
import type { RosterEntry } from './outbox-db.ts';
import type { WorkerStores } from './worker-stores.ts';

const CONFIG_URL = '/api/kiosk-config';
/** On a dead link a kiosk should not wait long before falling back to what it knows. */
const CONFIG_TIMEOUT_MS = 4000;

export class KioskCache {
  /** The refresh on its way, if any: the worker's start-up, its first pull and the page all ask at once on a new device. */
  private inflight: Promise<KioskConfig> | null = null;

  constructor(
    private readonly stores: Pick<WorkerStores, 'db' | 'meta' | 'roster' | 'records'>,
    private readonly credentials: Pick<DeviceCredentials, 'headers'>,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async config(): Promise<KioskConfig | null> {
    return ((await this.stores.meta.get('kiosk-config')) as KioskConfig | undefined) ?? null;
  }

  async lookup(studentId: string): Promise<RosterEntry | undefined> {
    return this.stores.roster.lookup(studentId);
  }

  async rosterSize(): Promise<number> {
    return this.stores.roster.size();
  }

  /**
   * Fetches the device's configuration, and the roster when it has changed.
   * Throws `network-error` when offline, and the server's own code (not
   * paired, revoked, signed out) when it refuses. Callers that ask while a
   * refresh is on its way share it: on a 64 kbit/s link each request costs
   * its headers and a round trip.
   */
  refresh(): Promise<KioskConfig> {
    this.inflight ??= this.fetchConfig().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchConfig(): Promise<KioskConfig> {
    let response: Response;
    try {
      response = await this.fetchImpl(CONFIG_URL, {
        cache: 'no-store',
        headers: await this.credentials.headers(),
        signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new DoorlineError('network-error', { cause: String(cause) });
    }
    if (!response.ok) {
      const code = response.status < 500 ? errorCodeOf(await response.json().catch(() => null)) : undefined;
      throw code ? new DoorlineError(code as ErrorCode) : new DoorlineError('server-error', { status: response.status });
    }
    const config: unknown = await response.json();
    assertKioskConfig(config);
    await this.remember(config);
    return config;
  }

  /**
   * Keeps a configuration (from a refresh or from pairing) and brings the
   * roster up to date with it. A configuration of another school (an admin
   * switched schools on this browser) makes the day this device holds
   * another school's: it is forgotten, and the roll comes from the server
   * until the new school's day has been pulled.
   */
  async remember(config: KioskConfig): Promise<void> {
    const before = await this.config();
    const otherSchool = before !== null && before.school.id !== config.school.id;
    const { db, meta, records } = this.stores;
    await db.transaction('rw', meta.table, records.table, async () => {
      await meta.set('kiosk-config', config);
      if (!otherSchool) return;
      await meta.set('change-cursor', '');
      await meta.set('loaded-day', '');
      await records.clear();
    });
    const known = await meta.get('roster-version');
    if (otherSchool || known !== config.rosterVersion || (await this.stores.roster.size()) === 0) await this.refreshRoster();
  }

  async refreshRoster(): Promise<void> {
    const response = await this.fetchImpl('/api/roster', { cache: 'no-store', headers: await this.credentials.headers() });
    if (!response.ok) throw new DoorlineError('server-error', { status: response.status });
    const roster: unknown = await response.json();
    assertRoster(roster);
    const entries: RosterEntry[] = roster.studentIds.map((studentId, i) => ({
      studentId,
      name: roster.names[i] ?? '',
      homeroom: roster.homerooms[i] ?? '',
    }));
    const { db, roster: stored, meta } = this.stores;
    await db.transaction('rw', stored.table, meta.table, async () => {
      await stored.replace(entries);
      await meta.set('roster-version', roster.version);
    });
  }

  /** Answers `GET /api/kiosk-config`: fresh from the server when it answers, otherwise what this device knows. */
  async serveConfig(): Promise<Response> {
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    try {
      return new Response(JSON.stringify(await this.refresh()), { headers });
    } catch (error) {
      // A refusal (not paired, revoked, signed out) is the page's to show; only a dead link falls back.
      if (error instanceof DoorlineError && error.status >= 400) {
        return new Response(JSON.stringify(errorBody(error)), { status: error.status, headers });
      }
      const known = await this.config();
      if (known) return new Response(JSON.stringify(known), { headers: { ...headers, 'x-doorline-source': 'device' } });
      const offline = new DoorlineError(
        'network-error',
        {},
        'This kiosk has not reached the server yet; connect it once to load the roster.',
      );
      return new Response(JSON.stringify(errorBody(offline)), { status: 503, headers });
    }
  }
}
