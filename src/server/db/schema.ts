/**
 * The database, typed once. Times are epoch milliseconds; ids are text so
 * SQLite and PostgreSQL share one schema.
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { AttendanceStatus } from '../../shared/protocol.ts';

export interface SchoolsTable {
  id: string;
  name: string;
  time_zone: string;
  bell_time: string;
  roster_version: number;
  created_at: number;
}

export interface StudentsTable {
  id: string;
  school_id: string;
  /** The ID on the student's card, typed or scanned at the door. Unique within a school. */
  student_number: string;
  name: string;
  homeroom: string;
  created_at: number;
}

/** A place at the door where a device stands. */
export interface KiosksTable {
  id: string;
  school_id: string;
  name: string;
  created_at: number;
}

/** One browser profile running the kiosk page; its id is made by the device. */
export interface DevicesTable {
  id: string;
  school_id: string;
  kiosk_id: string;
  first_seen_at: number;
  last_seen_at: number;
  /** Highest sequence number received from this device. */
  last_seq: number;
}

export type OpStatus = 'applied' | 'rejected';

/** Every op ever received, with how it was settled, so a replay gets its original receipt. */
export interface OpsTable {
  op_id: string;
  /** Null for marks posted straight to the server by a page no worker controls yet. */
  device_id: string | null;
  seq: number | null;
  school_id: string;
  kind: string;
  student_number: string;
  device_time: number;
  received_at: number;
  status: OpStatus;
  code: string | null;
  session: string;
  mark_status: string | null;
  note_text: string | null;
  base_version: number;
}


/** Current attendance, one row per (school, student, date, session). */
export interface AttendanceTable {
  school_id: string;
  student_id: string;
  /** The school day, YYYY-MM-DD in the school's time zone. */
  date: string;
  /** "day" for the whole-day record; a period name for period registers. */
  session: string;
  status: AttendanceStatus;
  check_in_at: number | null;
  check_in_op_id: string | null;
  check_out_at: number | null;
  check_out_op_id: string | null;
  version: Generated<number>;
  updated_at: number;
}

/** Notes about a student's day; every one is kept, none overwrites another. */
export interface NotesTable {
  op_id: string;
  school_id: string;
  student_id: string;
  date: string;
  session: string;
  text: string;
  device_id: string | null;
  written_at: number;
}

export interface Database {
  schools: SchoolsTable;
  students: StudentsTable;
  kiosks: KiosksTable;
  devices: DevicesTable;
  ops: OpsTable;
  attendance: AttendanceTable;
  notes: NotesTable;
}

export type School = Selectable<SchoolsTable>;
export type NewStudent = Insertable<StudentsTable>;
