/** Posts one batch with the device's headers; the answer's changes (after the cursor sent) go into the device's copy of today. */
import type { SyncResponse } from '../src/shared/protocol.ts';
import type { ChangePull } from './change-pull.ts';
import type { BodyEncoding } from './drain.ts';
import type { Backlog } from './outbox.ts';
import { postBatch } from './sync-client.ts';

export interface BatchPostDelegate {
  headers: (held: Backlog) => Promise<Record<string, string>>;
  feed: Pick<ChangePull, 'absorb'>;
  fetchImpl?: typeof fetch;
}

export function batchPoster(
  d: BatchPostDelegate,
): (body: Uint8Array, encoding: BodyEncoding, timeoutMs: number, held: Backlog) => Promise<SyncResponse> {
  return async (body, encoding, timeoutMs, held) => {
    const answer = await postBatch(body, encoding, timeoutMs, d.fetchImpl ?? fetch, await d.headers(held));
    // The receipts stand whatever the changes hold: a bad page of changes is pulled again later.
    if (answer.changes) await d.feed.absorb(answer.changes).catch(() => undefined);
    return answer;
  };
}
