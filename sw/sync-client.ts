/**
 * Posts one encoded chunk to the server and classifies every way that can
 * fail. Resolves only with a checked SyncResponse; anything else throws a
 * DoorlineError whose code says what happened, and nothing is removed.
 */
import { BATCH_MEDIA_TYPE } from '../src/shared/batch-codec.ts';
import { DoorlineError, isErrorCode, isRetryable, type ErrorCode } from '../src/shared/error-codes.ts';
import { assertSyncResponse, errorCodeOf } from '../src/shared/protocol-guards.ts';
import type { SyncResponse } from '../src/shared/protocol.ts';
import type { BodyEncoding } from './drain.ts';
import { retryAfterMs } from './retry-backoff.ts';

export const SYNC_URL = '/api/sync';

/** What a status means when the answer carries no code of ours (a proxy's page, say). */
const BY_STATUS: Record<number, ErrorCode> = {
  401: 'device-unauthorized',
  403: 'device-revoked',
  413: 'body-too-large',
};

/**
 * `extraHeaders`: the device token (for a kiosk) and the device's report of
 * itself (src/shared/sync-headers.ts).
 */
export async function postBatch(
  body: Uint8Array,
  encoding: BodyEncoding,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
  extraHeaders: Record<string, string> = {},
): Promise<SyncResponse> {
  let response: Response;
  try {
    response = await fetchImpl(SYNC_URL, {
      method: 'POST',
      headers: {
        ...extraHeaders,
        'content-type': BATCH_MEDIA_TYPE,
        ...(encoding === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
        accept: 'application/json',
      },
      // A streamed body fails over HTTP/1.1, so the body is always a finished buffer.
      body: body as Uint8Array<ArrayBuffer>,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const timedOut = (cause as { name?: string }).name === 'TimeoutError';
    throw new DoorlineError('network-error', { reason: timedOut ? 'timeout' : 'unreachable', cause: String(cause) });
  }
  return readSyncAnswer(response);
}

/** Statuses that ask to be asked again later, with the code used when the answer carries none of ours (a proxy's page). */
const TRY_LATER: Record<number, ErrorCode> = { 503: 'server-error', 429: 'server-busy' };

export async function readSyncAnswer(response: Response, now = Date.now()): Promise<SyncResponse> {
  const type = response.headers.get('content-type') ?? '';
  const isJson = type.toLowerCase().includes('application/json');
  const tryLater = TRY_LATER[response.status];
  if (tryLater !== undefined) {
    const code = errorCodeOf(isJson ? await response.json().catch(() => undefined) : undefined);
    const details = { status: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now) };
    throw new DoorlineError(code && isErrorCode(code) && isRetryable(code) ? code : tryLater, details);
  }
  if (response.status >= 500) throw new DoorlineError('server-error', { status: response.status });
  // A sign-in page or a proxy's notice answers 200 with HTML: the server was never reached.
  if (response.ok && (!isJson || response.redirected))
    throw new DoorlineError('captive-portal', { status: response.status, contentType: type });
  let body: unknown;
  try {
    body = isJson ? await response.json() : undefined;
  } catch {
    throw new DoorlineError('bad-response', { status: response.status, problem: 'invalid JSON' });
  }
  if (!response.ok) {
    const code = errorCodeOf(body);
    throw new DoorlineError(code && isErrorCode(code) ? code : (BY_STATUS[response.status] ?? 'bad-response'), { status: response.status });
  }
  assertSyncResponse(body);
  return body;
}

/** Gzip through the platform's CompressionStream, buffered; plain bytes where the platform has none. */
export async function gzip(bytes: Uint8Array): Promise<{ body: Uint8Array; encoding: BodyEncoding }> {
  if (typeof CompressionStream === 'undefined') return { body: bytes, encoding: 'identity' };
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return { body: new Uint8Array(await new Response(stream).arrayBuffer()), encoding: 'gzip' };
}
