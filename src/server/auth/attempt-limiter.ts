/**
 * Counts failed attempts (sign-in, pairing) per key in a sliding window and
 * refuses further tries once a key has failed too often. The count lives in
 * the database, so every process sharing it limits as one.
 *
 * Two ways to count. `retryAfter` then `fail` checks first and counts after
 * the try, so tries that start together may all pass the check. `reserve`
 * counts the try before it is made, under a lock on its keys, so no burst of
 * concurrent tries gets past the limit; `release` takes the reservation back
 * when the try succeeds.
 */
import { sql, type Kysely } from 'kysely';
import { databaseKind } from '../db/open-database.ts';
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
  async retryAfter(key: string, now: number, db: Kysely<Database> = this.db): Promise<number> {
    const { scope, maxFailures, windowMs } = this.options;
    const recent = await db
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

  get scope(): string {
    return this.options.scope;
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  async succeed(key: string): Promise<void> {
    await this.db.deleteFrom('failed_attempts').where('scope', '=', this.options.scope).where('key_hash', '=', sha256(key)).execute();
  }
}

export interface Attempt {
  limiter: AttemptLimiter;
  key: string;
}

/**
 * Counts one try against every limit in `attempts` before it is made, or none
 * if any limit is reached: milliseconds to wait then, 0 when the try may go
 * ahead. Within one process SQLite runs one transaction at a time; on
 * PostgreSQL an advisory lock per key keeps other processes from counting
 * the same keys meanwhile.
 */
export async function reserveAttempt(db: Kysely<Database>, attempts: readonly Attempt[], now: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (databaseKind(trx) === 'postgres') {
      // In one order in every process, so two reservations never wait on each other's locks.
      const keys = attempts.map((a) => `${a.limiter.scope}:${sha256(a.key)}`).sort();
      for (const key of keys) await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
    }
    let wait = 0;
    for (const { limiter, key } of attempts) wait = Math.max(wait, await limiter.retryAfter(key, now, trx));
    if (wait > 0) return wait;
    await trx
      .insertInto('failed_attempts')
      .values(attempts.map(({ limiter, key }) => ({ scope: limiter.scope, key_hash: sha256(key), at: now })))
      .execute();
    for (const { limiter } of attempts)
      await trx
        .deleteFrom('failed_attempts')
        .where('scope', '=', limiter.scope)
        .where('at', '<=', now - limiter.windowMs)
        .execute();
    return 0;
  });
}

/**
 * Takes back a reservation made at `now` after the try succeeded. (Rows carry
 * no identity: another reservation of the same key in the same millisecond
 * goes too, which frees one more try, never one fewer.)
 */
export async function releaseAttempt(db: Kysely<Database>, attempts: readonly Attempt[], now: number): Promise<void> {
  for (const { limiter, key } of attempts)
    await db
      .deleteFrom('failed_attempts')
      .where('scope', '=', limiter.scope)
      .where('key_hash', '=', sha256(key))
      .where('at', '=', now)
      .execute();
}
