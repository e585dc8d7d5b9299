/** Words on the staff pages, kept pure so they are tested without a browser. */
import type { AttendanceStatus } from '../shared/attendance-model.ts';
import type { ActorRef, ConflictView, MarkState } from '../shared/office-protocol.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';

/** Only a path on this site: never another origin, never "//host". */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  return next;
}

export function signInReason(reason: string | null): string {
  if (reason === 'forbidden') return 'Your account cannot open that page.';
  if (reason === 'expired') return 'Your session has ended; please sign in again.';
  if (reason === 'password') return 'Choose a new password before going on.';
  return '';
}

export const STATUS_WORDS: Record<AttendanceStatus, string> = { present: 'Present', late: 'Late', absent: 'Absent', excused: 'Excused' };

export function markStateText(state: MarkState): string {
  switch (state) {
    case 'waiting':
      return 'Waiting to send';
    case 'sent':
      return 'Sent';
    case 'merged':
      return 'Sent — combined with another mark';
    case 'conflict':
      return 'Needs the office';
    case 'rejected':
      return 'Refused by the server';
  }
}

export function actorText(actor: ActorRef): string {
  if (actor.kind === 'door') return `door scan (${actor.name || 'kiosk'})`;
  return `${actor.name || 'someone'} (${actor.kind})`;
}

export function confidenceText(confidence: number): string {
  if (confidence >= 0.9) return 'very confident';
  if (confidence >= 0.8) return 'confident';
  if (confidence > 0) return 'unsure';
  return 'no rule decides: your call';
}

/** "Late (Grace Hopper, teacher) or Present (door scan)" */
export function conflictSummary(conflict: ConflictView): string {
  const show = (status: AttendanceStatus | null) => (status ? STATUS_WORDS[status] : 'no mark');
  return `${show(conflict.local.status)} by ${actorText(conflict.localBy)}, or ${show(conflict.server.status)} by ${actorText(conflict.serverBy)}`;
}

/** "3 new conflicts to look at" — one notice per pull, however many arrived. */
export function newConflictsText(count: number): string {
  return count === 1 ? '1 new conflict to look at' : `${count} new conflicts to look at`;
}

export function relativeTime(at: number, now: number): string {
  const minutes = Math.round((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** The roll's footer: online or not, and what stops marks from leaving this device. */
export function rollNetworkText(online: boolean, status: Pick<WorkerStatus, 'phase' | 'lastError'> | null): string {
  if (!online) return 'Offline — marks are saved on this device';
  if (status?.phase === 'waiting-for-network') return 'Online, but the server cannot be reached — marks are saved on this device';
  if (status?.phase === 'held') {
    if (status.lastError === 'not-signed-in' || status.lastError === 'session-expired')
      return 'Your session has ended: sign in again to send the marks saved here';
    if (status.lastError === 'unsupported-version' || status.lastError === 'update-required')
      return 'This device needs an update — reload the page; marks are kept here';
    return `Sending paused (${status.lastError ?? 'error'}) — marks are kept on this device`;
  }
  return 'Online';
}
