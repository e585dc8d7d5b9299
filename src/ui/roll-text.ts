/** What the roll says, in plain language; pure, so it is tested without a browser. */
import type { OpErrorCode } from '../shared/error-codes.ts';
import type { RollRow, RollView } from '../shared/office-protocol.ts';
import type { SchoolClosure } from '../shared/protocol.ts';
import { checkOutReasonText } from '../shared/reasons.ts';
import { isSchoolDay } from '../shared/school-days.ts';
import { ulidTime } from '../shared/ulid.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { clockTime } from './format-time.ts';
import { REFUSAL_WORDS } from './staff-errors.ts';
import { markStateText, STATUS_WORDS } from './staff-text.ts';
import { plural } from './plural.ts';

/**
 * The refusal of this row's latest mark, found among the worker's recent
 * refusals by student and by the moment the mark was made (its op id's time).
 */
export function refusalOf(row: RollRow, status: WorkerStatus | null): OpErrorCode | null {
  if (row.mark?.state !== 'rejected' || !status) return null;
  const at = ulidTime(row.mark.opId);
  return status.recentDeadLetters.find((d) => d.kind === 'status' && d.studentId === row.studentId && d.at === at)?.code ?? null;
}

/** "Marked Absent — Waiting to send", "Marked Absent — Refused: the student is not on the school's roster". */
export function markText(mark: NonNullable<RollRow['mark']>, refusal: OpErrorCode | null): string {
  const state = mark.state === 'rejected' && refusal ? `Refused: ${REFUSAL_WORDS[refusal]}` : markStateText(mark.state);
  return `Marked ${STATUS_WORDS[mark.status]} — ${state}`;
}

/** "Ada Lovelace — Present", "Ada Lovelace — Absent (Illness)", or the name alone when nobody has marked the student. */
export function rowHeadline(row: RollRow): string {
  if (!row.status) return row.name;
  const reason = row.reasonText && (row.status === 'absent' || row.status === 'excused') ? ` (${row.reasonText})` : '';
  return `${row.name} — ${STATUS_WORDS[row.status]}${reason}`;
}

/** "At the door 07:58", "Left 11:20 (Appointment)". */
export function doorText(row: RollRow, timeZone: string): string {
  if (row.checkOutAt !== undefined) {
    const why = row.checkOutReason ? ` (${checkOutReasonText(row.checkOutReason)})` : '';
    return `Left ${clockTime(row.checkOutAt, timeZone)}${why}`;
  }
  return row.checkInAt === null ? 'Not scanned at the door' : `At the door ${clockTime(row.checkInAt, timeZone)}`;
}

/** The footer's count of marks this device still holds. */
export function rollQueueText(status: WorkerStatus | null, online = true): string {
  if (!status) return '';
  if (status.waiting === 0) return 'All marks sent';
  if (status.phase === 'sending' && online) return `Sending ${plural(status.waiting, 'mark', 'marks')}…`;
  return `${plural(status.waiting, 'mark', 'marks')} waiting to send`;
}

/** True when only signing in again lets this device send what it holds. */
export function needsSignIn(status: WorkerStatus | null): boolean {
  return status?.phase === 'held' && (status.lastError === 'not-signed-in' || status.lastError === 'session-expired');
}

export function sourceText(view: RollView): string {
  // A new school's roll before its roster: say where the students come from, not only that there are none.
  if (view.groups.length === 0)
    return 'No students on the roster yet: an admin imports the roster on the Admin page, or the office adds students.';
  return view.source === 'device'
    ? 'From this device’s copy: marks are kept here and sent when online.'
    : 'Straight from the server: this device is not ready to work offline yet.';
}

/** "28 students, 12 marked". */
export function rollSummary(view: RollView): string {
  const marked = view.rows.filter((row) => row.status !== null).length;
  return `${plural(view.rows.length, 'student', 'students')}, ${marked.toLocaleString('en')} marked`;
}

/** "No school today: Christmas holidays" on a closure or a weekday off, so an empty roll is not taken for a missing one; '' on a school day. */
export function noSchoolText(date: string, calendar: { weekdaysOff?: readonly number[]; closures?: readonly SchoolClosure[] }): string {
  if (isSchoolDay(date, calendar)) return '';
  const closure = (calendar.closures ?? []).find((c) => c.firstDay <= date && date <= c.lastDay);
  return closure && closure.reason.trim() !== '' ? `No school today: ${closure.reason.trim()}` : 'No school today';
}
