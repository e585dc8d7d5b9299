/** The words of "Today, at a glance": pure, so they are tested as a table. */
import { checkOutReasonText } from '../shared/reasons.ts';
import type { StudentHistoryEntry, TodayCounts, TodayStudent } from '../shared/today-protocol.ts';
import { clockTime } from './format-time.ts';
import { STATUS_WORDS } from './staff-text.ts';

export const COUNT_WORDS: Record<keyof TodayCounts, string> = {
  expected: 'Expected today',
  inBuilding: 'In the building',
  present: 'Present',
  late: 'Late',
  absent: 'Absent',
  excused: 'Excused',
  unaccounted: 'Not yet accounted for',
  leftEarly: 'Left early',
};

/** The reasons offered when marking from the missing list; any other can be typed. */
export const REASONS: readonly string[] = ['Ill', 'Medical appointment', 'Family reasons', 'School trip', 'Religious observance'];

export type Freshness =
  { kind: 'loading' } | { kind: 'live'; time: string } | { kind: 'polling'; time: string } | { kind: 'offline'; time: string | null };

/** What the line beside the heading says about how current the figures are. */
export function freshnessText(freshness: Freshness): string {
  switch (freshness.kind) {
    case 'loading':
      return 'Counting today…';
    case 'live':
      return `Live — updated ${freshness.time}`;
    case 'polling':
      return `Updated ${freshness.time}`;
    case 'offline':
      return freshness.time === null
        ? 'Offline: today’s figures show once this computer reaches the server.'
        : `Offline — showing the day as it was at ${freshness.time}`;
  }
}

export function minutesText(minutes: number): string {
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} h ${String(rest).padStart(2, '0')} min`;
}

/**
 * Beside the missing list's heading: how many, and, when some were marked
 * absent without an excuse, how that squares with "Not yet accounted for"
 * (which counts only those with no scan and no mark).
 */
export function missingCountText(missing: ReadonlyArray<Pick<TodayStudent, 'status'>>): string {
  const absent = missing.filter((s) => s.status === 'absent').length;
  const all = `${missing.length.toLocaleString('en')} missing`;
  if (absent === 0) return all;
  return `${all}: ${(missing.length - absent).toLocaleString('en')} not yet accounted for, ${absent.toLocaleString('en')} marked absent`;
}

/** The left-early list's "Marked" cell; one who checked out with no check-in first is flagged, for the office to look into. */
export function leftMarkText(student: Pick<TodayStudent, 'status' | 'checkInAt'>): string {
  const status = student.status === null ? '' : STATUS_WORDS[student.status];
  if (student.checkInAt !== null) return status;
  return status === '' ? 'Checked out, never checked in' : `${status} — checked out, never checked in`;
}

/** The missing list's words for what is known so far. */
export function missingStateText(student: Pick<TodayStudent, 'status' | 'reason'>): string {
  if (student.status !== 'absent') return 'No scan, no mark';
  return student.reason ? `Marked absent: ${student.reason}` : 'Marked absent, no reason yet';
}

/** Whether a student matches what was typed in the search box: the start of their ID, or any part of their name or homeroom. */
export function matchesSearch(student: Pick<TodayStudent, 'studentId' | 'name' | 'homeroom'>, query: string): boolean {
  const q = query.trim().toLocaleLowerCase('en');
  if (q === '') return true;
  return (
    student.studentId.toLocaleLowerCase('en').startsWith(q) ||
    student.name.toLocaleLowerCase('en').includes(q) ||
    student.homeroom.toLocaleLowerCase('en') === q
  );
}

export type StudentSort = 'homeroom' | 'name' | 'time';

const byText = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export function sortStudents(students: readonly TodayStudent[], by: StudentSort): TodayStudent[] {
  const copy = [...students];
  if (by === 'name') copy.sort((a, b) => byText(a.name, b.name) || byText(a.studentId, b.studentId));
  else if (by === 'homeroom') copy.sort((a, b) => byText(a.homeroom, b.homeroom) || byText(a.name, b.name));
  else copy.sort((a, b) => (a.checkInAt ?? Infinity) - (b.checkInAt ?? Infinity) || byText(a.name, b.name));
  return copy;
}

/** A change in a student's day: "Late, in at 08:20", "Present, in at 07:55, out at 11:20 (Appointment)". */
export function historyWhatText(entry: StudentHistoryEntry, timeZone: string): string {
  const parts: string[] = [];
  if (entry.status !== null) parts.push(STATUS_WORDS[entry.status]);
  if (entry.checkInAt !== null) parts.push(`in at ${clockTime(entry.checkInAt, timeZone)}`);
  if (entry.checkOutAt !== null)
    parts.push(
      `out at ${clockTime(entry.checkOutAt, timeZone)}${entry.checkOutReason ? ` (${checkOutReasonText(entry.checkOutReason)})` : ''}`,
    );
  const what = parts.join(', ') || 'No mark';
  return entry.action === 'conflict' ? `${what} (a conflict opened)` : entry.action === 'resolve' ? `${what} (settled)` : what;
}
