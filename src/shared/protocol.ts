/**
 * Wire types between the page, the service worker and the server. Every
 * message carries `v` (the protocol version) and is checked by an
 * `assert…` guard from ./protocol-guards.ts before it is trusted.
 */
import type { OpErrorCode } from './error-codes.ts';

export const PROTOCOL_VERSION = 1;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

export type MarkKind = 'check-in';
export const MARK_KINDS: readonly MarkKind[] = ['check-in'];

/** What a page posts to `POST /api/marks`. The page makes `opId` (a ULID) so every path is idempotent. */
export interface MarkInput {
  v: ProtocolVersion;
  opId: string;
  kind: MarkKind;
  /** The kiosk the page runs on, from `GET /api/kiosk-config`. */
  kioskId: string;
  studentId: string;
  /** The device's own clock when the student checked in, epoch ms. */
  at: number;
}

/** One operation as a device sends it; identity is (deviceId, seq). */
export interface Op {
  seq: number;
  opId: string;
  kind: MarkKind;
  studentId: string;
  at: number;
}

/** `POST /api/sync`: one device's ops, oldest first. */
export interface SyncRequest {
  v: ProtocolVersion;
  type: 'sync';
  deviceId: string;
  kioskId: string;
  ops: Op[];
}

/** How the server first settled an op. Replays are answered with the same outcome. */
export type Outcome = { status: 'applied' } | { status: 'rejected'; code: OpErrorCode };

export type Receipt = { seq: number; opId: string } & (Outcome | { status: 'duplicate'; original: Outcome });

export interface SyncResponse {
  v: ProtocolVersion;
  type: 'sync-result';
  receipts: Receipt[];
  /** The server's clock when it answered, epoch ms. */
  serverTime: number;
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
}

export interface SchoolInfo {
  id: string;
  name: string;
  /** IANA time zone, such as "Europe/London". */
  timeZone: string;
  /** Start of the school day, "HH:MM" local time; a check-in after it is late. */
  bellTime: string;
}

export interface KioskInfo {
  id: string;
  name: string;
}

/** `GET /api/kiosk-config`: what a kiosk needs before its first check-in. */
export interface KioskConfig {
  v: ProtocolVersion;
  type: 'kiosk-config';
  school: SchoolInfo;
  kiosk: KioskInfo;
  rosterVersion: string;
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
