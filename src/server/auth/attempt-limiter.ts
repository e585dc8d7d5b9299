/**
 * Counts failed attempts (sign-in, pairing) per key in a sliding window and
 * refuses further tries once a key has failed too often. The count lives in
 * the database, so every process sharing it limits as one. (Two processes
 * checking the same key at the same instant may each let one more try
 * through: a limit on guessing, not an exact count.)
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sha256 } from './secrets.ts';

export interface LimiterOptions {
  /** Names this limit's rows; one scope a limit. */
  scope: string;
  maxFailures: number;
  windowMs: number;
}

export class AttemptLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: LimiterOptions,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  async retryAfter(key: string, now: number): Promise<number> {
    const { scope, maxFailures, windowMs } = this.options;
    const recent = await this.db
      .selectFrom('failed_attempts')
      .select('at')
      .where('scope', '=', scope)
      .where('key_hash', '=', sha256(key))
      .where('at', '>', now - windowMs)
      .orderBy('at', 'desc')
      .limit(maxFailures)
      .execute();
    if (recent.length < maxFailures) return 0;
    // Free again once the oldest of the last `maxFailures` failures leaves the window.
    return Number(recent[recent.length - 1]?.at ?? now) + windowMs - now;
  }

  async fail(key: string, now: number): Promise<void> {
    const { scope, windowMs } = this.options;
    await this.db
      .insertInto('failed_attempts')
      .values({ scope, key_hash: sha256(key), at: now })
      .execute();
    await this.db
      .deleteFrom('failed_attempts')
      .where('scope', '=', scope)
      .where('at', '<=', now - windowMs)
      .execute();
  }

  async succeed(key: string): Promise<void> {
    await this.db.deleteFrom('failed_attempts').where('scope', '=', this.options.scope).where('key_hash', '=', sha256(key)).execute();
  }
}
