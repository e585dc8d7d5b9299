/**
 * Wire types for staff sessions, kiosk pairing and the device list, with
 * their `asserts` guards. Shared by the pages, the service worker and the server.
 */
import type { OpErrorCode } from './error-codes.ts';
import { expectArray, expectFields, expectInteger, expectOneOf, expectRecord, expectString } from './guard.ts';
import { LIMITS } from './limits.ts';
import {
  APP_VERSION_PATTERN,
  assertKioskConfig,
  DEVICE_ID_PATTERN,
  expectReadableVersion,
  expectVersion,
  LATEST_TIME,
} from './protocol-guards.ts';
import type { KioskConfig, Op, ProtocolVersion, SchoolInfo } from './protocol.ts';

export type StaffRole = 'teacher' | 'office' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = ['teacher', 'office', 'admin'];

/** `POST /api/session`. */
export interface SignInInput {
  v: ProtocolVersion;
  email: string;
  password: string;
  /** For an admin of several schools: which one to act for (the first otherwise). */
  schoolId?: string;
}

/** `GET /api/session` and the answer to signing in. */
export interface SessionInfo {
  v: ProtocolVersion;
  type: 'session';
  staff: { id: string; name: string; email: string; role: StaffRole };
  /** Null for an admin who has no school yet: the set-up page is where they go. */
  school: SchoolInfo | null;
  /** Every school the person works for, so a page can offer to switch; absent from an older server. */
  schools?: Array<{ id: string; name: string }>;
  mustChangePassword: boolean;
  expiresAt: number;
  /** A teacher's homerooms in this school, the first one the roll opens on; absent from an older server. */
  homerooms?: string[];
}

/** `POST /api/account/password`. */
export interface PasswordChange {
  v: ProtocolVersion;
  currentPassword: string;
  newPassword: string;
}

/** `POST /api/pairing-codes` (admin). */
export interface PairingCodeRequest {
  v: ProtocolVersion;
  kioskId: string;
}

export interface PairingCode {
  v: ProtocolVersion;
  type: 'pairing-code';
  /** "ABCD-2345": shown once, used once. */
  code: string;
  kioskId: string;
  kioskName: string;
  expiresAt: number;
}

/** `POST /api/pair`: what the kiosk's service worker sends with the code a person typed. */
export interface PairRequest {
  v: ProtocolVersion;
  code: string;
  deviceId: string;
  appVersion: string;
}

/** The server's answer to pairing; the worker keeps the token and never shows it to a page. */
export interface PairAnswer {
  v: ProtocolVersion;
  type: 'paired';
  deviceId: string;
  token: string;
  config: KioskConfig;
}

/** One device as an admin sees it: everything but the last four fields comes from its syncs. */
export interface DeviceSummary {
  id: string;
  kind: 'kiosk' | 'staff';
  kioskId: string | null;
  kioskName: string | null;
  pairedAt: number | null;
  lastSeenAt: number;
  appVersion: string | null;
  queueDepth: number | null;
  oldestWaitingAt: number | null;
  revokedAt: number | null;
  /** The device's ops the server refused for good, newest first (at most 5), and how many in all; absent from an older server. */
  refused?: { count: number; recent: Array<{ studentId: string; code: OpErrorCode; at: number }> };
  /** The rest is absent from an older server. As the device reported them with its last batch; null before it has. */
  link?: { score: number; label: 'good' | 'fair' | 'poor' | 'offline' } | null;
  /** Bytes the browser still lets the device store. */
  storageFree?: number | null;
  /** The device's last few kinds of failure, newest first, each with its latest time; null before its first report. */
  failures?: Array<{ code: string; at: number }> | null;
  /** For a staff browser: the person who last sent from it. */
  signedIn?: string | null;
  /** A kiosk in use not heard from for 15 minutes of school hours (src/shared/kiosk-silence.ts). */
  silent?: boolean;
}

export interface DeviceList {
  v: ProtocolVersion;
  type: 'devices';
  devices: DeviceSummary[];
  kiosks: Array<{ id: string; name: string }>;
}

/**
 * What a revoked kiosk offers as a file: its waiting ops, exactly as it
 * would have sent them. The office imports it through the normal ingest,
 * so importing twice changes nothing.
 */
export interface QueueExport {
  v: ProtocolVersion;
  type: 'queue-export';
  deviceId: string;
  kioskId: string;
  schoolName: string;
  kioskName: string;
  exportedAt: number;
  ops: Op[];
}

const MAX_PASSWORD_INPUT = 200;
const EMAIL_PATTERN = /^[^\s@]+(@[^\s@]+)?$/;
const SCHOOL_ID_PATTERN = DEVICE_ID_PATTERN;
const PAIRING_CODE_INPUT = /^[0-9A-Za-z -]{8,12}$/;

export function assertSignInInput(value: unknown): asserts value is SignInInput {
  expectRecord(value, '$', ['v', 'email', 'password'], ['schoolId']);
  expectVersion(value, '$');
  expectString(value.email, '$.email', { max: 254, pattern: EMAIL_PATTERN });
  expectString(value.password, '$.password', { max: MAX_PASSWORD_INPUT });
  if (value.schoolId !== undefined) expectString(value.schoolId, '$.schoolId', { max: 64, pattern: SCHOOL_ID_PATTERN });
}

export function assertPasswordChange(value: unknown): asserts value is PasswordChange {
  expectRecord(value, '$', ['v', 'currentPassword', 'newPassword']);
  expectVersion(value, '$');
  expectString(value.currentPassword, '$.currentPassword', { max: MAX_PASSWORD_INPUT });
  expectString(value.newPassword, '$.newPassword', { max: MAX_PASSWORD_INPUT });
}

export function assertPairingCodeRequest(value: unknown): asserts value is PairingCodeRequest {
  expectRecord(value, '$', ['v', 'kioskId']);
  expectVersion(value, '$');
  expectString(value.kioskId, '$.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
}

export function assertPairRequest(value: unknown): asserts value is PairRequest {
  expectRecord(value, '$', ['v', 'code', 'deviceId', 'appVersion']);
  expectVersion(value, '$');
  expectString(value.code, '$.code', { max: 12, pattern: PAIRING_CODE_INPUT });
  expectString(value.deviceId, '$.deviceId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  expectString(value.appVersion, '$.appVersion', { max: 40, pattern: APP_VERSION_PATTERN });
}

/** The envelope of an export file; its ops are checked one by one by the ingest, as any batch's are. */
export function assertQueueExport(value: unknown): asserts value is Omit<QueueExport, 'ops'> & { ops: unknown[] } {
  expectRecord(value, '$', ['v', 'type', 'deviceId', 'kioskId', 'schoolName', 'kioskName', 'exportedAt', 'ops']);
  expectVersion(value, '$');
  expectOneOf(value.type, '$.type', ['queue-export']);
  expectString(value.deviceId, '$.deviceId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  expectString(value.kioskId, '$.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN });
  expectString(value.schoolName, '$.schoolName', { min: 0, max: 200 });
  expectString(value.kioskName, '$.kioskName', { min: 0, max: 200 });
  expectInteger(value.exportedAt, '$.exportedAt', { min: 0, max: LATEST_TIME });
  expectArray(value.ops, '$.ops');
}

export function assertPairAnswer(value: unknown): asserts value is PairAnswer {
  expectFields(value, '$', ['v', 'type', 'deviceId', 'token', 'config']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['paired'], 'bad-response');
  expectString(value.deviceId, '$.deviceId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN }, 'bad-response');
  expectString(value.token, '$.token', { max: 100, pattern: /^[A-Za-z0-9_-]+$/ }, 'bad-response');
  assertKioskConfig(value.config);
}
