/**
 * The attendance record and its vocabulary: the one leaf module every other
 * shared module takes these types from. It imports nothing.
 */

export type AttendanceStatus = 'present' | 'late' | 'absent' | 'excused';
export const ATTENDANCE_STATUSES: readonly AttendanceStatus[] = ['present', 'late', 'absent', 'excused'];

/** The whole-day record's session; period registers use the period's name. */
export const DAY_SESSION = 'day';

/**
 * check-in / check-out: a door scan. status: a person's mark (roll call,
 * absence, excuse). note: free text about the student's day.
 */
export type OpKind = 'check-in' | 'check-out' | 'status' | 'note';
export const OP_KINDS: readonly OpKind[] = ['check-in', 'check-out', 'status', 'note'];

/** Who made a change: the door (a kiosk), or a person by role. */
export type Actor = 'door' | 'teacher' | 'office' | 'admin';

export interface RecordNote {
  id: string;
  text: string;
  /** The author: a person's name or the kiosk's. */
  by: string;
}

/** One attendance record, keyed elsewhere by (school, student, date, session). */
export interface RecordState {
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  notes: RecordNote[];
}

export type MergeField = 'status' | 'checkInAt' | 'checkOutAt' | 'notes';
export const MERGE_FIELDS: readonly MergeField[] = ['status', 'checkInAt', 'checkOutAt', 'notes'];

export const EMPTY_RECORD: RecordState = { status: null, checkInAt: null, checkOutAt: null, notes: [] };

/** What one op does to a record. */
export type RecordChange =
  | { kind: 'check-in'; at: number }
  | { kind: 'check-out'; at: number }
  | { kind: 'status'; status: AttendanceStatus }
  | { kind: 'note'; note: RecordNote };
