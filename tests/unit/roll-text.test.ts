import { describe, expect, it } from 'vitest';
import type { RollRow, RollView } from '../../src/shared/office-protocol.ts';
import { ulid } from '../../src/shared/ulid.ts';
import type { WorkerStatus } from '../../src/shared/worker-messages.ts';
import {
  doorText,
  markText,
  needsSignIn,
  noSchoolText,
  refusalOf,
  rollQueueText,
  rollSummary,
  rowHeadline,
  sourceText,
} from '../../src/ui/roll-text.ts';
import { sessionLabel } from '../../src/shared/session-label.ts';
import { idleStatus } from '../support/worker-status.ts';

const idle = idleStatus();

const AT = Date.UTC(2026, 10, 24, 8, 40);
const opId = ulid(AT, (bytes) => bytes.fill(7));
const ada: RollRow = { studentId: '100001', name: 'Ada Lovelace', homeroom: '7B', status: null, checkInAt: null, version: 0, mark: null };

describe('what the roll says', () => {
  it.each([
    ['day', 'Whole day'],
    ['P1', 'Period 1'],
    ['P6', 'Period 6'],
    ['Maths 2', 'Maths 2'],
  ])('names the session %s the same on every page and in every export', (session, words) => {
    expect(sessionLabel(session)).toBe(words);
  });

  it('names the student with the status the record holds', () => {
    expect(rowHeadline(ada)).toBe('Ada Lovelace');
    expect(rowHeadline({ ...ada, status: 'late' })).toBe('Ada Lovelace — Late');
  });

  it('shows the door scan on the school’s clock', () => {
    expect(doorText(ada, 'Europe/London')).toBe('Not scanned at the door');
    expect(doorText({ ...ada, checkInAt: Date.UTC(2026, 5, 15, 6, 58) }, 'Europe/London')).toBe('At the door 07:58');
  });

  it.each([
    ['waiting', null, 'Marked Absent — Waiting to send'],
    ['sent', null, 'Marked Absent — Sent'],
    ['merged', null, 'Marked Absent — Sent — combined with another mark'],
    ['conflict', null, 'Marked Absent — Needs the office'],
    ['rejected', null, 'Marked Absent — Refused by the server'],
    ['rejected', 'unknown-student', "Marked Absent — Refused: the student is not on the school's roster"],
  ] as const)('says where a mark stands: %s', (state, refusal, words) => {
    expect(markText({ opId, status: 'absent', state, conflictId: null }, refusal)).toBe(words);
  });

  it('finds why a mark was refused among the worker’s recent refusals, by student and by when it was made', () => {
    const row: RollRow = { ...ada, mark: { opId, status: 'absent', state: 'rejected', conflictId: null } };
    const refused = (studentId: string, at: number, kind: 'status' | 'check-in' = 'status') => ({
      ...idle,
      recentDeadLetters: [{ seq: 1, kind, studentId, at, code: 'time-out-of-range' as const }],
    });
    expect(refusalOf(row, refused('100001', AT))).toBe('time-out-of-range');
    expect(refusalOf(row, refused('100001', AT - 1))).toBeNull();
    expect(refusalOf(row, refused('100002', AT))).toBeNull();
    expect(refusalOf(row, refused('100001', AT, 'check-in'))).toBeNull();
    expect(refusalOf({ ...row, mark: { opId, status: 'absent', state: 'sent', conflictId: null } }, refused('100001', AT))).toBeNull();
    expect(refusalOf(row, null)).toBeNull();
  });

  it.each([
    ['before the worker reports', null, ''],
    ['nothing waiting', idle, 'All marks sent'],
    ['one waiting', { ...idle, phase: 'waiting-for-network', waiting: 1 }, '1 mark waiting to send'],
    ['many waiting', { ...idle, phase: 'held', waiting: 1200 }, '1,200 marks waiting to send'],
    ['sending', { ...idle, phase: 'sending', waiting: 3 }, 'Sending 3 marks…'],
  ] as Array<[string, WorkerStatus | null, string]>)('counts the marks this device holds: %s', (_case, status, words) => {
    expect(rollQueueText(status)).toBe(words);
  });

  it('never says it is sending while the browser knows it is offline', () => {
    expect(rollQueueText({ ...idle, phase: 'sending', waiting: 3 }, false)).toBe('3 marks waiting to send');
  });

  it('asks for a new sign-in only when an ended session holds the marks back', () => {
    expect(needsSignIn({ ...idle, phase: 'held', lastError: 'session-expired' })).toBe(true);
    expect(needsSignIn({ ...idle, phase: 'held', lastError: 'not-signed-in' })).toBe(true);
    expect(needsSignIn({ ...idle, phase: 'held', lastError: 'device-revoked' })).toBe(false);
    expect(needsSignIn({ ...idle, phase: 'waiting-for-network', lastError: 'session-expired' })).toBe(false);
    expect(needsSignIn(null)).toBe(false);
  });

  it('says where the roll came from and how much of it is marked', () => {
    const view: RollView = {
      v: 1,
      type: 'roll',
      date: '2026-11-24',
      session: 'day',
      group: '7B',
      groups: ['7B'],
      sessions: ['day'],
      rows: [ada, { ...ada, studentId: '2', status: 'present' }],
      source: 'device',
    };
    expect(sourceText(view)).toMatch(/^From this device’s copy/);
    expect(sourceText({ ...view, source: 'server' })).toMatch(/not ready to work offline yet/);
    expect(sourceText({ ...view, groups: [], group: '', rows: [] })).toMatch(/^No students on the roster yet: an admin imports the roster/);
    expect(rollSummary(view)).toBe('2 students, 1 marked');
  });

  it.each([
    ['2026-12-02', 'a Wednesday in term', ''],
    ['2026-12-05', 'a Saturday', 'No school today'],
    ['2026-12-22', 'a day of the Christmas closure', 'No school today: Christmas holidays'],
    ['2027-01-05', 'the closure’s last day', 'No school today: Christmas holidays'],
    ['2026-10-28', 'a closure given no reason', 'No school today'],
  ])('says whether %s (%s) is a school day', (date, _what, words) => {
    const calendar = {
      weekdaysOff: [6, 7],
      closures: [
        { firstDay: '2026-12-21', lastDay: '2027-01-05', reason: 'Christmas holidays' },
        { firstDay: '2026-10-26', lastDay: '2026-10-30', reason: ' ' },
      ],
    };
    expect(noSchoolText(date, calendar)).toBe(words);
  });
});

describe('reasons on the roll', () => {
  it('names an absence’s reason in the words it was marked with, and only beside Absent or Excused', () => {
    expect(rowHeadline({ ...ada, status: 'absent', reason: 'illness', reasonText: 'Illness' })).toBe('Ada Lovelace — Absent (Illness)');
    expect(rowHeadline({ ...ada, status: 'excused', reason: 'family', reasonText: 'Family' })).toBe('Ada Lovelace — Excused (Family)');
    expect(rowHeadline({ ...ada, status: 'present', reason: 'illness', reasonText: 'Illness' })).toBe('Ada Lovelace — Present');
  });

  it('says when a student left and why', () => {
    const left = { ...ada, checkInAt: AT, checkOutAt: Date.UTC(2026, 10, 24, 11, 20) };
    expect(doorText({ ...left, checkOutReason: 'appointment' }, 'Europe/London')).toBe('Left 11:20 (Appointment)');
    expect(doorText({ ...left, checkOutReason: 'collected' }, 'Europe/London')).toBe('Left 11:20 (Collected by a parent)');
    expect(doorText(left, 'Europe/London')).toBe('Left 11:20');
  });
});
