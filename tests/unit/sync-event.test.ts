import { describe, expect, it } from 'vitest';
import { DoorlineError } from '../../src/shared/error-codes.ts';
import { answerSyncEvent } from '../../sw/sync-event.ts';

function delegate(push: () => Promise<void>) {
  let registered = 0;
  return { d: { push, register: async () => void registered++ }, registered: () => registered };
}

describe('the sync event', () => {
  it('resolves when everything was sent', async () => {
    const { d, registered } = delegate(async () => undefined);
    await expect(answerSyncEvent({ lastChance: false }, d)).resolves.toBeUndefined();
    expect(registered()).toBe(0);
  });

  it('rejects when the server could not be reached, so the browser fires it again later', async () => {
    const { d, registered } = delegate(() => Promise.reject(new DoorlineError('server-error', { status: 503 })));
    await expect(answerSyncEvent({ lastChance: false }, d)).rejects.toMatchObject({ code: 'server-error' });
    expect(registered()).toBe(0);
  });

  it('registers again on its last chance, and still rejects', async () => {
    const { d, registered } = delegate(() => Promise.reject(new DoorlineError('network-error')));
    await expect(answerSyncEvent({ lastChance: true }, d)).rejects.toMatchObject({ code: 'network-error' });
    expect(registered()).toBe(1);
  });

  it('still rejects on its last chance when registering again fails', async () => {
    const d = {
      push: () => Promise.reject(new DoorlineError('network-error')),
      register: () => Promise.reject(new Error('no registration')),
    };
    await expect(answerSyncEvent({ lastChance: true }, d)).rejects.toMatchObject({ code: 'network-error' });
  });

  it.each(['device-revoked', 'unsupported-version'] as const)(
    'resolves after %s: retrying would only hear the refusal again',
    async (code) => {
      const { d, registered } = delegate(() => Promise.reject(new DoorlineError(code)));
      await expect(answerSyncEvent({ lastChance: true }, d)).resolves.toBeUndefined();
      expect(registered()).toBe(0);
    },
  );

  it('treats an unexpected error as retryable', async () => {
    const { d } = delegate(() => Promise.reject(new TypeError('bug')));
    await expect(answerSyncEvent({ lastChance: false }, d)).rejects.toBeInstanceOf(TypeError);
  });
});
