import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isRetryable, type ErrorCode } from '../../src/shared/error-codes.ts';
import { RETRY_AFTER_CAP_MS, RETRY_CAP_MS, retryAfterMs, retryDelayMs, retryWaitMs } from '../../sw/retry-backoff.ts';

describe('which failures are retried', () => {
  it('retries only what the catalog marks retryable: the server was not reached or not understood, or asked to be asked later', () => {
    const retryable = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(isRetryable);
    expect(retryable.sort()).toEqual([
      'bad-response',
      'captive-portal',
      'network-error',
      'server-busy',
      'server-error',
      'storage-full',
      'sync-in-progress',
    ]);
  });

  it.each(['unsupported-version', 'device-revoked', 'device-unauthorized', 'kiosk-not-found', 'body-too-large'] as ErrorCode[])(
    'does not send again as it is after %s',
    (code) => {
      expect(isRetryable(code)).toBe(false);
    },
  );
});

describe('how long a retry waits', () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0.5, 1_500],
    [3, 0.5, 3_000],
    [5, 0.5, 12_000],
    [8, 1, 120_000],
    [30, 0, 60_000],
  ])('after %i failures with jitter %d waits %i ms', (failures, jitter, ms) => {
    expect(retryDelayMs(failures, () => jitter)).toBe(ms);
  });

  it('never waits longer than the cap, however long the outage', () => {
    for (let failures = 1; failures < 200; failures++) expect(retryDelayMs(failures, () => 1)).toBeLessThanOrEqual(RETRY_CAP_MS);
  });
});

describe("a busy server's Retry-After", () => {
  const now = Date.parse('2026-03-02T08:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['Mon, 02 Mar 2026 08:00:30 GMT', 30_000],
    ['Mon, 02 Mar 2026 07:59:00 GMT', 0],
    ['86400', RETRY_AFTER_CAP_MS],
    ['Tue, 03 Mar 2026 08:00:00 GMT', RETRY_AFTER_CAP_MS],
  ])('reads %j as %i ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });

  it.each([null, '', '-5', '1.5', 'soon', '12abc'])('ignores %j, leaving the ordinary backoff', (header) => {
    expect(retryAfterMs(header, now)).toBeNull();
  });

  it.each([
    [1, null, 750],
    [1, 30_000, 30_000],
    [8, 5_000, 90_000],
  ])('after %i failures with Retry-After %j ms waits %i ms: whichever is longer', (failures, asked, ms) => {
    expect(retryWaitMs(failures, () => 0.5, asked)).toBe(ms);
  });
});
