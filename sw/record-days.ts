/**
 * Which school days the server may file a queued op under, so that ops about
 * different days of the same student need not wait for each other (a
 * fortnight's backlog then goes out in requests that overlap, instead of one
 * at a time).
 *
 * The server files an op under the school-local date of its corrected time
 * (`at + offset`). The worker knows both only once it has measured its clock
 * against the server and holds the school's time zone; without them an op has
 * no known days and is ordered with every op of its student and session. An
 * op within MARGIN_MS of local midnight counts for both days, so a time-zone
 * database that differs from the server's by a rule change cannot reorder
 * two ops of one record.
 */
import { localMoment } from '../src/shared/school-time.ts';

const MARGIN_MS = 90 * 60_000;
/** Every zone's offset is a whole number of quarter hours: the local date cannot change inside a quarter hour of UTC. */
const QUARTER_HOUR_MS = 15 * 60_000;
const CACHE_LIMIT = 10_000;

export interface DatedOp {
  at: number;
  offset?: number;
}

export type RecordDays = (op: DatedOp) => readonly string[] | undefined;

/** Days for ops of a school in `timeZone`; `undefined` when the zone is not known yet. */
export function recordDaysIn(timeZone: string | undefined): RecordDays {
  if (timeZone === undefined) return () => undefined;
  const dates = new Map<number, string>();
  const dateAt = (t: number): string => {
    const quarter = Math.floor(t / QUARTER_HOUR_MS);
    let date = dates.get(quarter);
    if (date === undefined) {
      if (dates.size >= CACHE_LIMIT) dates.clear();
      date = localMoment(quarter * QUARTER_HOUR_MS, timeZone).date;
      dates.set(quarter, date);
    }
    return date;
  };
  return (op) => {
    if (op.offset === undefined) return undefined;
    const corrected = op.at + op.offset;
    const before = dateAt(corrected - MARGIN_MS);
    const after = dateAt(corrected + MARGIN_MS);
    return before === after ? [before] : [before, after];
  };
}
