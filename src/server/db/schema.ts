/**
 * The database, typed once. Times are epoch milliseconds; ids are text so
 * SQLite and PostgreSQL share one schema.
 */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { StaffRole } from '../../shared/account-protocol.ts';
import type { AttendanceStatus } from '../../shared/attendance-model.ts';
import type { OutcomeStatus } from '../../shared/protocol.ts';

export interface SchoolsTable {
  id: string;
  name: string;
  time_zone: string;
  /** "HH:MM": lessons start; a check-in later than the bell plus the grace is late. */
  bell_time: string;
  roster_version: number;
  created_at: number;
  /** The SIS's id for the school (OneRoster org sourcedId), when it came from an import. */
  source_id: Generated<string | null>;
  /** "HH:MM": when the school day begins (the doors open). */
  day_start: Generated<string>;
  /** Minutes after the bell a check-in still counts as on time. */
  late_grace_minutes: Generated<number>;
  /** ISO weekdays without school (1 Monday … 7 Sunday), comma-separated, such as "6,7". */
  weekdays_off: Generated<string>;
  /** Raised by every settings change, so devices know to read the settings again. */
  settings_version: Generated<number>;
  /** The school's newest change-feed number (`changes.school_seq`). */
  change_seq: Generated<number>;
  /** School years of records kept, the current one included (src/shared/retention.ts). */
  keep_school_years: Generated<number>;
  /** "MM-DD": the first day of a school year. */
  school_year_starts: Generated<string>;
  /** Days a device keeps what the server refused (SchoolInfo.keepRefusedDays). */
  refused_keep_days: Generated<number>;
}

/** A school's timetable: each period is a register of its own, beside the whole day's. */
export interface SchoolPeriodsTable {
  school_id: string;
  /** Also the session name its records are kept under, such as "P1". */
  name: string;
  /** "HH:MM" each. */
  starts_at: string;
  ends_at: string;
  position: number;
}

/** The school's absence reasons, in the order the roll offers them; `retired` ones are off the list but still read (src/shared/reasons.ts). */
export interface AbsenceReasonsTable {
  school_id: string;
  code: string;
  label: string;
  position: number;
  /** 1 once the school took it off its list. */
  retired: Generated<number>;
}

/** Days without school (holidays, closures), first to last inclusive, YYYY-MM-DD in the school's zone. */
export interface SchoolClosuresTable {
  id: string;
  school_id: string;
  first_day: string;
  last_day: string;
  reason: string;
}

export interface HomeroomsTable {
  school_id: string;
  name: string;
  /** The SIS's class sourcedId, when it came from an import. */
  source_id: string | null;
  created_at: number;
}

/** The homerooms a teacher takes the roll for: their roll opens on these. */
export interface StaffHomeroomsTable {
  staff_id: string;
  school_id: string;
  homeroom: string;
}

/** Append-only: every change a person makes outside attendance (students, staff, kiosks, settings, imports). */
export interface AdminLogTable {
  id: Generated<number>;
  school_id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  /** Such as "student-added", "staff-deactivated", "roster-imported". */
  action: string;
  /** What it was done to: a student number, an email, a kiosk's name. */
  subject: string;
  /** JSON: what changed. */
  details: string;
}

export interface StudentsTable {
  id: string;
  school_id: string;
  /** The ID on the student's card, typed or scanned at the door. Unique within a school. */
  student_number: string;
  name: string;
  homeroom: string;
  created_at: number;
  /** The SIS's stable id (OneRoster user sourcedId): an import matches on it, so a changed card number is an update. */
  source_id: Generated<string | null>;
  given_name: Generated<string>;
  family_name: Generated<string>;
  grade: Generated<string | null>;
  /** When the student left: kept with their history, off the kiosks' roster. */
  left_at: Generated<number | null>;
  updated_at: Generated<number | null>;
}

/** A place at the door where a device stands. */
export interface KiosksTable {
  id: string;
  school_id: string;
  name: string;
  created_at: number;
  /** A retired kiosk cannot be paired again; its devices' history stays. */
  retired_at: Generated<number | null>;
  /** How it reads cards: a scanner acting as a keyboard, or its camera. */
  scan_mode: Generated<'keyboard' | 'camera'>;
  /** An exit kiosk checks students out. */
  direction: Generated<'entrance' | 'exit'>;
}

export type DeviceKind = 'kiosk' | 'staff';

/**
 * One browser profile whose service worker sends ops; its id is made by the
 * device. A kiosk is paired by an admin and holds a token; a staff browser
 * (the roll, the office) sends under its signed-in person and has no kiosk.
 */
export interface DevicesTable {
  id: string;
  school_id: string;
  kiosk_id: string | null;
  kind: Generated<DeviceKind>;
  /** SHA-256 of the device token; the token itself is never stored. */
  token_hash: string | null;
  paired_at: number | null;
  paired_by: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
  first_seen_at: number;
  last_seen_at: number;
  /** Highest sequence number received from this device. */
  last_seq: number;
  /** As the device reported them at its last sync. */
  app_version: string | null;
  queue_depth: number | null;
  oldest_waiting_at: number | null;
  /** For a staff browser: who last sent from it. */
  staff_id: string | null;
  /** As the device reported them with its last batch (src/shared/sync-headers.ts HEALTH_HEADER). */
  link_score: Generated<number | null>;
  link_label: Generated<string | null>;
  storage_free: Generated<number | null>;
  /** "code@epoch ms" joined by commas, newest first, as the device sent them. */
  recent_failures: Generated<string | null>;
}

/** One device's batches on one school day (the school's date as they arrived), counted in their transactions. */
export interface DeviceStatsTable {
  school_id: string;
  date: string;
  device_id: string;
  ops_received: number;
  duplicates: number;
  refusals: number;
  conflicts: number;
  /** The request bodies as they came over the wire, compressed or not. */
  bytes_received: number;
}

export interface StaffTable {
  id: string;
  /** Lower-case; the sign-in name. */
  email: string;
  name: string;
  role: StaffRole;
  /** scrypt, in the format of ../auth/password.ts. */
  password_hash: string;
  /** 1 for a one-time password printed at first start: it must be changed before anything else. */
  must_change_password: number;
  created_at: number;
  /** The SIS's id for the person, when an import made the account. */
  source_id: Generated<string | null>;
  /** Set when the account is switched off: it cannot sign in and its sessions are ended. */
  deactivated_at: Generated<number | null>;
}

/** The schools a person works for: one for a teacher or the office, any number for an admin. */
export interface StaffSchoolsTable {
  staff_id: string;
  school_id: string;
}

export interface StaffSessionsTable {
  /** SHA-256 of the cookie's value. */
  id_hash: string;
  staff_id: string;
  /** The school this session acts for; null for an admin who has not created one yet (the set-up page is all they reach). */
  school_id: string | null;
  created_at: number;
  expires_at: number;
}

export interface PairingCodesTable {
  /** SHA-256 of the normalised code; the code itself is shown once and never stored. */
  code_hash: string;
  school_id: string;
  kiosk_id: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by_device: string | null;
}

/** Every op ever received, with how it was settled, so a replay gets its original receipt. Keyed by (school_id, op_id): an op id is unique within its school. */
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
  status: OutcomeStatus;
  code: string | null;
  session: string;
  mark_status: string | null;
  note_text: string | null;
  base_version: number;
  /** 'door' for a kiosk, else the sender's role. */
  actor_kind: string | null;
  /** The kiosk device or the staff member that sent the op. */
  actor_id: string | null;
  /** `at` corrected by the device's clock offset: the time the school's rules judge. */
  corrected_time: number | null;
  clock_offset: number | null;
  /** For a merged op: the rule that decided. */
  rule: string | null;
  /** For an op that opened a conflict. */
  conflict_id: string | null;
  /** The op's reason code, as sent. */
  reason: string | null;
}

/** Current attendance, one row per (school, date, session, student): its key, in that order, so a day's writes land together. */
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
  /** Who set the status: 'door' for a scan, else the person's role. */
  status_by: string;
  /** 1 when whoever set the status knew of a door check-in (a door-set status always did). */
  status_saw_check_in: number;
  /** The name of who set it: a person, or the kiosk. */
  status_by_name: string;
  /** The kiosk device or person behind the latest change: their next op follows on from it. */
  last_actor_id: string | null;
  /** For an absent or excused status: its reason's code, and the words that reason had when it was marked. */
  status_reason: Generated<string | null>;
  status_reason_text: Generated<string | null>;
  /** Why the student checked out (CHECK_OUT_REASONS), when they said. */
  check_out_reason: Generated<string | null>;
}

/** Notes about a student's day, keyed by (school_id, op_id); every one is kept, none overwrites another. */
export interface NotesTable {
  op_id: string;
  school_id: string;
  student_id: string;
  date: string;
  session: string;
  text: string;
  device_id: string | null;
  written_at: number;
  /** Who wrote it: a person's name or the kiosk's. */
  author: string;
}

export interface ConflictsTable {
  id: string;
  school_id: string;
  student_id: string;
  date: string;
  session: string;
  op_id: string;
  status: 'open' | 'resolved';
  /** JSON: the fields in conflict. */
  fields: string;
  /** JSON RecordState each. */
  base: string;
  local: string;
  server: string;
  suggestion: string;
  confidence: number;
  rule: string;
  reason: string;
  /** JSON ActorRef each. */
  local_by: string;
  server_by: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  /** JSON: the choices made. */
  resolution: string | null;
  note: string | null;
}

/** Append-only: every change to a record and every resolution. */
export interface AuditLogTable {
  id: Generated<number>;
  school_id: string;
  student_id: string;
  date: string;
  session: string;
  /** The record's version after this entry. */
  version: number;
  at: number;
  action: 'mark' | 'merge' | 'conflict' | 'resolve';
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
  device_id: string | null;
  op_id: string | null;
  rule: string | null;
  note: string | null;
  /** JSON StoredRecord each. */
  before: string;
  after: string;
}

export interface ChangesTable {
  /** The row's key, across schools: never shown to anyone. */
  seq: Generated<number>;
  school_id: string;
  /** The change's number within its school: what cursors count. */
  school_seq: number;
  at: number;
  /** JSON Change (src/shared/office-protocol.ts). */
  payload: string;
  /** The device whose op made the change, if one did. */
  origin_device: string | null;
  /** 1 when that device already holds exactly this result (its op applied as made). */
  echo: Generated<number>;
}

/** One failed sign-in or pairing attempt, kept for the limit's window. */
export interface FailedAttemptsTable {
  /** Which limit counts it, such as "sign-in:address". */
  scope: string;
  /** SHA-256 of what the limit counts per (an address, an account): the database holds no list of who tried what. */
  key_hash: string;
  at: number;
}

/** An address a person signed in from, lately: limits meant for strangers do not apply to them there. */
export interface KnownSignInAddressesTable {
  staff_id: string;
  /** SHA-256 of the address. */
  address_hash: string;
  last_at: number;
}

/** An emergency roll call (src/shared/roll-call.ts); `ended_at` null while it runs. */
export interface RollCallsTable {
  id: string;
  school_id: string;
  /** YYYY-MM-DD, school time, of its start. */
  date: string;
  started_at: number;
  /** The name of whoever started it first. */
  started_by: string;
  ended_at: number | null;
  ended_by: string | null;
}

/** A student found at the muster point; the earliest tick of each student and roll call. */
export interface RollCallTicksTable {
  roll_call_id: string;
  school_id: string;
  student_number: string;
  found_at: number;
  found_by: string;
  /** The latest tick, where later than the first; null: none later. */
  last_found_at: number | null;
}

/** The latest undo of a student's tick in a roll call. */
export interface RollCallUndosTable {
  roll_call_id: string;
  school_id: string;
  student_number: string;
  undone_at: number;
  undone_by: string;
}

export interface Database {
  schools: SchoolsTable;
  students: StudentsTable;
  kiosks: KiosksTable;
  devices: DevicesTable;
  device_stats: DeviceStatsTable;
  ops: OpsTable;
  attendance: AttendanceTable;
  notes: NotesTable;
  staff: StaffTable;
  staff_schools: StaffSchoolsTable;
  staff_sessions: StaffSessionsTable;
  pairing_codes: PairingCodesTable;
  conflicts: ConflictsTable;
  audit_log: AuditLogTable;
  changes: ChangesTable;
  failed_attempts: FailedAttemptsTable;
  known_sign_in_addresses: KnownSignInAddressesTable;
  school_periods: SchoolPeriodsTable;
  school_closures: SchoolClosuresTable;
  absence_reasons: AbsenceReasonsTable;
  homerooms: HomeroomsTable;
  staff_homerooms: StaffHomeroomsTable;
  admin_log: AdminLogTable;
  roll_calls: RollCallsTable;
  roll_call_ticks: RollCallTicksTable;
  roll_call_undos: RollCallUndosTable;
}

export type School = Selectable<SchoolsTable>;
export type NewStudent = Insertable<StudentsTable>;
