/**
 * The one backoff for sending again after a retryable failure (the catalog's
 * `retryable` codes), used by the chunk scheduler between attempts inside a
 * drain and by the sync engine between drains. Attempts are counted across
 * both: the engine goes on from the attempts the drain already made, so the
 * pause keeps growing instead of starting over.
 *
 * Equal jitter: kiosks that lost the same link spread out, yet none retries
 * at once. Attempt n waits between half and all of min(cap, base × 2^(n−1)).
 */
export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 120_000;

/** How long to wait before attempt `failures + 1`, after `failures` failures in a row (at least 1). */
export function retryDelayMs(failures: number, random: () => number): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
