/**
 * The staff pages' requests. Every answer is read once here: a body the page
 * can trust, or a refusal with its code and a sentence for a person.
 */
import type { ErrorCode } from '../shared/error-codes.ts';
import { errorCodeOf } from '../shared/protocol-guards.ts';

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; code: ErrorCode | 'network-error'; message: string; details?: Record<string, unknown> };

export async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer<T>> {
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
    return { ok: false, status: 0, code: 'network-error', message: 'The server cannot be reached. Check the network and try again.' };
  }
  if (response.status === 204) return { ok: true, status: 204, body: undefined as T };
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  const code = (errorCodeOf(body) as ErrorCode | undefined) ?? 'server-error';
  const error = (body as { error?: { message?: string; details?: Record<string, unknown> } } | null)?.error;
  return { ok: false, status: response.status, code, message: error?.message ?? `The server answered ${response.status}.`, ...(error?.details ? { details: error.details } : {}) };
}
