/**
 * Pulls the change feed (`GET /api/changes?cursor=`) into the day book:
 * after every push, at worker start-up and whenever a page nudges. One pull
 * at a time; pages are told once per pull how much came down, so the office
 * hears "3 new conflicts" once, not three times. Each pull also measures the
 * device's clock against the server's (half the round trip), which corrects
 * the time of every op made afterwards.
 */
import { DoorlineError } from '../src/shared/error-codes.ts';
import { assertChangePage } from '../src/shared/office-guards.ts';
import { PROTOCOL_VERSION, type Change, type ChangePage } from '../src/shared/protocol.ts';
import { DEVICE_ID_HEADER } from '../src/shared/sync-headers.ts';
import type { ChangesPulled } from '../src/shared/worker-messages.ts';
import { DayBook, type SchoolClock } from './day-book.ts';
import { singleFlight } from './drain.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { DeviceMeta } from './device-meta.ts';

/** A pull with nothing to push first happens at most this often. */
const MIN_PULL_INTERVAL_MS = 5_000;
/** Triggers closer than this to the last catch-up (a link coming back fires several) share it. */
const JUST_NOW_MS = 2_000;
const PULL_TIMEOUT_MS = 15_000;

export interface ChangePullDelegate {
  meta: DeviceMeta;
  kiosk: KioskCache;
  book: DayBook;
  /** The device token (for a kiosk) and the device's report of itself, as on every request. */
  headers: () => Promise<Record<string, string>>;
  publish: (message: ChangesPulled) => Promise<void>;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export class ChangePull {
  private lastPullAt = 0;
  readonly pull: () => Promise<void>;

  constructor(private readonly d: ChangePullDelegate) {
    this.pull = singleFlight(() => this.pass());
  }

  /**
   * Pulls unless one ran moments ago (`force`: unless one ran just now, as
   * when several triggers arrive together after a push brought the changes).
   */
  async maybePull(force: boolean): Promise<void> {
    const now = (this.d.now ?? Date.now)();
    if (now - this.lastPullAt < (force ? JUST_NOW_MS : MIN_PULL_INTERVAL_MS)) return;
    await this.pull().catch(() => undefined);
  }

  /**
   * Takes a page of changes that came back with a push (the push sent the
   * cursor). Pages can arrive out of order when requests overlap; records
   * keep the newest version and the cursor only moves forward.
   */
  async absorb(page: ChangePage): Promise<void> {
    assertChangePage(page);
    const config = await this.d.kiosk.config();
    if (!config) return;
    this.lastPullAt = (this.d.now ?? Date.now)();
    const applied = await this.d.book.applyChanges(page.changes, DayBook.today(page.serverTime, config.school));
    await this.followSettings(page.changes);
    await this.advance(page.cursor);
    await this.tell(applied);
  }

  /**
   * Whether this device's copy of the school day at `now` is loaded: a pull
   * of the change feed ran to its end that day. Before that the device knows
   * only its own marks of the day, and an empty record means "not loaded",
   * not "not marked".
   */
  async hasLoaded(now: number, school: SchoolClock): Promise<boolean> {
    return (await this.d.meta.get('loaded-day')) === DayBook.today(now, school);
  }

  /** The cursor to send with the next push, if this device has one. */
  async cursor(): Promise<string | null> {
    const cursor = await this.d.meta.get('change-cursor');
    return typeof cursor === 'string' && cursor !== '' ? cursor : null;
  }

  /**
   * New school settings (periods, grace, days off) on the feed: the
   * configuration is read again, as the roster is on a roster change. A
   * configuration kept from an older server carries no version: it is read
   * again the first time.
   */
  private async followSettings(changes: readonly Change[]): Promise<void> {
    const settings = [...changes].reverse().find((c) => c.kind === 'settings');
    if (settings?.kind !== 'settings') return;
    const known = (await this.d.kiosk.config())?.school.settingsVersion;
    if (known === undefined || settings.version !== known) await this.d.kiosk.refresh();
  }

  private async advance(cursor: string): Promise<void> {
    const known = await this.cursor();
    if (known === null || Number(cursor) > Number(known)) await this.d.meta.set('change-cursor', cursor);
  }

  private async tell(totals: { records: number; opened: number; resolved: number }): Promise<void> {
    if (totals.records + totals.opened + totals.resolved === 0) return;
    await this.d.publish({
      v: PROTOCOL_VERSION,
      type: 'changes-pulled',
      records: totals.records,
      conflictsOpened: totals.opened,
      conflictsResolved: totals.resolved,
    });
  }

  private async pass(): Promise<void> {
    const now = this.d.now ?? Date.now;
    // A browser just signed in has no school settings yet: fetch them rather than skip today's first pull.
    const config = (await this.d.kiosk.config()) ?? (await this.d.kiosk.refresh().catch(() => null));
    if (!config) return;
    this.lastPullAt = now();
    const fetchImpl = this.d.fetchImpl ?? fetch;
    let cursor = (await this.d.meta.get('change-cursor')) as string | undefined;
    const totals = { records: 0, opened: 0, resolved: 0 };
    let today: string | null = null;
    let complete = false;
    for (let page = 0; page < 100; page++) {
      const sentAt = now();
      let response: Response;
      try {
        const headers = { ...(await this.d.headers()), [DEVICE_ID_HEADER]: await this.d.meta.deviceId() };
        response = await fetchImpl(`/api/changes?cursor=${encodeURIComponent(cursor ?? '')}`, {
          headers,
          cache: 'no-store',
          signal: AbortSignal.timeout(PULL_TIMEOUT_MS),
        });
      } catch (cause) {
        throw new DoorlineError('network-error', { cause: String(cause) });
      }
      if (!response.ok) throw new DoorlineError('server-error', { status: response.status });
      const body: unknown = await response.json();
      const receivedAt = now();
      assertChangePage(body);
      // The server read its clock about half a round trip before the answer arrived.
      await this.d.meta.set('clock-offset', Math.round(body.serverTime + (receivedAt - sentAt) / 2 - receivedAt));
      today = DayBook.today(body.serverTime, config.school);
      const applied = await this.d.book.applyChanges(body.changes, today);
      totals.records += applied.records;
      totals.opened += applied.opened;
      totals.resolved += applied.resolved;
      const roster = [...body.changes].reverse().find((c) => c.kind === 'roster');
      if (roster?.kind === 'roster' && roster.version !== (await this.d.meta.get('roster-version'))) await this.d.kiosk.refreshRoster();
      // Before the cursor moves on: a refresh that fails meets the same change on the next pull.
      await this.followSettings(body.changes);
      cursor = body.cursor;
      await this.advance(cursor);
      if (!body.more) {
        complete = true;
        break;
      }
    }
    if (complete && today !== null) await this.d.meta.set('loaded-day', today);
    await this.tell(totals);
  }
}
