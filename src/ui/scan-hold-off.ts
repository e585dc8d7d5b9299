/**
 * A camera sees the same card many times a second for as long as it is held
 * up: it becomes one check-in. A code is passed on when it differs from the
 * last one passed on, or once that card has been out of view for the
 * hold-off. Every sighting restarts the wait, so a card held still for a
 * minute is still one check-in; a different card is taken at once.
 */
export const HOLD_OFF_MS = 4000;

export class ScanHoldOff {
  private last: { code: string; seenAt: number } | null = null;

  constructor(private readonly holdOffMs = HOLD_OFF_MS) {}

  /** True if `code`, seen at `now`, is a new scan to check in. */
  accept(code: string, now: number): boolean {
    const last = this.last;
    const fresh = last === null || last.code !== code || now - last.seenAt >= this.holdOffMs;
    this.last = { code, seenAt: now };
    return fresh;
  }
}
