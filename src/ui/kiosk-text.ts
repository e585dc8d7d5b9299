/** What the kiosk says, in plain language. */
import type { ErrorCode } from '../shared/error-codes.ts';
import type { MarkAnswer } from '../shared/protocol.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { plural } from './plural.ts';

export interface Message {
  headline: string;
  detail: string;
  tone: 'ok' | 'late' | 'warn' | 'error';
}

function notOnRoster(studentId: string): Message {
  return { headline: "Not on this school's roster", detail: `ID ${studentId} — please see the office.`, tone: 'warn' };
}

/** What the kiosk says to a scan; `exit`: it checked the student out, `why` the reason's words if they gave one. */
export function answerMessage(answer: MarkAnswer, exit = false, why?: string): Message {
  if (!answer.student) return notOnRoster(answer.studentId);
  if (answer.alreadyAt !== undefined) {
    return {
      headline: `${answer.student.name} — already checked in at ${answer.alreadyAt}`,
      detail: `${answer.student.homeroom}. No need to scan again.`,
      tone: 'ok',
    };
  }
  const saved = answer.queued ? 'Saved on this kiosk.' : 'Saved.';
  if (exit)
    return {
      headline: `${answer.student.name} — checked out ${answer.localTime}`,
      detail: `${answer.student.homeroom}. ${why ? `${why}. ` : ''}${saved}`,
      tone: 'ok',
    };
  return answer.late
    ? { headline: `${answer.student.name} — late, ${answer.localTime}`, detail: `${answer.student.homeroom}. ${saved}`, tone: 'late' }
    : { headline: `${answer.student.name} — checked in ${answer.localTime}`, detail: `${answer.student.homeroom}. ${saved}`, tone: 'ok' };
}

/** Above the ID field once a student leaving early has said why. */
export const leavingText = (why: string): string => `Checking out: ${why} — scan your card`;

export function refusalMessage(code: ErrorCode, studentId: string): Message {
  if (code === 'unknown-student') return notOnRoster(studentId);
  if (code === 'invalid-body')
    return { headline: 'That ID could not be read', detail: 'Please scan again or type the number on the card.', tone: 'warn' };
  return { headline: 'Not saved', detail: `Please try again or see the office (${code}).`, tone: 'error' };
}

export const FAILURE_MESSAGE: Message = {
  headline: 'Not saved — please try again',
  detail: 'This kiosk could not save the check-in. If this keeps happening, please see the office.',
  tone: 'error',
};

/** Why sending stopped, for codes that need a person. */
function heldReason(code: ErrorCode | null): string {
  if (code === 'device-unauthorized') return 'This kiosk needs to be paired again';
  if (code === 'device-revoked') return 'This kiosk was unpaired by the office';
  if (code === 'kiosk-not-found') return 'The server does not know this kiosk';
  if (code === 'unsupported-version' || code === 'update-required') return 'This kiosk needs an update — reload the page';
  return `Sending paused — please tell the office (${code ?? 'error'})`;
}

/**
 * The link as a person should read it. "Offline" only when the browser knows
 * there is no network; a link that is up with the server not answering says
 * so; the quality is named only when it is poor or fair.
 */
export function networkText(online: boolean, status: WorkerStatus | null): string {
  if (!online) return 'Offline';
  if (status?.phase === 'held') return heldReason(status.lastError);
  if (status?.phase === 'waiting-for-network') return 'Online, but the server cannot be reached';
  const label = status?.quality?.label;
  if (label === 'poor' || label === 'fair') return `Online — ${label} connection`;
  return 'Online';
}

function formatEta(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

/** What waits on the kiosk; never "Sending" while the browser knows it is offline. */
export function queueText(status: WorkerStatus | null, online = true): string {
  if (!status) return 'Starting…';
  const saved = plural(status.waiting, 'check-in', 'check-ins');
  if (status.waiting === 0) return 'All sent';
  if (!online) return `Waiting for the network — ${saved} saved on this kiosk`;
  if (status.phase === 'sending' && status.progress) {
    const { done, total, etaSeconds } = status.progress;
    const eta = etaSeconds === null ? '' : ` — ${formatEta(etaSeconds)}`;
    return `Sending ${done.toLocaleString('en')} of ${total.toLocaleString('en')}${eta}`;
  }
  if (status.phase === 'sending') return `Sending ${saved}…`;
  if (status.phase === 'waiting-for-network') return `Waiting for the server — ${saved} saved on this kiosk`;
  if (status.phase === 'held') return `${saved} saved on this kiosk`;
  return `${saved} waiting to send`;
}

/** Fraction done for the progress bar, or null when nothing is being sent. */
export function progressFraction(status: WorkerStatus | null): number | null {
  if (status?.phase !== 'sending' || !status.progress || status.progress.total === 0) return null;
  return Math.min(1, status.progress.done / status.progress.total);
}

/** A warning when the device is close to its storage quota, else null. */
export function storageWarning(status: WorkerStatus | null): string | null {
  const storage = status?.storage;
  if (!storage || storage.quota === 0) return null;
  const free = storage.quota - storage.usage;
  if (storage.usage / storage.quota < 0.9 && free > 50 * 1024 * 1024) return null;
  return 'This device is nearly out of storage: check-ins may soon fail to save. Please tell the office.';
}

export function readinessText(status: WorkerStatus | null): string {
  if (!status || status.rosterSize === 0) return 'Getting ready to work offline…';
  return `Ready offline — ${plural(status.rosterSize, 'student', 'students')} on this kiosk`;
}

/** Why a pairing code was not taken, in words for the person at the kiosk. */
export function pairingError(code: ErrorCode): string {
  if (code === 'pairing-code-invalid')
    return 'That code is not valid: it may be mistyped, already used or expired. Ask an admin for a new one.';
  if (code === 'too-many-attempts') return 'Too many wrong codes. Wait a few minutes, then try again.';
  if (code === 'network-error') return 'The kiosk must be online to pair. Connect it and try again.';
  if (code === 'device-taken') return 'This browser is already in use for something else. Pair it from a fresh browser profile.';
  if (code === 'invalid-body') return 'A pairing code looks like ABCD-2345.';
  return `Pairing failed (${code}). Please try again or ask an admin.`;
}

/** What a revoked kiosk still holds. */
export function unpairedDetail(status: WorkerStatus | null): string {
  const waiting = status?.waiting ?? 0;
  if (waiting === 0) return 'Nothing is waiting on this kiosk: every check-in reached the server.';
  return `${plural(waiting, 'check-in is', 'check-ins are')} kept on this kiosk and could not be sent.`;
}

/** Under the camera view while it is reading. */
export const CAMERA_READY = 'Hold your card up to the camera, or scan or type the ID below.';

/** Why the camera view is not there, by the DOMException name getUserMedia rejected with; the form below always works. */
export function cameraProblem(errorName: string): string {
  const fallback = 'Scan or type the ID below instead.';
  if (errorName === 'NotAllowedError' || errorName === 'SecurityError')
    return `This kiosk is not allowed to use its camera. Allow the camera for this page in the browser's settings, or ask the office. ${fallback}`;
  if (errorName === 'NotFoundError' || errorName === 'OverconstrainedError') return `No camera was found on this kiosk. ${fallback}`;
  if (errorName === 'NotReadableError') return `The camera is in use by another program or not working. ${fallback}`;
  if (errorName === 'reader-unavailable') return `The card reader could not be loaded on this kiosk. ${fallback}`;
  return `The camera could not be started. ${fallback}`;
}
