/**
 * Deciding when to catch up: push what waits, then pull what others changed.
 * A push that sent the device's cursor already brought the changes back on
 * its answer, so no pull follows it; otherwise pull (at once when asked to,
 * else if the last pull is a few seconds old). The push's failure is passed
 * on, so the `sync` event can reject and the browser retries it.
 */
import type { ChangePull } from './change-pull.ts';
import type { Outbox } from './outbox.ts';

export interface CatchUpDelegate {
  outbox: Pick<Outbox, 'size'>;
  feed: Pick<ChangePull, 'cursor' | 'maybePull'>;
}

export async function pushThenPull(d: CatchUpDelegate, force: boolean, push: () => Promise<void>): Promise<void> {
  const pushing = (await d.outbox.size()) > 0 && (await d.feed.cursor()) !== null;
  await push();
  if ((await d.outbox.size()) === 0 && pushing) return;
  await d.feed.maybePull(force);
}
