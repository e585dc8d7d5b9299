import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isRetryable, type ErrorCode } from '../../src/shared/error-codes.ts';
import { RETRY_CAP_MS, retryDelayMs } from '../../sw/retry-backoff.ts';

describe('which failures are retried', () => {
  it('retries only what the catalog marks retryable: the server was not reached or not understood', () => {
    const retryable = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(isRetryable);
    expect(retryable.sort()).toEqual(['bad-response', 'captive-portal', 'network-error', 'server-error']);
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
