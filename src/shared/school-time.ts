/**
 * Wall-clock questions asked in the school's own time zone: which school day
 * a moment belongs to, what the clock on the wall said, and whether it was
 * after the bell. Pure; Intl does the time-zone arithmetic.
 */
import { fail } from './guard.ts';

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

const BELL_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "08:00" → seconds since midnight. */
export function parseBellTime(bellTime: string): number {
  const match = BELL_PATTERN.exec(bellTime);
  if (!match) fail('invalid-config', 'bellTime', 'must be HH:MM (24-hour)');
  return Number(match[1]) * 3600 + Number(match[2]) * 60;
}

/** A check-in is late when it happens after the bell; at the bell exactly is on time. */
export function isLate(epochMs: number, timeZone: string, bellTime: string): boolean {
  return localMoment(epochMs, timeZone).secondOfDay > parseBellTime(bellTime);
}
