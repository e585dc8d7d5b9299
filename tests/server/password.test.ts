import { describe, expect, it } from 'vitest';
import { HASH_CONCURRENCY, hashesRunning, hashPassword, verifyPassword } from '../../src/server/auth/password.ts';

const cheap = { logN: 10, r: 8, p: 1 };

describe('staff passwords', () => {
  it('checks the password a hash was made from, and no other', async () => {
    const stored = await hashPassword('a long passphrase', cheap);
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('a long passphrase', stored)).toBe(true);
    expect(await verifyPassword('a long passphrase!', stored)).toBe(false);
    expect(await verifyPassword('a long passphrase', 'not-a-hash')).toBe(false);
  });

  it('runs only a few hashes at once however many sign-ins arrive, and finishes every one', async () => {
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, hashesRunning())), 1);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => hashPassword(`password-${i}`, cheap)));
    clearInterval(sampler);
    most = Math.max(most, hashesRunning());
    expect(new Set(results).size).toBe(12);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(HASH_CONCURRENCY);
    expect(hashesRunning()).toBe(0);
  });
});
