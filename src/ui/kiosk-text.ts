/** What the kiosk says, in plain language. */
import type { ErrorCode } from '../shared/error-codes.ts';
import type { MarkAnswer } from '../shared/protocol.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';

export interface Message {
  headline: string;
  detail: string;
  tone: 'ok' | 'late' | 'warn' | 'error';
}

export function answerMessage(answer: MarkAnswer): Message {
  if (!answer.student) {
    return { headline: "Not on this school's roster", detail: `ID ${answer.studentId} — please see the office.`, tone: 'warn' };
  }
  const saved = answer.queued ? 'Saved on this kiosk.' : 'Saved.';
  return answer.late
    ? { headline: `${answer.student.name} — late, ${answer.localTime}`, detail: `${answer.student.homeroom}. ${saved}`, tone: 'late' }
    : { headline: `${answer.student.name} — checked in ${answer.localTime}`, detail: `${answer.student.homeroom}. ${saved}`, tone: 'ok' };
}

export function refusalMessage(code: ErrorCode, studentId: string): Message {
  if (code === 'unknown-student') return { headline: "Not on this school's roster", detail: `ID ${studentId} — please see the office.`, tone: 'warn' };
  if (code === 'invalid-body') return { headline: 'That ID could not be read', detail: 'Please scan again or type the number on the card.', tone: 'warn' };
  return { headline: 'Not saved', detail: `Please try again or see the office (${code}).`, tone: 'error' };
}

export const FAILURE_MESSAGE: Message = {
  headline: 'Not saved — please try again',
  detail: 'This kiosk could not save the check-in. If this keeps happening, please see the office.',
  tone: 'error',
};

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function networkText(online: boolean, status: WorkerStatus | null): string {
  if (!online) return 'Offline';
  if (status?.phase === 'waiting-for-network') return 'Offline — the server cannot be reached';
  if (status?.phase === 'held') return `Sending paused — please tell the office (${status.lastError ?? 'error'})`;
  return 'Online';
}

export function queueText(status: WorkerStatus | null): string {
  if (!status) return 'Starting…';
  const parts: string[] = [];
  if (status.waiting === 0) parts.push('All sent');
  else if (status.phase === 'sending') parts.push(`Sending ${plural(status.waiting, 'check-in', 'check-ins')}…`);
  else parts.push(`${plural(status.waiting, 'check-in', 'check-ins')} waiting to send`);
  if (status.deadLetters > 0) parts.push(`${plural(status.deadLetters, 'check-in', 'check-ins')} refused by the server — see the office`);
  return parts.join(' · ');
}

export function readinessText(status: WorkerStatus | null): string {
  if (!status || status.rosterSize === 0) return 'Getting ready to work offline…';
  return `Ready offline — ${plural(status.rosterSize, 'student', 'students')} on this kiosk`;
}
