/**
 * Wire types for the teacher's roll, the office's conflicts and a record's
 * history. Shared by the pages, the worker and the server.
 */
import type { Actor, AttendanceStatus, MergeField, RecordState } from './attendance-model.ts';
import type { ProtocolVersion } from './protocol.ts';

/** Where a mark made on this device stands. */
export type MarkState = 'waiting' | 'sent' | 'merged' | 'conflict' | 'rejected';

export interface RollRow {
  studentId: string;
  name: string;
  homeroom: string;
  /** The record as this device knows it (door scans included); null status when nobody has marked it. */
  status: AttendanceStatus | null;
  checkInAt: number | null;
  /** The record's server version this device knows; a mark made now is based on it. */
  version: number;
  /** The latest mark made on this device for this student and session, if any. */
  mark: { opId: string; status: AttendanceStatus; state: MarkState; conflictId: string | null } | null;
  /** An absent or excused status's reason: its code and the words it was marked with. Absent: none (or an older peer). */
  reason?: string;
  reasonText?: string;
  /** When the student checked out at the door today, and why (CHECK_OUT_REASONS). */
  checkOutAt?: number;
  checkOutReason?: string;
}

/** `GET /api/roll?group=&session=`: answered by the worker from the device, or by the server. */
export interface RollView {
  v: ProtocolVersion;
  type: 'roll';
  /** School day, YYYY-MM-DD in the school's time zone. */
  date: string;
  session: string;
  group: string;
  /** Homerooms on the roster, sorted. */
  groups: string[];
  /** "day" and the periods. */
  sessions: string[];
  rows: RollRow[];
  /** device: from this device's copy (offline-ready); server: straight from the server. */
  source: 'device' | 'server';
}

export interface ActorRef {
  kind: Actor | 'system';
  /** The person's name, or the kiosk's name for the door. */
  name: string;
  /**
   * The device the change came from; null when it came from none the server
   * knows (a page posting straight to the server, a resolution). Left out by
   * older servers.
   */
  device?: DeviceRef | null;
}

/** A device as the office reads it: a kiosk by its name; a staff browser has none. */
export interface DeviceRef {
  kind: 'kiosk' | 'staff';
  name: string | null;
}

export interface ConflictView {
  id: string;
  studentId: string;
  studentName: string;
  homeroom: string;
  date: string;
  session: string;
  fields: MergeField[];
  base: RecordState;
  /** What the device that sent the op wanted. */
  local: RecordState;
  /** The record on the server when the op arrived (and still kept while the conflict is open). */
  server: RecordState;
  localBy: ActorRef;
  serverBy: ActorRef;
  suggestion: RecordState;
  confidence: number;
  rule: string;
  reason: string;
  createdAt: number;
  status: 'open' | 'resolved';
  /** Conflicts with the same key differ only by student: the office can settle them together. */
  similarKey: string;
  /**
   * The student's door check-in that day (the whole day's record), as it
   * stands now; null when there is none. Left out by older servers.
   */
  doorCheckInAt?: number | null;
}

/** `GET /api/conflicts?status=open|resolved`. */
export interface ConflictList {
  v: ProtocolVersion;
  type: 'conflicts';
  conflicts: ConflictView[];
}

export type FieldChoice = { take: 'local' } | { take: 'server' } | { take: 'custom'; value: AttendanceStatus | number | null };
export type ResolvableField = 'status' | 'checkInAt' | 'checkOutAt';

export interface Resolution {
  conflictId: string;
  /** Fields left out keep the server's value. */
  choices: Partial<Record<ResolvableField, FieldChoice>>;
  note: string;
}

/** `POST /api/conflicts/resolve`: one or many at once. */
export interface ResolveRequest {
  v: ProtocolVersion;
  resolutions: Resolution[];
}

export interface ResolveResult {
  v: ProtocolVersion;
  type: 'resolutions';
  results: Array<{ conflictId: string; version: number }>;
}

export interface HistoryEntry {
  at: number;
  version: number;
  /** mark: an op applied; merge: an op merged by a rule; conflict: a conflict opened; resolve: a person settled one. */
  action: 'mark' | 'merge' | 'conflict' | 'resolve';
  actor: ActorRef;
  deviceId: string | null;
  opId: string | null;
  rule: string | null;
  note: string | null;
  before: RecordState;
  after: RecordState;
}

/** `GET /api/records/history?studentId=&date=&session=`. */
export interface RecordHistory {
  v: ProtocolVersion;
  type: 'history';
  studentId: string;
  date: string;
  session: string;
  entries: HistoryEntry[];
}
