/**
 * The headers every request to the server carries: who is sending (the
 * device token, for a kiosk), the device's report of itself for the admin's
 * list (app version, queue depth and age, clock) and where its copy of the
 * change feed stands.
 */
import { APP_VERSION } from '../src/shared/app-version.ts';
import { APP_VERSION_HEADER, CURSOR_HEADER, DEVICE_CLOCK_HEADER, QUEUE_HEADER } from '../src/shared/sync-headers.ts';
import type { ChangePull } from './change-pull.ts';
import type { DeviceCredentials } from './device-credentials.ts';
import type { Outbox } from './outbox.ts';

export interface DeviceReportSources {
  credentials: Pick<DeviceCredentials, 'headers'>;
  outbox: Pick<Outbox, 'backlog'>;
  feed: Pick<ChangePull, 'cursor'>;
  now?: () => number;
}

export async function deviceHeaders(d: DeviceReportSources): Promise<Record<string, string>> {
  const [auth, backlog, cursor] = await Promise.all([d.credentials.headers(), d.outbox.backlog(), d.feed.cursor()]);
  return {
    ...auth,
    [APP_VERSION_HEADER]: APP_VERSION,
    [QUEUE_HEADER]: `${backlog.depth};${backlog.oldestAt ?? 0}`,
    [DEVICE_CLOCK_HEADER]: String((d.now ?? Date.now)()),
    ...(cursor === null ? {} : { [CURSOR_HEADER]: cursor }),
  };
}
