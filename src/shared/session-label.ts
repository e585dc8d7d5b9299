/**
 * A session (register) as people read it, the same on every page and in
 * every export: "Whole day" for the day's register, "Period 3" for the
 * timetable's P3, and any other name as the school wrote it.
 */
import { DAY_SESSION } from './attendance-model.ts';

export function sessionLabel(session: string): string {
  if (session === DAY_SESSION) return 'Whole day';
  const period = /^P(\d+)$/.exec(session);
  return period ? `Period ${period[1]}` : session;
}
