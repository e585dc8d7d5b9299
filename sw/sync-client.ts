/**
 * Posts one batch to the server and classifies every way that can fail.
 * Resolves only with a checked SyncResponse; anything else throws a
 * DoorlineError whose code says what happened, and nothing is removed.
 */
import { DoorlineError, type ErrorCode } from '../src/shared/error-codes.ts';
import { assertSyncResponse, errorCodeOf } from '../src/shared/protocol-guards.ts';
import type { SyncRequest, SyncResponse } from '../src/shared/protocol.ts';

export const SYNC_URL = '/api/sync';
const TIMEOUT_MS = 30_000;

export type SendBatch = (request: SyncRequest) => Promise<SyncResponse>;

export async function postBatch(request: SyncRequest, fetchImpl: typeof fetch = fetch): Promise<SyncResponse> {
  let response: Response;
  try {
    response = await fetchImpl(SYNC_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new DoorlineError('network-error', { cause: String(cause) });
  }
  return readSyncAnswer(response);
}

export async function readSyncAnswer(response: Response): Promise<SyncResponse> {
  const type = response.headers.get('content-type') ?? '';
  const isJson = type.toLowerCase().includes('application/json');
  if (response.status >= 500) throw new DoorlineError('server-error', { status: response.status });
  // A sign-in page or a proxy's notice answers 200 with HTML: the server was never reached.
  if (!isJson || response.redirected) {
    throw new DoorlineError(response.ok ? 'captive-portal' : 'bad-response', { status: response.status, contentType: type });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new DoorlineError('bad-response', { status: response.status, problem: 'invalid JSON' });
  }
  if (!response.ok) {
    const code = errorCodeOf(body) as ErrorCode | undefined;
    throw new DoorlineError(code ?? 'bad-response', { status: response.status });
  }
  assertSyncResponse(body);
  return body;
}
