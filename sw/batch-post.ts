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

export interface BatchPoster {
  (body: Uint8Array, encoding: BodyEncoding, timeoutMs: number, held: Backlog): Promise<SyncResponse>;
  /** Resolves once the changes of every answer so far are in the device's copy of today. */
  absorbed: () => Promise<void>;
}

export function batchPoster(d: BatchPostDelegate): BatchPoster {
  /** Pages of changes go into the day book one after another, behind the answers that brought them. */
  let absorbing = Promise.resolve();
  const post = async (body: Uint8Array, encoding: BodyEncoding, timeoutMs: number, held: Backlog): Promise<SyncResponse> => {
    const answer = await postBatch(body, encoding, timeoutMs, d.fetchImpl ?? fetch, await d.headers(held));
    // The receipts stand whatever the changes hold: a bad page of changes is pulled again later. The answer
    // goes back at once: the day book's writes wait behind the settles on IndexedDB, and held the next request
    // up to 120 ms (pages may land in any order: records keep their newest version, the cursor only moves forward).
    const page = answer.changes;
    if (page) absorbing = absorbing.then(() => d.feed.absorb(page)).catch(() => undefined);
    return answer;
  };
  return Object.assign(post, { absorbed: () => absorbing });
}
