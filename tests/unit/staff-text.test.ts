import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD } from '../../src/shared/attendance-model.ts';
import type { ConflictView } from '../../src/shared/office-protocol.ts';
import type { WorkerStatus } from '../../src/shared/worker-messages.ts';
import {
  confidenceText,
  conflictSummary,
  markStateText,
  newConflictsText,
  relativeTime,
  rollNetworkText,
  safeNext,
  signInReason,
} from '../../src/ui/staff-text.ts';

describe('the staff pages’ words', () => {
  it.each([
    ['/roll', '/roll'],
    ['/office?x=1', '/office?x=1'],
    ['//evil.example/', null],
    ['https://evil.example/', null],
    ['/\\evil.example', null],
    [null, null],
  ])('go on after sign-in only to a path on this site: %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it('say why the sign-in page was shown', () => {
    expect(signInReason('forbidden')).toBe('Your account cannot open that page.');
    expect(signInReason('expired')).toMatch(/session has ended/);
    expect(signInReason(null)).toBe('');
  });

  it.each([
    ['waiting', 'Waiting to send'],
    ['sent', 'Sent'],
    ['merged', 'Sent — combined with another mark'],
    ['conflict', 'Needs the office'],
    ['rejected', 'Refused by the server'],
  ] as const)('say where a mark stands: %s', (state, words) => {
    expect(markStateText(state)).toBe(words);
  });

  it('describe a conflict by who chose what', () => {
    const conflict = {
      local: { ...EMPTY_RECORD, status: 'late' },
      server: { ...EMPTY_RECORD, status: 'present' },
      localBy: { kind: 'office', name: 'Katherine Johnson' },
      serverBy: { kind: 'door', name: 'Main entrance' },
    } as unknown as ConflictView;
    expect(conflictSummary(conflict)).toBe('Late by Katherine Johnson (office), or Present by door scan (Main entrance)');
    expect(confidenceText(0)).toBe('no rule decides: your call');
    expect(confidenceText(0.95)).toBe('very confident');
  });

  it('announce new conflicts once, with their number', () => {
    expect(newConflictsText(1)).toBe('1 new conflict to look at');
    expect(newConflictsText(3)).toBe('3 new conflicts to look at');
  });

  it('say how long ago', () => {
    const now = Date.parse('2026-11-24T09:00:00Z');
    expect(relativeTime(now - 20_000, now)).toBe('just now');
    expect(relativeTime(now - 3 * 60_000, now)).toBe('3 minutes ago');
    expect(relativeTime(now - 5 * 3_600_000, now)).toBe('5 hours ago');
  });

  it('tell the teacher to sign in again when the session ended with marks still on the tablet', () => {
    const held = { phase: 'held', lastError: 'session-expired' } as unknown as WorkerStatus;
    expect(rollNetworkText(true, held)).toBe('Your session has ended: sign in again to send the marks saved here');
    expect(rollNetworkText(false, null)).toBe('Offline — marks are saved on this device');
    expect(rollNetworkText(true, null)).toBe('Online');
  });

  it('says plainly when the device needs an update to go on sending', () => {
    const held = { phase: 'held', lastError: 'unsupported-version' } as unknown as WorkerStatus;
    expect(rollNetworkText(true, held)).toBe('This device needs an update — reload the page; marks are kept here');
    const told = { phase: 'held', lastError: 'update-required' } as unknown as WorkerStatus;
    expect(rollNetworkText(true, told)).toBe('This device needs an update — reload the page; marks are kept here');
  });
});
