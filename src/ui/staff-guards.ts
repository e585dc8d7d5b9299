/**
 * `asserts` guards for the staff endpoints' answers, so the pages use a body
 * only once it has been checked. They check what the pages read and let
 * unknown fields pass: a page the worker cached can be a version older than
 * the server that answers it.
 */
import type { DeviceList, PairingCode, SessionInfo, StaffRole } from '../shared/account-protocol.ts';
import { STAFF_ROLES } from '../shared/account-protocol.ts';
import { ATTENDANCE_STATUSES, type RecordState } from '../shared/attendance-model.ts';
import { OP_ERROR_CODES } from '../shared/error-codes.ts';
import type { AbsenceReason } from '../shared/reasons.ts';
import { expectArray, expectFields, expectInteger, expectOneOf, expectString, fail } from '../shared/guard.ts';
import type { ActorRef, ConflictList, ConflictView, HistoryEntry, RecordHistory, ResolveResult } from '../shared/office-protocol.ts';
import {
  KIOSK_DIRECTIONS,
  SCAN_MODES,
  type KioskAnswer,
  type KioskList,
  type KioskView,
  type OneTimePasswordAnswer,
  type StaffAnswer,
  type StaffList,
  type StaffView,
  type StudentAnswer,
  type StudentList,
  type StudentView,
} from '../shared/people-protocol.ts';
import { LATEST_TIME } from '../shared/protocol-guards.ts';
import type { SchoolClosure } from '../shared/protocol.ts';

const TIME = { min: 0, max: LATEST_TIME };
const COUNT = { min: 0, max: Number.MAX_SAFE_INTEGER };

function expectText(value: unknown, path: string, max = 2000): asserts value is string {
  expectString(value, path, { min: 0, max }, 'bad-response');
}

function expectTimeOrNull(value: unknown, path: string): void {
  if (value !== null) expectInteger(value, path, TIME, 'bad-response');
}

function expectSchool(value: unknown, path: string): void {
  expectFields(value, path, ['id', 'name', 'timeZone', 'bellTime']);
  expectText(value.name, `${path}.name`, 200);
  expectText(value.timeZone, `${path}.timeZone`, 100);
  expectText(value.bellTime, `${path}.bellTime`, 5);
  expectReasons(value.absenceReasons, `${path}.absenceReasons`);
}

/** A school's absence reasons, when there are any (an older server, or an older page's kept session, has none). */
function expectReasons(value: unknown, path: string): void {
  if (value === undefined) return;
  expectArray(value, path, 'bad-response');
  value.forEach((reason, i) => {
    expectFields(reason, `${path}[${i}]`, ['code', 'label']);
    expectText(reason.code, `${path}[${i}].code`, 32);
    expectText(reason.label, `${path}[${i}].label`, 200);
  });
}

export function assertSessionInfo(value: unknown): asserts value is SessionInfo {
  expectFields(value, '$', ['type', 'staff', 'school', 'mustChangePassword']);
  expectOneOf(value.type, '$.type', ['session'], 'bad-response');
  expectFields(value.staff, '$.staff', ['name', 'role']);
  expectText(value.staff.name, '$.staff.name', 200);
  expectOneOf(value.staff.role, '$.staff.role', STAFF_ROLES, 'bad-response');
  // Null for an admin who has not set up a school yet.
  if (value.school !== null) expectSchool(value.school, '$.school');
  if (value.schools !== undefined) {
    expectArray(value.schools, '$.schools', 'bad-response');
    value.schools.forEach((school, i) => {
      expectFields(school, `$.schools[${i}]`, ['id', 'name']);
      expectText(school.id, `$.schools[${i}].id`, 64);
      expectText(school.name, `$.schools[${i}].name`, 200);
    });
  }
  if (typeof value.mustChangePassword !== 'boolean') fail('bad-response', '$.mustChangePassword', 'must be a boolean');
  // An older server sends no homerooms.
  if (value.homerooms !== undefined) expectTexts(value.homerooms, '$.homerooms', 64);
}

function expectTexts(value: unknown, path: string, max: number): asserts value is string[] {
  expectArray(value, path, 'bad-response');
  value.forEach((text, i) => expectText(text, `${path}[${i}]`, max));
}

/** What a page keeps between visits so the roll opens offline: never a secret. */
export interface KeptSession {
  name: string;
  role: StaffRole;
  /** The days off and closures are absent from what an older page kept, and from an older server. */
  school: {
    name: string;
    timeZone: string;
    bellTime: string;
    weekdaysOff?: number[];
    closures?: SchoolClosure[];
    /** The school's absence reasons; an older server sends none (src/shared/protocol.ts SchoolInfo). */
    absenceReasons?: AbsenceReason[];
  };
  /** A teacher's homerooms, the first one the roll opens on; absent from what an older page kept. */
  homerooms?: string[];
}

export function assertKeptSession(value: unknown): asserts value is KeptSession {
  expectFields(value, '$', ['name', 'role', 'school']);
  expectText(value.name, '$.name', 200);
  expectOneOf(value.role, '$.role', STAFF_ROLES, 'bad-response');
  expectFields(value.school, '$.school', ['name', 'timeZone', 'bellTime']);
  expectText(value.school.name, '$.school.name', 200);
  expectText(value.school.timeZone, '$.school.timeZone', 100);
  expectText(value.school.bellTime, '$.school.bellTime', 5);
  if (value.school.weekdaysOff !== undefined) {
    expectArray(value.school.weekdaysOff, '$.school.weekdaysOff', 'bad-response');
    value.school.weekdaysOff.forEach((day, i) => expectInteger(day, `$.school.weekdaysOff[${i}]`, { min: 1, max: 7 }, 'bad-response'));
  }
  if (value.school.closures !== undefined) {
    expectArray(value.school.closures, '$.school.closures', 'bad-response');
    value.school.closures.forEach((closure, i) => {
      const at = `$.school.closures[${i}]`;
      expectFields(closure, at, ['firstDay', 'lastDay', 'reason']);
      expectText(closure.firstDay, `${at}.firstDay`, 10);
      expectText(closure.lastDay, `${at}.lastDay`, 10);
      expectText(closure.reason, `${at}.reason`, 200);
    });
  }
  expectReasons(value.school.absenceReasons, '$.school.absenceReasons');
  if (value.homerooms !== undefined) expectTexts(value.homerooms, '$.homerooms', 64);
}

export function assertDeviceList(value: unknown): asserts value is DeviceList {
  expectFields(value, '$', ['type', 'devices', 'kiosks']);
  expectOneOf(value.type, '$.type', ['devices'], 'bad-response');
  expectArray(value.devices, '$.devices', 'bad-response');
  value.devices.forEach((device, i) => {
    const path = `$.devices[${i}]`;
    expectFields(device, path, [
      'id',
      'kind',
      'kioskName',
      'pairedAt',
      'lastSeenAt',
      'appVersion',
      'queueDepth',
      'oldestWaitingAt',
      'revokedAt',
    ]);
    expectText(device.id, `${path}.id`, 64);
    expectOneOf(device.kind, `${path}.kind`, ['kiosk', 'staff'], 'bad-response');
    if (device.kioskName !== null) expectText(device.kioskName, `${path}.kioskName`, 200);
    if (device.appVersion !== null) expectText(device.appVersion, `${path}.appVersion`, 40);
    expectInteger(device.lastSeenAt, `${path}.lastSeenAt`, TIME, 'bad-response');
    expectTimeOrNull(device.pairedAt, `${path}.pairedAt`);
    expectTimeOrNull(device.oldestWaitingAt, `${path}.oldestWaitingAt`);
    expectTimeOrNull(device.revokedAt, `${path}.revokedAt`);
    if (device.queueDepth !== null) expectInteger(device.queueDepth, `${path}.queueDepth`, COUNT, 'bad-response');
    // An older server sends no refusals; a newer one's are checked before the table shows them.
    if (device.refused !== undefined) {
      expectFields(device.refused, `${path}.refused`, ['count', 'recent']);
      expectInteger(device.refused.count, `${path}.refused.count`, COUNT, 'bad-response');
      expectArray(device.refused.recent, `${path}.refused.recent`, 'bad-response');
      device.refused.recent.forEach((op, j) => {
        const at = `${path}.refused.recent[${j}]`;
        expectFields(op, at, ['studentId', 'code', 'at']);
        expectText(op.studentId, `${at}.studentId`, 64);
        expectOneOf(op.code, `${at}.code`, OP_ERROR_CODES, 'bad-response');
        expectInteger(op.at, `${at}.at`, TIME, 'bad-response');
      });
    }
    // The device's health, from a server that sends it.
    if (device.link !== undefined && device.link !== null) {
      expectFields(device.link, `${path}.link`, ['score', 'label']);
      expectInteger(device.link.score, `${path}.link.score`, { min: 0, max: 100 }, 'bad-response');
      expectOneOf(device.link.label, `${path}.link.label`, ['good', 'fair', 'poor', 'offline'], 'bad-response');
    }
    if (device.storageFree !== undefined && device.storageFree !== null)
      expectInteger(device.storageFree, `${path}.storageFree`, COUNT, 'bad-response');
    if (device.failures !== undefined && device.failures !== null) {
      expectArray(device.failures, `${path}.failures`, 'bad-response');
      device.failures.forEach((failure, j) => {
        const at = `${path}.failures[${j}]`;
        expectFields(failure, at, ['code', 'at']);
        expectText(failure.code, `${at}.code`, 40);
        expectInteger(failure.at, `${at}.at`, TIME, 'bad-response');
      });
    }
    if (device.signedIn !== undefined && device.signedIn !== null) expectText(device.signedIn, `${path}.signedIn`, 200);
    if (device.silent !== undefined && typeof device.silent !== 'boolean') fail('bad-response', `${path}.silent`, 'must be true or false');
  });
  expectArray(value.kiosks, '$.kiosks', 'bad-response');
  value.kiosks.forEach((kiosk, i) => {
    expectFields(kiosk, `$.kiosks[${i}]`, ['id', 'name']);
    expectText(kiosk.id, `$.kiosks[${i}].id`, 64);
    expectText(kiosk.name, `$.kiosks[${i}].name`, 200);
  });
}

export function assertPairingCode(value: unknown): asserts value is PairingCode {
  expectFields(value, '$', ['type', 'code', 'kioskName', 'expiresAt']);
  expectOneOf(value.type, '$.type', ['pairing-code'], 'bad-response');
  expectText(value.code, '$.code', 20);
  expectText(value.kioskName, '$.kioskName', 200);
  expectInteger(value.expiresAt, '$.expiresAt', TIME, 'bad-response');
}

function expectRecordState(value: unknown, path: string): asserts value is RecordState {
  expectFields(value, path, ['status', 'checkInAt', 'checkOutAt', 'notes']);
  if (value.status !== null) expectOneOf(value.status, `${path}.status`, ATTENDANCE_STATUSES, 'bad-response');
  expectTimeOrNull(value.checkInAt, `${path}.checkInAt`);
  expectTimeOrNull(value.checkOutAt, `${path}.checkOutAt`);
  expectArray(value.notes, `${path}.notes`, 'bad-response');
  value.notes.forEach((note, i) => {
    expectFields(note, `${path}.notes[${i}]`, ['id', 'text', 'by']);
    expectText(note.text, `${path}.notes[${i}].text`);
    expectText(note.by, `${path}.notes[${i}].by`, 200);
  });
}

function expectActor(value: unknown, path: string): asserts value is ActorRef {
  expectFields(value, path, ['kind', 'name']);
  expectOneOf(value.kind, `${path}.kind`, ['door', 'teacher', 'office', 'admin', 'system'], 'bad-response');
  expectText(value.name, `${path}.name`, 200);
  // Newer servers name the device; a kind this page does not know reads as no device.
  const device: unknown = value.device;
  if (device === undefined || device === null) return;
  expectFields(device, `${path}.device`, ['kind', 'name']);
  if (device.name !== null) expectText(device.name, `${path}.device.name`, 200);
  if (device.kind !== 'kiosk' && device.kind !== 'staff') value.device = null;
}

function expectConflict(value: unknown, path: string): asserts value is ConflictView {
  expectFields(value, path, [
    'id',
    'studentId',
    'studentName',
    'homeroom',
    'date',
    'session',
    'fields',
    'base',
    'local',
    'server',
    'localBy',
    'serverBy',
    'suggestion',
    'confidence',
    'rule',
    'reason',
    'createdAt',
    'similarKey',
  ]);
  for (const key of ['id', 'studentId', 'studentName', 'homeroom', 'date', 'session', 'rule', 'reason', 'similarKey'])
    expectText(value[key], `${path}.${key}`);
  expectArray(value.fields, `${path}.fields`, 'bad-response');
  value.fields.forEach((field, i) =>
    expectOneOf(field, `${path}.fields[${i}]`, ['status', 'checkInAt', 'checkOutAt', 'notes'], 'bad-response'),
  );
  for (const key of ['base', 'local', 'server', 'suggestion']) expectRecordState(value[key], `${path}.${key}`);
  expectActor(value.localBy, `${path}.localBy`);
  expectActor(value.serverBy, `${path}.serverBy`);
  if (typeof value.confidence !== 'number' || !(value.confidence >= 0 && value.confidence <= 1))
    fail('bad-response', `${path}.confidence`, 'must be a number from 0 to 1');
  expectInteger(value.createdAt, `${path}.createdAt`, TIME, 'bad-response');
  if (value.doorCheckInAt !== undefined) expectTimeOrNull(value.doorCheckInAt, `${path}.doorCheckInAt`);
}

export function assertConflictList(value: unknown): asserts value is ConflictList {
  expectFields(value, '$', ['type', 'conflicts']);
  expectOneOf(value.type, '$.type', ['conflicts'], 'bad-response');
  expectArray(value.conflicts, '$.conflicts', 'bad-response');
  value.conflicts.forEach((conflict, i) => expectConflict(conflict, `$.conflicts[${i}]`));
}

function expectHistoryEntry(value: unknown, path: string): asserts value is HistoryEntry {
  expectFields(value, path, ['at', 'action', 'actor', 'rule', 'note', 'before', 'after']);
  expectInteger(value.at, `${path}.at`, TIME, 'bad-response');
  expectOneOf(value.action, `${path}.action`, ['mark', 'merge', 'conflict', 'resolve'], 'bad-response');
  expectActor(value.actor, `${path}.actor`);
  if (value.rule !== null) expectText(value.rule, `${path}.rule`, 100);
  if (value.note !== null) expectText(value.note, `${path}.note`);
  expectRecordState(value.before, `${path}.before`);
  expectRecordState(value.after, `${path}.after`);
}

export function assertRecordHistory(value: unknown): asserts value is RecordHistory {
  expectFields(value, '$', ['type', 'entries']);
  expectOneOf(value.type, '$.type', ['history'], 'bad-response');
  expectArray(value.entries, '$.entries', 'bad-response');
  value.entries.forEach((entry, i) => expectHistoryEntry(entry, `$.entries[${i}]`));
}

export function assertResolveResult(value: unknown): asserts value is ResolveResult {
  expectFields(value, '$', ['type', 'results']);
  expectOneOf(value.type, '$.type', ['resolutions'], 'bad-response');
  expectArray(value.results, '$.results', 'bad-response');
}

function expectStudent(value: unknown, path: string): asserts value is StudentView {
  expectFields(value, path, ['id', 'givenName', 'familyName', 'name', 'homeroom', 'grade', 'leftAt']);
  for (const key of ['id', 'givenName', 'familyName', 'name', 'homeroom']) expectText(value[key], `${path}.${key}`, 200);
  if (value.grade !== null) expectText(value.grade, `${path}.grade`, 20);
  expectTimeOrNull(value.leftAt, `${path}.leftAt`);
}

export function assertStudentList(value: unknown): asserts value is StudentList {
  expectFields(value, '$', ['type', 'students', 'more', 'homerooms']);
  expectOneOf(value.type, '$.type', ['students'], 'bad-response');
  expectArray(value.students, '$.students', 'bad-response');
  value.students.forEach((student, i) => expectStudent(student, `$.students[${i}]`));
  if (typeof value.more !== 'boolean') fail('bad-response', '$.more', 'must be a boolean');
  expectTexts(value.homerooms, '$.homerooms', 64);
}

export function assertStudentAnswer(value: unknown): asserts value is StudentAnswer {
  expectFields(value, '$', ['type', 'student']);
  expectOneOf(value.type, '$.type', ['student'], 'bad-response');
  expectStudent(value.student, '$.student');
}

function expectStaffMember(value: unknown, path: string): asserts value is StaffView {
  expectFields(value, path, ['id', 'name', 'email', 'role', 'homerooms', 'deactivatedAt', 'mustChangePassword']);
  for (const key of ['id', 'name', 'email']) expectText(value[key], `${path}.${key}`, 254);
  expectOneOf(value.role, `${path}.role`, STAFF_ROLES, 'bad-response');
  expectTexts(value.homerooms, `${path}.homerooms`, 64);
  expectTimeOrNull(value.deactivatedAt, `${path}.deactivatedAt`);
  if (typeof value.mustChangePassword !== 'boolean') fail('bad-response', `${path}.mustChangePassword`, 'must be a boolean');
}

export function assertStaffList(value: unknown): asserts value is StaffList {
  expectFields(value, '$', ['type', 'staff', 'homerooms']);
  expectOneOf(value.type, '$.type', ['staff'], 'bad-response');
  expectArray(value.staff, '$.staff', 'bad-response');
  value.staff.forEach((member, i) => expectStaffMember(member, `$.staff[${i}]`));
  expectTexts(value.homerooms, '$.homerooms', 64);
}

export function assertStaffAnswer(value: unknown): asserts value is StaffAnswer {
  expectFields(value, '$', ['type', 'staff']);
  expectOneOf(value.type, '$.type', ['staff-member'], 'bad-response');
  expectStaffMember(value.staff, '$.staff');
}

export function assertOneTimePassword(value: unknown): asserts value is OneTimePasswordAnswer {
  expectFields(value, '$', ['type', 'staff', 'oneTimePassword']);
  expectOneOf(value.type, '$.type', ['one-time-password'], 'bad-response');
  expectStaffMember(value.staff, '$.staff');
  expectText(value.oneTimePassword, '$.oneTimePassword', 100);
}

function expectKiosk(value: unknown, path: string): asserts value is KioskView {
  expectFields(value, path, ['id', 'name', 'scanMode', 'direction', 'retiredAt', 'pairedDevices']);
  expectText(value.id, `${path}.id`, 64);
  expectText(value.name, `${path}.name`, 200);
  expectOneOf(value.scanMode, `${path}.scanMode`, SCAN_MODES, 'bad-response');
  expectOneOf(value.direction, `${path}.direction`, KIOSK_DIRECTIONS, 'bad-response');
  expectTimeOrNull(value.retiredAt, `${path}.retiredAt`);
  expectInteger(value.pairedDevices, `${path}.pairedDevices`, COUNT, 'bad-response');
}

export function assertKioskList(value: unknown): asserts value is KioskList {
  expectFields(value, '$', ['type', 'kiosks']);
  expectOneOf(value.type, '$.type', ['kiosks'], 'bad-response');
  expectArray(value.kiosks, '$.kiosks', 'bad-response');
  value.kiosks.forEach((kiosk, i) => expectKiosk(kiosk, `$.kiosks[${i}]`));
}

export function assertKioskAnswer(value: unknown): asserts value is KioskAnswer {
  expectFields(value, '$', ['type', 'kiosk']);
  expectOneOf(value.type, '$.type', ['kiosk'], 'bad-response');
  expectKiosk(value.kiosk, '$.kiosk');
}
