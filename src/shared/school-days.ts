/**
 * Whether a date is a school day: not one of the school's weekdays off and
 * inside none of its closures. Pure, so the office's "missing" list, the
 * worker and the server ask the same question the same way.
 */
import type { SchoolClosure } from './protocol.ts';

export interface SchoolCalendar {
  /** ISO weekdays without school: 1 Monday … 7 Sunday. */
  weekdaysOff?: readonly number[];
  closures?: readonly Pick<SchoolClosure, 'firstDay' | 'lastDay'>[];
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The ISO weekday of "2026-11-25" (a calendar date, no zone): 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new RangeError(`not a date: ${date}`);
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).getUTCDay();
  return day === 0 ? 7 : day;
}

/** "YYYY-MM-DD" compares as text in calendar order, so a closure is a range of strings. */
export function isSchoolDay(date: string, calendar: SchoolCalendar): boolean {
  if (calendar.weekdaysOff?.includes(isoWeekday(date))) return false;
  return !(calendar.closures ?? []).some((closure) => closure.firstDay <= date && date <= closure.lastDay);
}
