/**
 * Wire types between the page, the service worker and the server, the
 * change feed included. Every message carries `v` (the protocol version)
 * and is checked by an `assert…` guard before it is trusted: strictly when
 * it is input, leniently (unknown fields ignored) when a newer peer sent it.
 */
import type { AttendanceStatus, OpKind } from './attendance-model.ts';
import type { OpErrorCode } from './error-codes.ts';
import type { AbsenceReason } from './reasons.ts';

export const PROTOCOL_VERSION = 1;
/** The oldest version the server still takes. Raising it tells every older device to update. */
export const OLDEST_PROTOCOL_VERSION = 1;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

/**
 * What a page posts to `POST /api/marks`. The page makes `opId` (a ULID) so
 * every path is idempotent. The kiosk posts check-ins; other pages post the
 * other kinds.
 */
export interface MarkInput {
  v: ProtocolVersion;
  opId: string;
  kind: OpKind;
  /** Informational: the server goes by who sends (a kiosk's token or a person's session). */
  kioskId?: string;
  studentId: string;
  /** The device's own clock when it happened, epoch ms. */
  at: number;
  session?: string;
  status?: AttendanceStatus;
  text?: string;
  /** See Op.reason. */
  reason?: string;
  base?: number;
  offset?: number;
}

/** One operation as a device sends it. Its identity is (deviceId, seq). */
export interface Op {
  seq: number;
  /**
   * The ULID the page made. Optional on the wire: the compact codec leaves it
   * out (26 bytes would be most of a check-in), since (deviceId, seq) already
   * identifies the op.
   */
  opId?: string;
  kind: OpKind;
  studentId: string;
  /** The device's own clock when it happened, epoch ms. */
  at: number;
  /** "day", or a period's name. */
  session: string;
  /** The mark, for kind "status". */
  status?: AttendanceStatus;
  /** The text, for kind "note". */
  text?: string;
  /**
   * Why (src/shared/reasons.ts): for an absent or excused status, a code of
   * the school's absence reasons; for a check-out, one of CHECK_OUT_REASONS.
   */
  reason?: string;
  /** The version of the record the device knew when it made the op; 0 when it knew none. */
  base: number;
  /**
   * Milliseconds to add to `at` for the server's time, as the device last
   * measured it (half the round trip of a sync). Absent while the device has
   * never synced: the server then uses the offset it measures on the batch.
   */
  offset?: number;
}

/** `POST /api/sync`: one device's ops, oldest first. */
export interface SyncRequest {
  v: ProtocolVersion;
  type: 'sync';
  deviceId: string;
  /** Informational: the server goes by the device token or the session that sends. */
  kioskId: string;
  ops: Op[];
}

/**
 * How the server first settled an op. Replays are answered with the same outcome.
 * applied: the op's change went in as made. merged: the record had moved on
 * since the op's base, and a rule (named) combined both. conflict: no rule was
 * confident; the server kept its value and opened a conflict for the office.
 */
export type Outcome =
  | { status: 'applied' }
  | { status: 'merged'; rule: string }
  | { status: 'conflict'; conflictId: string }
  | { status: 'rejected'; code: OpErrorCode };

export type OutcomeStatus = Outcome['status'];

export type Receipt = Outcome | { status: 'duplicate'; original: Outcome };

/** `n` consecutive ops of the batch, in the order they were sent, that got the same receipt. */
export type ReceiptRun = Receipt & { n: number };

export interface SyncResponse {
  v: ProtocolVersion;
  type: 'sync-result';
  /** One receipt per op of the batch, in batch order, as runs. */
  receipts: ReceiptRun[];
  /** The server's clock when it answered, epoch ms. */
  serverTime: number;
  /**
   * The change feed after the cursor the device sent with the batch, so a
   * push brings back what changed without another round trip (ChangePage below).
   */
  changes?: ChangePage;
}

export interface StudentSummary {
  name: string;
  homeroom: string;
}

/**
 * The answer to `POST /api/marks`, from the service worker (queued) or from
 * the server (when no worker controls the page yet). The page renders it.
 */
export interface MarkAnswer {
  v: ProtocolVersion;
  type: 'mark-answer';
  opId: string;
  /** True when the mark is saved on this device and waits to be sent. */
  queued: boolean;
  studentId: string;
  /** Null when the ID is not on the roster this device knows. */
  student: StudentSummary | null;
  at: number;
  /** "07:58" in the school's time zone. */
  localTime: string;
  late: boolean;
  /** For a check-in: the earlier check-in this device already knows of today ("07:58"), if any. */
  alreadyAt?: string;
}

/** One period of a school's timetable; its name is also the session its register is kept under. */
export interface SchoolPeriod {
  name: string;
  /** "HH:MM" local time each; a period ends after it starts. */
  startsAt: string;
  endsAt: string;
}

/** Days without school, first to last inclusive, "YYYY-MM-DD" in the school's zone. */
export interface SchoolClosure {
  firstDay: string;
  lastDay: string;
  reason: string;
}

/**
 * The school as devices see it. The optional fields came with school set-up:
 * a server from before sends none of them, and a device then keeps the old
 * rules (late after the bell, the fixed periods P1–P6, every day a school day).
 */
export interface SchoolInfo {
  id: string;
  name: string;
  /** IANA time zone, such as "Europe/London". */
  timeZone: string;
  /** "HH:MM" local time: lessons start; a check-in later than the bell plus the grace is late. */
  bellTime: string;
  /** "HH:MM": when the school day begins (the doors open). */
  dayStart?: string;
  /** Minutes after the bell (or a period's start) an arrival still counts as on time. */
  lateGraceMinutes?: number;
  periods?: SchoolPeriod[];
  /** ISO weekdays without school: 1 Monday … 7 Sunday. */
  weekdaysOff?: number[];
  closures?: SchoolClosure[];
  /** Raised by every settings change; the change feed's `settings` change carries it. */
  settingsVersion?: number;
  /** Days the device keeps a check-in or mark the server refused, for staff to see; 30 when an older server sends none. */
  keepRefusedDays?: number;
  /** The school's absence reasons, in the order the roll offers them; an older server sends none. */
  absenceReasons?: AbsenceReason[];
}

export type ScanMode = 'keyboard' | 'camera';

export interface KioskInfo {
  id: string;
  name: string;
  /** How the kiosk reads cards: a scanner typing into the ID field, or also its camera. Absent: the keyboard. */
  scanMode?: ScanMode;
  /** A kiosk at the exit: a scan checks the student out. Absent: an entrance, where a scan checks in. */
  direction?: 'exit';
}

/** The largest sync request the server takes; a client never sends more. */
export interface SyncLimits {
  maxBodyBytes: number;
  maxOps: number;
}

/** `GET /api/kiosk-config`: what a kiosk needs before its first check-in. */
export interface KioskConfig {
  v: ProtocolVersion;
  type: 'kiosk-config';
  school: SchoolInfo;
  /** The kiosk this device stands at; null for a staff browser (the roll, the office). */
  kiosk: KioskInfo | null;
  rosterVersion: string;
  syncLimits: SyncLimits;
}

/** `GET /api/roster`: columnar, since it travels over slow links. Index i of each array is one student. */
export interface Roster {
  v: ProtocolVersion;
  type: 'roster';
  version: string;
  studentIds: string[];
  names: string[];
  homerooms: string[];
}

/** One entry of the change feed (`GET /api/changes`, and the changes a push brings back). */
export type Change =
  | {
      kind: 'record';
      studentId: string;
      date: string;
      session: string;
      status: AttendanceStatus | null;
      checkInAt: number | null;
      checkOutAt: number | null;
      version: number;
      /** The absence reason's code and the words it was marked with; absent when the record has none (and from an older server). */
      reason?: string;
      reasonText?: string;
      /** Why the student checked out (CHECK_OUT_REASONS). */
      checkOutReason?: string;
    }
  | { kind: 'roster'; version: string }
  /** The school's settings changed: devices read their configuration again. */
  | { kind: 'settings'; version: number }
  | { kind: 'conflict-opened'; conflictId: string; studentId: string; date: string; session: string }
  | { kind: 'conflict-resolved'; conflictId: string; studentId: string; date: string; session: string };

/**
 * `GET /api/changes?cursor=`: the school's changes after `cursor`, oldest
 * first. An empty cursor means "from now": the answer carries today's
 * records as they stand and the cursor to continue from.
 */
export interface ChangePage {
  v: ProtocolVersion;
  type: 'changes';
  /** Pass it back as `cursor` for the next page; a server sequence number, never a time. */
  cursor: string;
  /** True when more changes wait after this page. */
  more: boolean;
  /** The server's clock as it answered, epoch ms: devices measure their clock offset against it. */
  serverTime: number;
  changes: Change[];
}
