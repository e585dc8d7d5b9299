/**
 * Wall-clock questions asked in the school's own time zone: which school day
 * a moment belongs to, what the clock on the wall said, and whether it was
 * later than the bell (or the period's start) and the grace after it. Pure;
 * Intl does the time-zone arithmetic.
 */
import { DAY_SESSION } from './attendance-model.ts';
import { fail } from './guard.ts';
import type { SchoolPeriod } from './protocol.ts';

export interface LocalMoment {
  /** "2026-11-25" */
  date: string;
  /** "07:58" */
  time: string;
  /** Seconds since local midnight. */
  secondOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localMoment(epochMs: number, timeZone: string): LocalMoment {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) parts[part.type] = part.value;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    secondOfDay: hour * 3600 + minute * 60 + second,
  };
}

/**
 * Zone offsets change only on the minute, and never twice within a quarter
 * hour: when both ends of a quarter hour have one offset, every moment in it
 * has that offset, and its wall clock is plain arithmetic.
 */
const WINDOW_MS = 15 * 60_000;

/** The zone's offset from UTC at `epochMs`, in milliseconds, as Intl reports the wall clock. */
function offsetAt(epochMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) parts[part.type] = part.value;
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * `localMoment` for many moments in one zone (a batch's ops), asking Intl
 * twice per quarter hour instead of once per moment. Same answers, at
 * midnight and across daylight-saving changes too.
 */
export function localMoments(timeZone: string): (epochMs: number) => LocalMoment {
  const offsets = new Map<number, number | null>();
  return (epochMs) => {
    const window = Math.floor(epochMs / WINDOW_MS);
    let offset = offsets.get(window);
    if (offset === undefined) {
      const start = offsetAt(window * WINDOW_MS, timeZone);
      offset = start === offsetAt((window + 1) * WINDOW_MS - 1, timeZone) ? start : null;
      offsets.set(window, offset);
    }
    if (offset === null) return localMoment(epochMs, timeZone);
    const wall = new Date(epochMs + offset);
    const hour = wall.getUTCHours();
    const minute = wall.getUTCMinutes();
    return {
      date: `${String(wall.getUTCFullYear()).padStart(4, '0')}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`,
      time: `${two(hour)}:${two(minute)}`,
      secondOfDay: hour * 3600 + minute * 60 + wall.getUTCSeconds(),
    };
  };
}

/** "08:00": a wall-clock time, 24-hour, as schools write their bells and periods. */
export const CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "08:00" → seconds since midnight. */
export function parseBellTime(bellTime: string): number {
  const match = CLOCK_TIME_PATTERN.exec(bellTime);
  if (!match) fail('invalid-config', 'bellTime', 'must be HH:MM (24-hour)');
  return Number(match[1]) * 3600 + Number(match[2]) * 60;
}

/**
 * A check-in is late when it happens after the bell plus the grace; at that
 * moment exactly it is on time.
 */
export function isLate(epochMs: number, timeZone: string, bellTime: string, graceMinutes = 0): boolean {
  return localMoment(epochMs, timeZone).secondOfDay > parseBellTime(bellTime) + graceMinutes * 60;
}

/**
 * What lateness is judged by. A configuration from a server before school
 * set-up has only the zone and the bell: no grace, and every session starts
 * at the bell.
 */
export interface LatenessRule {
  timeZone: string;
  bellTime: string;
  lateGraceMinutes?: number;
  periods?: readonly SchoolPeriod[];
}

/** Seconds since local midnight after which arriving for `session` is late: its start (the bell for the whole day) plus the grace. */
export function lateAfter(rule: LatenessRule, session: string = DAY_SESSION): number {
  const period = session === DAY_SESSION ? undefined : rule.periods?.find((p) => p.name === session);
  return parseBellTime(period?.startsAt ?? rule.bellTime) + (rule.lateGraceMinutes ?? 0) * 60;
}

/** For many moments of one session (a batch's ops): late or on time, as `isLate` decides it. */
export function latenessOf(rule: LatenessRule, session: string = DAY_SESSION): (epochMs: number) => 'late' | 'present' {
  const local = localMoments(rule.timeZone);
  const after = lateAfter(rule, session);
  return (epochMs) => (local(epochMs).secondOfDay > after ? 'late' : 'present');
}

/** `isLate` with the school's grace and, for a period, the period's start. */
export function isLateFor(epochMs: number, rule: LatenessRule, session: string = DAY_SESSION): boolean {
  return localMoment(epochMs, rule.timeZone).secondOfDay > lateAfter(rule, session);
}
