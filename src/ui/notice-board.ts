/**
 * The notices a staff page shows about what changed around it: the network
 * going and coming back, marks sent, new conflicts, a sync that keeps
 * failing. Pure but for its delegate (`setTimer`, `clearTimer`, `show`), so
 * its timelines are tested under fake timers.
 *
 *   informational (back online, marks sent)  → shown, gone by itself after INFO_MS
 *   sends within GATHER_MS of the first       → one notice, "42 marks sent"
 *   more sent while that notice shows         → the same notice counts up, its time starts again
 *   needs action (new conflicts, failing)     → stays until acted on or dismissed
 *   offline                                   → stays while offline; back online replaces it
 */
import { plural } from './plural.ts';

export type NoticeAction = 'retry' | 'open-conflicts';

export interface Notice {
  /** One notice of each kind at most: a new one of a kind updates it. */
  kind: 'network' | 'sent' | 'conflicts' | 'sync-failing';
  text: string;
  action: { do: NoticeAction; label: string } | null;
  /** False: it goes by itself. */
  sticky: boolean;
}

export interface NoticeDelegate {
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** The notices to show now, oldest first. */
  show(notices: readonly Notice[]): void;
}

/** How long an informational notice stays. */
export const INFO_MS = 6_000;
/** Sends this close to the first one are announced together. */
export const GATHER_MS = 2_000;

export class NoticeBoard {
  private notices: Notice[] = [];
  private readonly timers = new Map<Notice['kind'], unknown>();
  /** Marks sent and not announced yet, while gathering. */
  private gathering = 0;
  private gatherTimer: unknown = null;
  private sentShown = 0;
  private conflicts = 0;

  constructor(private readonly d: NoticeDelegate) {}

  current(): readonly Notice[] {
    return this.notices;
  }

  offline(): void {
    this.put({
      kind: 'network',
      text: 'Offline — marks are saved on this device and sent when the network is back.',
      action: null,
      sticky: true,
    });
  }

  /** Back online: said only after being offline. */
  online(): void {
    if (!this.notices.some((n) => n.kind === 'network')) return;
    this.put({ kind: 'network', text: 'Back online.', action: null, sticky: false });
  }

  sent(count: number): void {
    if (count <= 0) return;
    if (this.notices.some((n) => n.kind === 'sent')) {
      this.sentShown += count;
      this.putSent();
      return;
    }
    this.gathering += count;
    if (this.gatherTimer !== null) return;
    this.gatherTimer = this.d.setTimer(() => {
      this.gatherTimer = null;
      this.sentShown = this.gathering;
      this.gathering = 0;
      this.putSent();
    }, GATHER_MS);
  }

  conflictsOpened(count: number): void {
    if (count <= 0) return;
    this.conflicts += count;
    this.put({
      kind: 'conflicts',
      text: `${plural(this.conflicts, 'new conflict', 'new conflicts')} to settle.`,
      action: { do: 'open-conflicts', label: 'Open conflicts' },
      sticky: true,
    });
  }

  /** Sending fails; `why` says what stops it, and a person may try again unless only they can unblock it. */
  syncFailing(why: string, canRetry = true): void {
    this.put({ kind: 'sync-failing', text: why, action: canRetry ? { do: 'retry', label: 'Retry now' } : null, sticky: true });
  }

  /** Sending works again: the failure no longer holds, so its notice has nothing left to act on. */
  syncWorks(): void {
    this.remove('sync-failing');
  }

  /** The person dismissed it, or took its action. */
  dismiss(kind: Notice['kind']): void {
    this.remove(kind);
  }

  private putSent(): void {
    this.put({ kind: 'sent', text: `${plural(this.sentShown, 'mark', 'marks')} sent.`, action: null, sticky: false });
  }

  private put(notice: Notice): void {
    const at = this.notices.findIndex((n) => n.kind === notice.kind);
    if (at >= 0) this.notices = this.notices.map((n, i) => (i === at ? notice : n));
    else this.notices = [...this.notices, notice];
    this.stopTimer(notice.kind);
    if (!notice.sticky)
      this.timers.set(
        notice.kind,
        this.d.setTimer(() => {
          this.timers.delete(notice.kind);
          this.remove(notice.kind);
        }, INFO_MS),
      );
    this.d.show(this.notices);
  }

  private remove(kind: Notice['kind']): void {
    this.stopTimer(kind);
    if (kind === 'sent') this.sentShown = 0;
    if (kind === 'conflicts') this.conflicts = 0;
    if (!this.notices.some((n) => n.kind === kind)) return;
    this.notices = this.notices.filter((n) => n.kind !== kind);
    this.d.show(this.notices);
  }

  private stopTimer(kind: Notice['kind']): void {
    const timer = this.timers.get(kind);
    if (timer === undefined) return;
    this.d.clearTimer(timer);
    this.timers.delete(kind);
  }
}
