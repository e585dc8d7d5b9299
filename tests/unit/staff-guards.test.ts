import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD } from '../../src/shared/attendance-model.ts';
import {
  assertConflictList,
  assertDeviceList,
  assertKeptSession,
  assertPairingCode,
  assertRecordHistory,
  assertSessionInfo,
} from '../../src/ui/staff-guards.ts';

const session = {
  v: 1,
  type: 'session',
  staff: { id: 's', name: 'Grace Hopper', email: 'g@x', role: 'teacher' },
  school: { id: 'x', name: 'Riverside', timeZone: 'Europe/London', bellTime: '08:45' },
  mustChangePassword: false,
  expiresAt: 1,
};

const conflict = {
  id: 'c1',
  studentId: '100002',
  studentName: 'Bilal Costa',
  homeroom: '7B',
  date: '2026-11-24',
  session: 'day',
  fields: ['status'],
  base: EMPTY_RECORD,
  local: { ...EMPTY_RECORD, status: 'late' },
  server: { ...EMPTY_RECORD, status: 'present' },
  localBy: { kind: 'office', name: 'Katherine Johnson' },
  serverBy: { kind: 'teacher', name: 'Grace Hopper' },
  suggestion: { ...EMPTY_RECORD, status: 'present' },
  confidence: 0,
  rule: 'same-base-different-status',
  reason: 'The office decides.',
  createdAt: 1_795_000_000_000,
  status: 'open',
  similarKey: 'k',
};

const refusal = (check: () => void) => {
  try {
    check();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'passed';
};

describe('the staff pages trust an answer only once it is checked', () => {
  it('takes the answers the server gives', () => {
    expect(refusal(() => assertSessionInfo(session))).toBe('passed');
    expect(refusal(() => assertConflictList({ v: 1, type: 'conflicts', conflicts: [conflict] }))).toBe('passed');
    expect(
      refusal(() =>
        assertPairingCode({
          v: 1,
          type: 'pairing-code',
          code: 'ABCD-2345',
          kioskId: 'k',
          kioskName: 'Main entrance',
          expiresAt: 1_795_000_000_000,
        }),
      ),
    ).toBe('passed');
    expect(
      refusal(() =>
        assertDeviceList({
          v: 1,
          type: 'devices',
          devices: [
            {
              id: 'd1',
              kind: 'kiosk',
              kioskId: 'k',
              kioskName: 'Main entrance',
              pairedAt: 1,
              lastSeenAt: 2,
              appVersion: '0.2.0',
              queueDepth: 0,
              oldestWaitingAt: null,
              revokedAt: null,
            },
          ],
          kiosks: [{ id: 'k', name: 'Main entrance' }],
        }),
      ),
    ).toBe('passed');
    expect(
      refusal(() =>
        assertRecordHistory({
          v: 1,
          type: 'history',
          studentId: '1',
          date: '2026-11-24',
          session: 'day',
          entries: [
            {
              at: 1,
              version: 1,
              action: 'mark',
              actor: { kind: 'teacher', name: 'G' },
              deviceId: null,
              opId: null,
              rule: null,
              note: null,
              before: EMPTY_RECORD,
              after: EMPTY_RECORD,
            },
          ],
        }),
      ),
    ).toBe('passed');
  });

  it('lets fields it does not know pass, since a cached page can be older than the server', () => {
    expect(refusal(() => assertSessionInfo({ ...session, newField: true, staff: { ...session.staff, avatar: 'x' } }))).toBe('passed');
  });

  it('reads the devices of a conflict’s sides and its door check-in, and a device kind it does not know as none', () => {
    const described = {
      ...conflict,
      localBy: { ...conflict.localBy, device: { kind: 'staff', name: null } },
      serverBy: { ...conflict.serverBy, device: { kind: 'watch', name: 'Wrist' } },
      doorCheckInAt: 1_795_000_000_000,
    };
    const list = { v: 1, type: 'conflicts', conflicts: [described] };
    expect(refusal(() => assertConflictList(list))).toBe('passed');
    expect(list.conflicts[0]?.serverBy.device).toBeNull();
    expect(list.conflicts[0]?.localBy.device).toEqual({ kind: 'staff', name: null });
  });

  it.each([
    ['a role it does not know', () => assertSessionInfo({ ...session, staff: { ...session.staff, role: 'root' } })],
    ['a missing school', () => assertSessionInfo({ ...session, school: undefined })],
    [
      'a status it does not know',
      () => assertConflictList({ v: 1, type: 'conflicts', conflicts: [{ ...conflict, local: { ...EMPTY_RECORD, status: 'gone' } }] }),
    ],
    ['a confidence above 1', () => assertConflictList({ v: 1, type: 'conflicts', conflicts: [{ ...conflict, confidence: 2 }] })],
    [
      'a door check-in that is not a time',
      () => assertConflictList({ v: 1, type: 'conflicts', conflicts: [{ ...conflict, doorCheckInAt: 'soon' }] }),
    ],
    [
      'a device without a name field',
      () =>
        assertConflictList({
          v: 1,
          type: 'conflicts',
          conflicts: [{ ...conflict, localBy: { ...conflict.localBy, device: { kind: 'staff' } } }],
        }),
    ],
    ['a web page instead of JSON', () => assertDeviceList('<html>')],
    [
      'a kept session with a made-up role',
      () => assertKeptSession({ name: 'Eve', role: 'root', school: { name: 'x', timeZone: 'UTC', bellTime: '08:00' } }),
    ],
  ])('refuses %s as a bad response', (_case, check) => {
    expect(refusal(check)).toBe('bad-response');
  });
});

describe('the session of an admin setting up a school', () => {
  it('reads a session with no school yet, and the schools a person works for', () => {
    expect(() => assertSessionInfo({ ...session, school: null, schools: [] })).not.toThrow();
    expect(() =>
      assertSessionInfo({
        ...session,
        schools: [
          { id: 'x', name: 'Riverside' },
          { id: 'y', name: 'Hillside' },
        ],
      }),
    ).not.toThrow();
  });

  it('refuses a list of schools it cannot show', () => {
    expect(() => assertSessionInfo({ ...session, schools: [{ id: 'x' }] })).toThrow(expect.objectContaining({ code: 'bad-response' }));
    expect(() => assertSessionInfo({ ...session, schools: 'Riverside' })).toThrow(expect.objectContaining({ code: 'bad-response' }));
  });
});
