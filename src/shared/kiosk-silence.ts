/**
 * Whether a kiosk has gone quiet when it should be working: not heard from
 * for SILENT_AFTER_MS of the school's hours on a school day. Hours before
 * the doors open do not count, so a kiosk switched off overnight is flagged
 * only once the day has run that long without it. Pure, on the school's wall
 * clock, so the admin's device list and its tests agree.
 */
import type { SchoolInfo } from './protocol.ts';
import { isSchoolDay } from './school-days.ts';
import { localMoment, parseBellTime } from './school-time.ts';

export const SILENT_AFTER_MS = 15 * 60_000;
/** A school with no periods set up is taken to end this long after its bell. */
const HOURS_AFTER_BELL_WITHOUT_PERIODS = 7;

/** The school's hours as seconds since local midnight: from the doors opening (or the bell) to the last period's end. */
export function schoolHours(school: Pick<SchoolInfo, 'bellTime' | 'dayStart' | 'periods'>): { from: number; to: number } {
  const from = parseBellTime(school.dayStart ?? school.bellTime);
  const ends = (school.periods ?? []).map((period) => parseBellTime(period.endsAt));
  const to = ends.length > 0 ? Math.max(...ends) : parseBellTime(school.bellTime) + HOURS_AFTER_BELL_WITHOUT_PERIODS * 3600;
  return { from, to };
}

export function isSilentKiosk(lastSeenAt: number, now: number, school: SchoolInfo): boolean {
  const local = localMoment(now, school.timeZone);
  if (!isSchoolDay(local.date, school)) return false;
  const { from, to } = schoolHours(school);
  if (local.secondOfDay < from || local.secondOfDay >= to) return false;
  // A clock change falls at night, outside school hours: today's opening is this far back on any day.
  const openedAt = now - (local.secondOfDay - from) * 1000;
  return now - Math.max(lastSeenAt, openedAt) >= SILENT_AFTER_MS;
}
