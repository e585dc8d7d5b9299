/**
 * Which conflicts the office has ticked to settle together. Only conflicts
 * that share a `similarKey` (same fields, same rule, same two values from the
 * same kinds of people) can be settled with one set of choices, so the
 * selection never mixes kinds. Pure: each function answers a new set.
 */
import type { ConflictView } from '../shared/office-protocol.ts';

type Conflict = Pick<ConflictView, 'id' | 'similarKey'>;

/** The key the selection is made of, or null when nothing is selected. */
function selectedKey(conflicts: readonly Conflict[], selected: ReadonlySet<string>): string | null {
  return conflicts.find((c) => selected.has(c.id))?.similarKey ?? null;
}

/** Whether ticking `conflict` keeps the selection one kind. */
export function canSelect(conflicts: readonly Conflict[], selected: ReadonlySet<string>, conflict: Conflict): boolean {
  const key = selectedKey(conflicts, selected);
  return key === null || key === conflict.similarKey;
}

export function toggle(conflicts: readonly Conflict[], selected: ReadonlySet<string>, conflict: Conflict, on: boolean): Set<string> {
  const next = new Set(selected);
  if (!on) next.delete(conflict.id);
  else if (canSelect(conflicts, selected, conflict)) next.add(conflict.id);
  return next;
}

/** Every conflict like this one: it replaces a selection of another kind. */
export function selectAllLike(conflicts: readonly Conflict[], conflict: Conflict): Set<string> {
  return new Set(conflicts.filter((c) => c.similarKey === conflict.similarKey).map((c) => c.id));
}

/** The selection after the list was read again: settled conflicts drop out. */
export function prune(conflicts: readonly Conflict[], selected: ReadonlySet<string>): Set<string> {
  return new Set(conflicts.filter((c) => selected.has(c.id)).map((c) => c.id));
}

export function selectedOf<T extends Conflict>(conflicts: readonly T[], selected: ReadonlySet<string>): T[] {
  return conflicts.filter((c) => selected.has(c.id));
}

/** How many open conflicts are like this one, itself included. */
export function likeCount(conflicts: readonly Conflict[], conflict: Conflict): number {
  return conflicts.filter((c) => c.similarKey === conflict.similarKey).length;
}
