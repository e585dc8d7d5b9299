/**
 * The registers a school keeps: the whole day, and one per period of its
 * timetable (`SchoolInfo.periods`), in the timetable's order.
 */
import { DAY_SESSION } from './attendance-model.ts';
import type { SchoolPeriod } from './protocol.ts';

/**
 * What a server from before school set-up kept for every school, and still
 * what a device assumes when its configuration names no periods.
 */
export const FIXED_SESSIONS: readonly string[] = [DAY_SESSION, 'P1', 'P2', 'P3', 'P4', 'P5', 'P6'];

/** The sessions of a school with these periods: the whole day first; the fixed list when the periods are not known. */
export function sessionsOf(periods: readonly Pick<SchoolPeriod, 'name'>[] | undefined): string[] {
  if (periods === undefined) return [...FIXED_SESSIONS];
  return [DAY_SESSION, ...periods.map((p) => p.name)];
}
