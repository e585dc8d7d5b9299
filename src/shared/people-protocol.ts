/**
 * Wire types for managing a school's people and kiosks by hand: students
 * (office and admin), staff accounts and kiosks (admin), with the strict
 * `asserts` guards the server checks requests with. The pages check the
 * answers leniently in src/ui/staff-guards.ts.
 */
import type { StaffRole } from './account-protocol.ts';
import { STAFF_ROLES } from './account-protocol.ts';
import { expectArray, expectOneOf, expectRecord, expectString, fail } from './guard.ts';
import { LIMITS } from './limits.ts';
import { expectVersion, STUDENT_ID_PATTERN } from './protocol-guards.ts';
import type { ProtocolVersion } from './protocol.ts';

export const SCAN_MODES = ['keyboard', 'camera'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];
export const KIOSK_DIRECTIONS = ['entrance', 'exit'] as const;
export type KioskDirection = (typeof KIOSK_DIRECTIONS)[number];

/** A student as the office sees one. `id` is the number on their card. */
export interface StudentView {
  id: string;
  givenName: string;
  familyName: string;
  /** As the kiosk greets them. */
  name: string;
  homeroom: string;
  grade: string | null;
  /** When they left; a student who left keeps their history and is off the kiosks' roster. */
  leftAt: number | null;
}

/** `GET /api/students?q=`: the students matching a name or ID, and the school's homerooms. */
export interface StudentList {
  v: ProtocolVersion;
  type: 'students';
  students: StudentView[];
  /** True when more students match than were sent: narrow the search. */
  more: boolean;
  homerooms: string[];
}

/** The answer to each change of one student: the student as they now stand. */
export interface StudentAnswer {
  v: ProtocolVersion;
  type: 'student';
  student: StudentView;
}

/** `POST /api/students`. A homeroom the school does not have yet is added. */
export interface NewStudentInput {
  v: ProtocolVersion;
  studentId: string;
  givenName: string;
  familyName: string;
  homeroom: string;
  grade?: string | null;
}

/** `POST /api/students/:studentId`: the fields to change; `studentId` gives the student a new card number. */
export interface StudentChange {
  v: ProtocolVersion;
  studentId?: string;
  givenName?: string;
  familyName?: string;
  homeroom?: string;
  grade?: string | null;
}

/** A staff account as an admin sees it. */
export interface StaffView {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  /** The homerooms in this school whose roll a teacher opens on. */
  homerooms: string[];
  deactivatedAt: number | null;
  /** True until the person has replaced a one-time password. */
  mustChangePassword: boolean;
}

/** `GET /api/staff`. */
export interface StaffList {
  v: ProtocolVersion;
  type: 'staff';
  staff: StaffView[];
  homerooms: string[];
}

/** The answer to each change of one account. */
export interface StaffAnswer {
  v: ProtocolVersion;
  type: 'staff-member';
  staff: StaffView;
}

/** `POST /api/staff`. */
export interface NewStaffInput {
  v: ProtocolVersion;
  name: string;
  email: string;
  role: StaffRole;
  homerooms: string[];
}

/** `POST /api/staff/:staffId`. */
export interface StaffChange {
  v: ProtocolVersion;
  name?: string;
  role?: StaffRole;
  homerooms?: string[];
}

/** A new account or a reset: the one-time password is in this answer only, and must be changed at first sign-in. */
export interface OneTimePasswordAnswer {
  v: ProtocolVersion;
  type: 'one-time-password';
  staff: StaffView;
  oneTimePassword: string;
}

/** A kiosk: a place at the door where paired devices stand. */
export interface KioskView {
  id: string;
  name: string;
  scanMode: ScanMode;
  direction: KioskDirection;
  retiredAt: number | null;
  /** Devices paired to it and not revoked. */
  pairedDevices: number;
}

/** `GET /api/kiosks`. */
export interface KioskList {
  v: ProtocolVersion;
  type: 'kiosks';
  kiosks: KioskView[];
}

/** The answer to each change of one kiosk. */
export interface KioskAnswer {
  v: ProtocolVersion;
  type: 'kiosk';
  kiosk: KioskView;
}

/** `POST /api/kiosks`. */
export interface NewKioskInput {
  v: ProtocolVersion;
  name: string;
  scanMode?: ScanMode;
  direction?: KioskDirection;
}

/** `POST /api/kiosks/:kioskId`. */
export interface KioskChange {
  v: ProtocolVersion;
  name?: string;
  scanMode?: ScanMode;
  direction?: KioskDirection;
}

const NAME = { max: 100 };
const HOMEROOM = { max: 64, pattern: /^\S(.*\S)?$/ };
const GRADE = { max: 20, pattern: /^\S(.*\S)?$/ };
const EMAIL = { max: 254, pattern: /^[^\s@]+(@[^\s@]+)?$/ };
/** A name a person reads: no leading or trailing space, no control characters. */
const PLAIN_NAME = /^[^\s\p{Cc}]([^\p{Cc}]*[^\s\p{Cc}])?$/u;

export function expectStudentId(
  value: unknown,
  path: string,
  code: 'invalid-body' | 'invalid-query' = 'invalid-body',
): asserts value is string {
  expectString(value, path, { max: LIMITS.maxStudentIdLength, pattern: STUDENT_ID_PATTERN }, code);
}

function expectName(value: unknown, path: string): asserts value is string {
  expectString(value, path, { ...NAME, pattern: PLAIN_NAME });
}

function expectGrade(value: unknown, path: string): void {
  if (value !== null) expectString(value, path, GRADE);
}

function expectHomerooms(value: unknown, path: string): asserts value is string[] {
  expectArray(value, path);
  if (value.length > 20) fail('invalid-body', path, 'must list at most 20 homerooms');
  value.forEach((homeroom, i) => expectString(homeroom, `${path}[${i}]`, HOMEROOM));
  if (new Set(value).size !== value.length) fail('invalid-body', path, 'must not name a homeroom twice');
}

function expectSomeChange(value: Record<string, unknown>, fields: readonly string[]): void {
  if (!fields.some((field) => value[field] !== undefined)) fail('invalid-body', '$', `must change one of ${fields.join(', ')}`);
}

export function assertNewStudent(value: unknown): asserts value is NewStudentInput {
  expectRecord(value, '$', ['v', 'studentId', 'givenName', 'familyName', 'homeroom'], ['grade']);
  expectVersion(value, '$');
  expectStudentId(value.studentId, '$.studentId');
  expectName(value.givenName, '$.givenName');
  expectName(value.familyName, '$.familyName');
  expectString(value.homeroom, '$.homeroom', HOMEROOM);
  if (value.grade !== undefined) expectGrade(value.grade, '$.grade');
}

const STUDENT_FIELDS = ['studentId', 'givenName', 'familyName', 'homeroom', 'grade'] as const;

export function assertStudentChange(value: unknown): asserts value is StudentChange {
  expectRecord(value, '$', ['v'], STUDENT_FIELDS);
  expectVersion(value, '$');
  expectSomeChange(value, STUDENT_FIELDS);
  if (value.studentId !== undefined) expectStudentId(value.studentId, '$.studentId');
  if (value.givenName !== undefined) expectName(value.givenName, '$.givenName');
  if (value.familyName !== undefined) expectName(value.familyName, '$.familyName');
  if (value.homeroom !== undefined) expectString(value.homeroom, '$.homeroom', HOMEROOM);
  if (value.grade !== undefined) expectGrade(value.grade, '$.grade');
}

export function assertNewStaff(value: unknown): asserts value is NewStaffInput {
  expectRecord(value, '$', ['v', 'name', 'email', 'role', 'homerooms']);
  expectVersion(value, '$');
  expectName(value.name, '$.name');
  expectString(value.email, '$.email', EMAIL);
  expectOneOf(value.role, '$.role', STAFF_ROLES);
  expectHomerooms(value.homerooms, '$.homerooms');
  if (value.role !== 'teacher' && value.homerooms.length > 0) fail('invalid-body', '$.homerooms', 'only a teacher has homerooms');
}

const STAFF_FIELDS = ['name', 'role', 'homerooms'] as const;

export function assertStaffChange(value: unknown): asserts value is StaffChange {
  expectRecord(value, '$', ['v'], STAFF_FIELDS);
  expectVersion(value, '$');
  expectSomeChange(value, STAFF_FIELDS);
  if (value.name !== undefined) expectName(value.name, '$.name');
  if (value.role !== undefined) expectOneOf(value.role, '$.role', STAFF_ROLES);
  if (value.homerooms !== undefined) expectHomerooms(value.homerooms, '$.homerooms');
}

export function assertNewKiosk(value: unknown): asserts value is NewKioskInput {
  expectRecord(value, '$', ['v', 'name'], ['scanMode', 'direction']);
  expectVersion(value, '$');
  expectName(value.name, '$.name');
  if (value.scanMode !== undefined) expectOneOf(value.scanMode, '$.scanMode', SCAN_MODES);
  if (value.direction !== undefined) expectOneOf(value.direction, '$.direction', KIOSK_DIRECTIONS);
}

const KIOSK_FIELDS = ['name', 'scanMode', 'direction'] as const;

export function assertKioskChange(value: unknown): asserts value is KioskChange {
  expectRecord(value, '$', ['v'], KIOSK_FIELDS);
  expectVersion(value, '$');
  expectSomeChange(value, KIOSK_FIELDS);
  if (value.name !== undefined) expectName(value.name, '$.name');
  if (value.scanMode !== undefined) expectOneOf(value.scanMode, '$.scanMode', SCAN_MODES);
  if (value.direction !== undefined) expectOneOf(value.direction, '$.direction', KIOSK_DIRECTIONS);
}
