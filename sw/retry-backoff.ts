/**
 * The one backoff for sending again after a retryable failure (the catalog's
 * `retryable` codes), used by the chunk scheduler between attempts inside a
 * drain and by the sync engine between drains. Attempts are counted across
 * both: the engine goes on from the attempts the drain already made, so the
 * pause keeps growing instead of starting over.
 *
 * Equal jitter: kiosks that lost the same link spread out, yet none retries
 * at once. Attempt n waits between half and all of min(cap, base × 2^(n−1)).
 * A server that answers 503 or 429 with Retry-After is obeyed when it asks
 * for longer (up to RETRY_AFTER_CAP_MS): its pause is what keeps a busy
 * server from being hit again by every kiosk at once.
 */
export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 120_000;

/** How long to wait before attempt `failures + 1`, after `failures` failures in a row (at least 1). */
export function retryDelayMs(failures: number, random: () => number): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The longest a server's Retry-After is obeyed: a wrong or hostile header must not park a kiosk for a day. */
export const RETRY_AFTER_CAP_MS = 10 * 60_000;

/**
 * A Retry-After header (RFC 9110 §10.2.3: whole seconds, or an HTTP date) as
 * milliseconds from `now`, capped; null when absent or unreadable, so the
 * ordinary backoff applies.
 */
export function retryAfterMs(header: string | null, now: number): number | null {
  const value = header?.trim() ?? '';
  if (value === '') return null;
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at) || !/[a-z]/i.test(value)) return null;
    ms = Math.max(0, at - now);
  }
  return Math.min(RETRY_AFTER_CAP_MS, ms);
}

/** The pause before the next attempt: the backoff, or the server's Retry-After when that asks for longer. */
export function retryWaitMs(failures: number, random: () => number, serverAsksMs: number | null): number {
  return Math.max(retryDelayMs(failures, random), serverAsksMs ?? 0);
}

/** The Retry-After a failure carried (see sw/sync-client.ts), if any. */
export function askedWaitMs(error: unknown): number | null {
  const details = (error as { details?: Record<string, unknown> } | null)?.details;
  const ms = details?.['retryAfterMs'];
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.min(RETRY_AFTER_CAP_MS, ms) : null;
}
