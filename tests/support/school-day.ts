/** A school day for the attendance rule tables: the bell at 08:00 UTC, and a record built from a few fields. */
import { EMPTY_RECORD, type RecordState } from '../../src/shared/attendance-model.ts';
import type { Lateness } from '../../src/shared/attendance-rules.ts';

export const BELL = Date.parse('2026-11-24T08:00:00Z');
export const lateness: Lateness = (t) => (t > BELL ? 'late' : 'present');
/** A time of that day, minutes after the bell (negative before it). */
export const afterBell = (minutes: number): number => BELL + minutes * 60_000;
export const T1500 = afterBell(7 * 60);
export const T1530 = afterBell(7 * 60 + 30);

export const rec = (fields: Partial<RecordState>): RecordState => ({ ...EMPTY_RECORD, ...fields });
