/** The guards of the students, staff and kiosk endpoints: strict on what the server is sent, lenient on what a page reads. */
import { describe, expect, it } from 'vitest';
import {
  assertKioskChange,
  assertNewKiosk,
  assertNewStaff,
  assertNewStudent,
  assertStaffChange,
  assertStudentChange,
} from '../../src/shared/people-protocol.ts';
import {
  assertKeptSession,
  assertKioskList,
  assertOneTimePassword,
  assertSessionInfo,
  assertStudentList,
} from '../../src/ui/staff-guards.ts';

function refusal(check: () => void): { code?: string; path?: unknown } {
  try {
    check();
  } catch (error) {
    const e = error as { code?: string; details?: { path?: unknown } };
    return { code: e.code, path: e.details?.path };
  }
  return {};
}

const student = { v: 1, studentId: 'N-1', givenName: 'Mary', familyName: 'Jackson', homeroom: '7A' };
const staff = { v: 1, name: 'Dorothy Vaughan', email: 'dorothy@school.example', role: 'teacher', homerooms: ['7A'] };

describe('requests about people and kiosks', () => {
  it.each([
    ['a student with every field', () => assertNewStudent({ ...student, grade: '7' })],
    ['a student without a grade', () => assertNewStudent(student)],
    ['a change of one field', () => assertStudentChange({ v: 1, homeroom: '8B' })],
    ['a grade cleared', () => assertStudentChange({ v: 1, grade: null })],
    ['an account', () => assertNewStaff(staff)],
    ['an office account without homerooms', () => assertNewStaff({ ...staff, role: 'office', homerooms: [] })],
    ['a role change', () => assertStaffChange({ v: 1, role: 'admin' })],
    ['a kiosk', () => assertNewKiosk({ v: 1, name: 'Gym door', scanMode: 'camera', direction: 'exit' })],
    ['a rename', () => assertKioskChange({ v: 1, name: 'Sports hall' })],
  ])('takes %s', (_what, check) => {
    expect(refusal(check)).toEqual({});
  });

  it.each([
    ['an ID with a space', () => assertNewStudent({ ...student, studentId: 'N 1' }), '$.studentId'],
    ['an ID too long', () => assertNewStudent({ ...student, studentId: 'x'.repeat(65) }), '$.studentId'],
    ['a name with a line break', () => assertNewStudent({ ...student, givenName: 'Ma\nry' }), '$.givenName'],
    ['a name with a space at the end', () => assertNewStudent({ ...student, familyName: 'Jackson ' }), '$.familyName'],
    ['an unknown field', () => assertNewStudent({ ...student, age: 12 }), '$.age'],
    ['a change of nothing', () => assertStudentChange({ v: 1 }), '$'],
    ['a grade that is a number', () => assertStudentChange({ v: 1, grade: 7 }), '$.grade'],
    ['an unknown role', () => assertNewStaff({ ...staff, role: 'head' }), '$.role'],
    ['homerooms for the office', () => assertNewStaff({ ...staff, role: 'office' }), '$.homerooms'],
    ['a homeroom twice', () => assertNewStaff({ ...staff, homerooms: ['7A', '7A'] }), '$.homerooms'],
    ['an email with a space', () => assertNewStaff({ ...staff, email: 'a b@x' }), '$.email'],
    ['an unknown way to read cards', () => assertNewKiosk({ v: 1, name: 'Door', scanMode: 'nfc' }), '$.scanMode'],
    ['a kiosk change of nothing', () => assertKioskChange({ v: 1 }), '$'],
  ])('refuses %s with invalid-body and the path', (_what, check, path) => {
    expect(refusal(check)).toEqual({ code: 'invalid-body', path });
  });

  it('refuses a request from a newer protocol as such', () => {
    expect(refusal(() => assertNewKiosk({ v: 2, name: 'Door' })).code).toBe('unsupported-version');
  });
});

describe('answers about people and kiosks, as a page reads them', () => {
  it('reads a newer server’s extra fields and an older one’s missing homerooms', () => {
    const session = {
      v: 1,
      type: 'session',
      staff: { id: 's', name: 'Grace Hopper', email: 'g@x', role: 'teacher' },
      school: { id: 'x', name: 'Riverside', timeZone: 'Europe/London', bellTime: '08:45' },
      mustChangePassword: false,
      expiresAt: 1,
    };
    expect(refusal(() => assertSessionInfo(session))).toEqual({});
    expect(refusal(() => assertSessionInfo({ ...session, homerooms: ['8B'] }))).toEqual({});
    expect(refusal(() => assertSessionInfo({ ...session, homerooms: '8B' }))).toEqual({ code: 'bad-response', path: '$.homerooms' });
    const kept = { name: 'G', role: 'teacher', school: { name: 'R', timeZone: 'UTC', bellTime: '08:00' } };
    expect(refusal(() => assertKeptSession(kept))).toEqual({});
    expect(refusal(() => assertKeptSession({ ...kept, homerooms: [8] }))).toEqual({ code: 'bad-response', path: '$.homerooms[0]' });
    const list = {
      type: 'students',
      students: [{ id: '1', givenName: 'A', familyName: 'B', name: 'A B', homeroom: '7A', grade: null, leftAt: null, photo: 'new' }],
      more: false,
      homerooms: ['7A'],
      cursor: 'new',
    };
    expect(refusal(() => assertStudentList(list))).toEqual({});
    expect(
      refusal(() =>
        assertKioskList({
          type: 'kiosks',
          kiosks: [{ id: 'k', name: 'Door', scanMode: 'nfc', direction: 'exit', retiredAt: null, pairedDevices: 0 }],
        }),
      ),
    ).toEqual({
      code: 'bad-response',
      path: '$.kiosks[0].scanMode',
    });
    expect(refusal(() => assertOneTimePassword({ type: 'one-time-password', staff: {} }))).toMatchObject({ code: 'bad-response' });
  });
});
