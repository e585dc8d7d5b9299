/**
 * Counts failed attempts (sign-in, pairing) per key in a sliding window and
 * refuses further tries once a key has failed too often. In memory: each
 * server process limits on its own, which bounds guessing all the same.
 */
export interface LimiterOptions {
  maxFailures: number;
  windowMs: number;
}

export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: LimiterOptions) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfter(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.options.maxFailures) return 0;
    return (recent[recent.length - this.options.maxFailures] ?? now) + this.options.windowMs - now;
  }

  fail(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (times.every((t) => t <= now - this.options.windowMs)) this.failures.delete(key);
  }
}
