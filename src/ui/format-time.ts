/**
 * Times as staff read them, always on the school's wall clock (never the
 * device's own zone): "08:14", "Tue 24 Nov", "24 Nov, 08:14". Pure; Intl
 * does the time-zone arithmetic.
 */
import { localMoment } from '../shared/school-time.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', options);
    formatters.set(key, found);
  }
  return found;
}

/** "08:14" in the school's time zone. */
export function clockTime(at: number, timeZone: string): string {
  return formatter(`clock|${timeZone}`, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "Tue 24 Nov" for a school day written "2026-11-24". */
export function dayText(date: string): string {
  const at = Date.parse(`${date}T12:00:00Z`);
  if (!Number.isFinite(at)) return date;
  return formatter('day', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(at);
}

/** "today 08:14" when `at` falls on the same school day as `now`, else "23 Nov, 08:14". */
export function dateTimeText(at: number, timeZone: string, now: number): string {
  const time = clockTime(at, timeZone);
  const date = localMoment(at, timeZone).date;
  if (date === localMoment(now, timeZone).date) return `today ${time}`;
  return `${formatter(`date|${timeZone}`, { timeZone, day: 'numeric', month: 'short' }).format(at)}, ${time}`;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The moment the school's wall clock reads `hhmm` on `date`, as epoch ms, or
 * null when the text is not a time. The zone's offset is measured at a
 * first guess and again at the answer, so a day on which the clocks change
 * comes out right on both sides of the change.
 */
export function epochAt(date: string, hhmm: string, timeZone: string): number | null {
  const match = HHMM.exec(hhmm);
  const midnight = Date.parse(`${date}T00:00:00Z`);
  if (!match || !Number.isFinite(midnight)) return null;
  const wall = midnight + (Number(match[1]) * 60 + Number(match[2])) * 60_000;
  const offsetAt = (at: number): number => {
    const seen = localMoment(at, timeZone);
    return Date.parse(`${seen.date}T00:00:00Z`) + seen.secondOfDay * 1000 - Math.floor(at / 1000) * 1000;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  return second;
}

/** "08:14" for an `<input type="time">`, or "" when there is no time. */
export function timeInputValue(at: number | null, timeZone: string): string {
  return at === null ? '' : clockTime(at, timeZone);
}
