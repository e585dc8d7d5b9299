/**
 * The headers every request to the server carries: who is sending (the
 * device token, for a kiosk), the device's report of itself for the admin's
 * list (app version, what it still holds and since when, clock; on a batch
 * its link, storage and failures too) and where its copy of the
 * change feed stands.
 */
import { APP_VERSION } from '../src/shared/app-version.ts';
import { APP_VERSION_HEADER, CURSOR_HEADER, DEVICE_CLOCK_HEADER, HEALTH_HEADER, QUEUE_HEADER } from '../src/shared/sync-headers.ts';
import type { ChangePull } from './change-pull.ts';
import type { DeviceCredentials } from './device-credentials.ts';
import type { Backlog, Outbox } from './outbox.ts';

export interface DeviceReportSources {
  credentials: Pick<DeviceCredentials, 'headers'>;
  outbox: Pick<Outbox, 'backlog'>;
  feed: Pick<ChangePull, 'cursor'>;
  /** On a batch: what the device holds beside its pass's ops on the wire or answered (sw/drain.ts), and the device's health. */
  held?: Backlog | undefined;
  health?: Promise<string> | undefined;
  now?: () => number;
}

export async function deviceHeaders(d: DeviceReportSources): Promise<Record<string, string>> {
  const [auth, backlog, cursor, health] = await Promise.all([
    d.credentials.headers(),
    d.held ?? d.outbox.backlog(),
    d.feed.cursor(),
    d.health,
  ]);
  return {
    ...auth,
    [APP_VERSION_HEADER]: APP_VERSION,
    [QUEUE_HEADER]: `${backlog.depth};${backlog.oldestAt ?? 0}`,
    [DEVICE_CLOCK_HEADER]: String((d.now ?? Date.now)()),
    ...(cursor === null ? {} : { [CURSOR_HEADER]: cursor }),
    ...(health === undefined ? {} : { [HEALTH_HEADER]: health }),
  };
}
