/**
 * This browser's copy of today's emergency roll call, kept in localStorage
 * so the roll-call page (and the header's button) work with the network
 * down: the roll call this device started or last heard of from the server,
 * with every tick (and undo) it made or saw. The ticks themselves travel as ops
 * through the worker's outbox; this copy only shows them. Merged with the
 * server's answer by src/shared/roll-call.ts's rules, so nothing it knew is lost.
 */
import type { RollCallState } from '../shared/roll-call.ts';

const KEY = 'doorline.roll-call';
/** Fired on the page when its copy changes; another tab's change arrives as a `storage` event. */
export const ROLL_CALL_CHANGED = 'doorline-roll-call';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** The kept roll call of `date` at `school`, if this browser holds one (a copy it cannot read is none). */
export function rememberedRollCall(store: Store, school: string, date: string): RollCallState | null {
  try {
    const kept = JSON.parse(store.getItem(KEY) ?? 'null') as { school?: unknown; state?: Partial<RollCallState> } | null;
    const s = kept?.state;
    if (kept?.school !== school || !s || s.date !== date || typeof s.startedAt !== 'number') return null;
    if (typeof s.found !== 'object' || s.found === null || (s.endedAt !== null && typeof s.endedAt !== 'number')) return null;
    const map = (value: unknown): Record<string, number> | undefined =>
      typeof value === 'object' && value !== null ? (value as Record<string, number>) : undefined;
    const lastFound = map(s.lastFound);
    const cleared = map(s.cleared);
    return {
      id: typeof s.id === 'string' ? s.id : null,
      date,
      startedAt: s.startedAt,
      endedAt: s.endedAt ?? null,
      found: s.found,
      ...(lastFound ? { lastFound } : {}),
      ...(cleared ? { cleared } : {}),
    };
  } catch {
    return null;
  }
}

export function rememberRollCall(store: Store, school: string, state: RollCallState | null): void {
  if (!state) return;
  store.setItem(KEY, JSON.stringify({ school, state }));
  globalThis.dispatchEvent?.(new Event(ROLL_CALL_CHANGED));
}
