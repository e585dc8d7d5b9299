import { describe, expect, it } from 'vitest';
import type { KioskView, StaffView, StudentView } from '../../src/shared/people-protocol.ts';
import {
  homeroomsText,
  kioskStateText,
  oneTimePasswordText,
  staffStateText,
  studentCountText,
  studentStateText,
} from '../../src/ui/people-text.ts';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const student: StudentView = {
  id: '1',
  givenName: 'Ada',
  familyName: 'Lovelace',
  name: 'Ada Lovelace',
  homeroom: '7A',
  grade: null,
  leftAt: null,
};
const member: StaffView = {
  id: 's',
  name: 'Grace',
  email: 'g@x',
  role: 'teacher',
  homerooms: [],
  deactivatedAt: null,
  mustChangePassword: false,
};
const kiosk: KioskView = { id: 'k', name: 'Gym door', scanMode: 'keyboard', direction: 'entrance', retiredAt: null, pairedDevices: 0 };

describe('words on the students, staff and kiosk pages', () => {
  it('says whether a student is at school or when they left', () => {
    expect(studentStateText(student, 'Europe/London', NOW)).toBe('At school');
    expect(studentStateText({ ...student, leftAt: Date.parse('2026-12-02T09:14:00Z') }, 'Europe/London', NOW)).toBe('Left today 09:14');
  });

  it.each([
    [0, false, false, 'This school has no students yet: import the roster on the Admin page, or add them above.'],
    [0, false, true, 'No student matches that search.'],
    [1, false, true, '1 student found.'],
    [100, true, false, 'The first 100 students shown: type more of a name or ID to narrow the list.'],
  ])('counts %i students (more: %s, searched: %s)', (count, more, searched, text) => {
    expect(studentCountText(count, more, searched)).toBe(text);
  });

  it('says where an account stands', () => {
    expect(staffStateText(member, 'UTC', NOW)).toBe('Active');
    expect(staffStateText({ ...member, mustChangePassword: true }, 'UTC', NOW)).toBe('Active — has not chosen a password yet');
    expect(staffStateText({ ...member, deactivatedAt: NOW - 60_000 }, 'UTC', NOW)).toBe('Deactivated today 09:59');
    expect(homeroomsText([])).toBe('—');
    expect(homeroomsText(['7A', '8B'])).toBe('7A, 8B');
  });

  it('hands over a one-time password in plain words', () => {
    expect(oneTimePasswordText('Dorothy', false)).toMatch(/^Dorothy’s account is ready\. .*shown only now/);
    expect(oneTimePasswordText('Dorothy', true)).toMatch(/^Dorothy’s password was reset\./);
  });

  it('says whether a kiosk is paired or retired', () => {
    expect(kioskStateText(kiosk, 'UTC', NOW)).toBe('Not paired yet');
    expect(kioskStateText({ ...kiosk, pairedDevices: 1 }, 'UTC', NOW)).toBe('1 device paired');
    expect(kioskStateText({ ...kiosk, pairedDevices: 3 }, 'UTC', NOW)).toBe('3 devices paired');
    expect(kioskStateText({ ...kiosk, retiredAt: NOW }, 'UTC', NOW)).toBe('Retired today 10:00');
  });
});
