/**
 * Answers a Background Sync `sync` event. The browser keeps a registration
 * whose event was rejected and fires it again later, with no page open and
 * after the worker was stopped: the only retry that outlives the page.
 * Chromium tries three times (at once, about 5 and 20 minutes later) and then
 * drops the registration; its last try says `lastChance`, so a failure then
 * registers again and a long outage still ends with the queue sent
 * (https://wicg.github.io/background-sync/spec/#sync-event).
 *
 * Only a retryable failure (src/shared/error-codes.ts) rejects. A refusal
 * that waits for a person (unpaired, revoked, a newer protocol) resolves: the
 * browser's retries would only hear it again.
 */
import { DoorlineError, isRetryable } from '../src/shared/error-codes.ts';

export interface SyncEventDelegate {
  /** Sends what waits; rejects with the failure that stopped it. */
  push: () => Promise<void>;
  /** Registers the sync again. */
  register: () => Promise<void>;
}

export async function answerSyncEvent(event: { readonly lastChance: boolean }, d: SyncEventDelegate): Promise<void> {
  try {
    await d.push();
  } catch (error) {
    const code = error instanceof DoorlineError ? error.code : 'bad-response';
    if (!isRetryable(code)) return;
    if (event.lastChance) await d.register().catch(() => undefined);
    throw error;
  }
}
