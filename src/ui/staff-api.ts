/**
 * The staff pages' requests. Every answer is read once here: a body that
 * passed its `asserts` guard, or a refusal with its stable code.
 */
import type { ErrorCode } from '../shared/error-codes.ts';
import { ERROR_MESSAGES } from '../shared/error-messages.ts';
import { errorCodeOf } from '../shared/protocol-guards.ts';

export type Refused = { ok: false; status: number; code: ErrorCode; message: string; details: Record<string, unknown> };
export type Answer<T> = { ok: true; status: number; body: T } | Refused;

export interface CallInit {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON; the caller includes `v`. */
  body?: unknown;
}

function refused(status: number, code: ErrorCode, message?: string, details: Record<string, unknown> = {}): Refused {
  return { ok: false, status, code, message: message ?? ERROR_MESSAGES[code], details };
}

function errorOf(body: unknown): { message?: unknown; details?: unknown } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? error : {};
}

/** A same-origin request; a 204 answers with an undefined body. */
export async function call(path: string, init: CallInit = {}): Promise<Answer<unknown>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    return refused(0, 'network-error');
  }
  if (response.status === 204) return { ok: true, status: 204, body: undefined };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // A captive portal or a proxy answers with a web page.
    return refused(response.status, response.ok ? 'bad-response' : 'server-error');
  }
  if (response.ok) return { ok: true, status: response.status, body };
  const error = errorOf(body);
  const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {};
  const code = (errorCodeOf(body) as ErrorCode | undefined) ?? 'server-error';
  return refused(response.status, code, typeof error.message === 'string' ? error.message : undefined, details);
}

/** A request whose answer is trusted only once `check` passed; a body that fails it is a `bad-response`. */
export async function callChecked<T>(path: string, check: (value: unknown) => asserts value is T, init: CallInit = {}): Promise<Answer<T>> {
  const answer = await call(path, init);
  if (!answer.ok) return answer;
  try {
    check(answer.body);
  } catch (error) {
    const details =
      typeof error === 'object' && error !== null && 'details' in error
        ? ((error as { details?: Record<string, unknown> }).details ?? {})
        : {};
    return refused(answer.status, 'bad-response', undefined, details);
  }
  return { ok: true, status: answer.status, body: answer.body };
}
