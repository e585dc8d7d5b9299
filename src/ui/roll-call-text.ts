/** The emergency roll call's words, as a person reads them. */
import { elapsedText, type RollCallRow, type RollCallState } from '../shared/roll-call.ts';
import { clockTime } from './format-time.ts';
import { plural } from './plural.ts';

/** "Running since 10:02 (started on this device, not yet sent)", "Ended at 10:20", "No roll call is running". */
export function stateText(rollCall: RollCallState | null, timeZone: string): string {
  if (!rollCall) return 'No roll call is running today.';
  if (rollCall.endedAt !== null)
    return `The roll call of ${clockTime(rollCall.startedAt, timeZone)} ended at ${clockTime(rollCall.endedAt, timeZone)}.`;
  const unsent = rollCall.id === null ? ' — started on this device, sent once the network is back' : '';
  return `Running since ${clockTime(rollCall.startedAt, timeZone)}${unsent}. Tick each student as they are found at the muster point.`;
}

export function countsText(found: number, missing: number): { found: string; missing: string } {
  return { found: `${found} found`, missing: `${missing} still missing` };
}

export function runningForText(startedAt: number, now: number): string {
  return `running for ${elapsedText(now - startedAt)}`;
}

/** The record a roll call ended with, as the page shows it after. */
export function lastText(rollCall: RollCallState, missing: readonly RollCallRow[]): string {
  const ran = elapsedText((rollCall.endedAt ?? rollCall.startedAt) - rollCall.startedAt);
  return missing.length === 0
    ? `It ran ${ran}; everyone on the list was found.`
    : `It ran ${ran}; ${plural(missing.length, 'student was', 'students were')} still missing when it ended:`;
}

export function foundText(row: RollCallRow, timeZone: string): string {
  return row.foundAt === null ? 'Found' : `Found ${clockTime(row.foundAt, timeZone)}`;
}
