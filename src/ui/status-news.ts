/**
 * What changed between two of the worker's status messages, as a staff
 * page's notices tell it: how many marks left the device, and whether
 * sending started or stopped failing. Pure: the page keeps the last status.
 */
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { rollNetworkText } from './staff-text.ts';

type Status = Pick<WorkerStatus, 'phase' | 'waiting' | 'deadLetters' | 'lastError' | 'lastSyncAt'>;

export interface StatusNews {
  /** Marks the server took since the previous status. */
  sent: number;
  /** Whether sending is failing now; it stays failing through retries until a drain completes. */
  failing: boolean;
  /**
   * 'failing' with its words when sending started failing (a held device cannot be helped by
   * trying again: signing in or reloading does); 'works' once it completed again; null for no change.
   */
  news: { now: 'failing'; why: string; canRetry: boolean } | { now: 'works' } | null;
}

/** Failing: the server cannot be reached although the browser is online, or it holds the device back. */
function failingNow(status: Status, online: boolean): boolean {
  return (status.phase === 'waiting-for-network' && online) || status.phase === 'held';
}

/**
 *   not failing --(unreachable while online, or held)--> failing: news
 *   failing --(sending, retrying, offline)--> failing: no news
 *   failing --(a drain completes: idle)--> not failing: news
 */
export function statusNews(previous: Status | null, next: Status, online: boolean, wasFailing: boolean): StatusNews {
  // Ops refused for good also leave the queue: they were not sent.
  const sent =
    previous === null || next.lastSyncAt === previous.lastSyncAt
      ? 0
      : Math.max(0, previous.waiting - next.waiting - Math.max(0, next.deadLetters - previous.deadLetters));
  if (!wasFailing && failingNow(next, online))
    return { sent, failing: true, news: { now: 'failing', why: `${rollNetworkText(online, next)}.`, canRetry: next.phase !== 'held' } };
  if (wasFailing && next.phase === 'idle') return { sent, failing: false, news: { now: 'works' } };
  return { sent, failing: wasFailing, news: null };
}
