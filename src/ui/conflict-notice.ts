/**
 * The office's banner about new conflicts: one notice however many pulls
 * and conflicts arrive, counting up until the person refreshes the list.
 * Pure: the page keeps the state and does what the answer says.
 *
 *   pull opened n  → count += n, show the banner
 *   pull resolved  → nothing new waiting: read the list again quietly
 *   list read      → count = 0, banner hidden
 */
import type { ChangesPulled } from '../shared/worker-messages.ts';

export interface NoticeState {
  /** New conflicts announced since the list was last read. */
  unseen: number;
}

export type NoticeAction = 'show-banner' | 'reload-quietly' | 'nothing';

export const NO_NOTICE: NoticeState = { unseen: 0 };

export function afterPull(
  state: NoticeState,
  pulled: Pick<ChangesPulled, 'conflictsOpened' | 'conflictsResolved'>,
): { state: NoticeState; action: NoticeAction } {
  if (pulled.conflictsOpened > 0) return { state: { unseen: state.unseen + pulled.conflictsOpened }, action: 'show-banner' };
  // Settled elsewhere: drop them from the list, unless the banner already asks for a refresh.
  if (pulled.conflictsResolved > 0 && state.unseen === 0) return { state, action: 'reload-quietly' };
  return { state, action: 'nothing' };
}
