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
export type RecordOpKind = 'check-in' | 'check-out' | 'status' | 'note';
/**
 * The emergency roll call (src/shared/roll-call.ts): started, a student found
 * at the muster point (or that tick undone, a marshal's mistake), ended. Start and end are about no one student: their
 * `studentId` is empty.
 */
export type RollCallOpKind = 'roll-call-start' | 'roll-call-found' | 'roll-call-undo' | 'roll-call-end';
export type OpKind = RecordOpKind | RollCallOpKind;
export const ROLL_CALL_OP_KINDS: readonly RollCallOpKind[] = ['roll-call-start', 'roll-call-found', 'roll-call-undo', 'roll-call-end'];
export const OP_KINDS: readonly OpKind[] = ['check-in', 'check-out', 'status', 'note', ...ROLL_CALL_OP_KINDS];

export function isRollCallKind(kind: OpKind): kind is RollCallOpKind {
  return (ROLL_CALL_OP_KINDS as readonly string[]).includes(kind);
}

/** Whether an op of this kind names no student (a roll call's start or end). */
export const withoutStudent = (kind: unknown): boolean => kind === 'roll-call-start' || kind === 'roll-call-end';

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
