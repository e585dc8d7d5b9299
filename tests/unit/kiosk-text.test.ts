import { describe, expect, it } from 'vitest';
import type { WorkerStatus } from '../../src/shared/worker-messages.ts';
import {
  answerMessage,
  leavingText,
  networkText,
  pairingError,
  progressFraction,
  queueText,
  storageWarning,
  unpairedDetail,
} from '../../src/ui/kiosk-text.ts';
import { idleStatus } from '../support/worker-status.ts';

const idle = idleStatus({ quality: { score: 90, label: 'good', saveData: false }, storage: { usage: 1_000_000, quota: 1_000_000_000 } });

describe('what the kiosk says', () => {
  it.each([
    ['nothing waiting', idle, 'All sent'],
    [
      'sending with an estimate',
      {
        ...idle,
        phase: 'sending',
        waiting: 1160,
        progress: { lane: 'door', done: 340, total: 1500, bytesSent: 2000, rate: 17, etaSeconds: 20 },
      },
      'Sending 340 of 1,500 — about 20 s left',
    ],
    [
      'sending a long queue',
      {
        ...idle,
        phase: 'sending',
        waiting: 9000,
        progress: { lane: 'door', done: 1000, total: 10000, bytesSent: 2000, rate: 17, etaSeconds: 530 },
      },
      'Sending 1,000 of 10,000 — about 9 min left',
    ],
    [
      'waiting for the server',
      { ...idle, phase: 'waiting-for-network', waiting: 12 },
      'Waiting for the server — 12 check-ins saved on this kiosk',
    ],
    [
      'one waiting for the server',
      { ...idle, phase: 'waiting-for-network', waiting: 1 },
      'Waiting for the server — 1 check-in saved on this kiosk',
    ],
    ['held by the server', { ...idle, phase: 'held', waiting: 3, lastError: 'device-unauthorized' }, '3 check-ins saved on this kiosk'],
  ] as Array<[string, WorkerStatus, string]>)('%s', (_name, status, text) => {
    expect(queueText(status)).toBe(text);
  });

  it('asks for pairing again when the server no longer knows the kiosk', () => {
    expect(networkText(true, { ...idle, phase: 'held', lastError: 'device-unauthorized' })).toBe('This kiosk needs to be paired again');
    expect(networkText(true, { ...idle, phase: 'held', lastError: 'device-revoked' })).toBe('This kiosk was unpaired by the office');
  });

  it('says offline plainly', () => {
    expect(networkText(false, idle)).toBe('Offline');
    expect(networkText(true, { ...idle, phase: 'waiting-for-network' })).toBe('Online, but the server cannot be reached');
    expect(networkText(true, { ...idle, quality: { score: 20, label: 'poor', saveData: false } })).toBe('Online — poor connection');
  });

  it('agrees with itself and with the link', () => {
    // A link that is up never reads "offline connection", whatever the score says.
    expect(networkText(true, { ...idle, quality: { score: 0, label: 'offline', saveData: false } })).toBe('Online');
    // Offline, nothing is being sent, whatever phase the worker last reported.
    const sending: WorkerStatus = { ...idle, phase: 'sending', waiting: 30, progress: null };
    expect(queueText(sending, false)).toBe('Waiting for the network — 30 check-ins saved on this kiosk');
    expect(queueText(sending, true)).toBe('Sending 30 check-ins…');
  });

  it('says plainly when the server has moved on to a newer version', () => {
    expect(networkText(true, { ...idle, phase: 'held', waiting: 4, lastError: 'unsupported-version' })).toBe(
      'This kiosk needs an update — reload the page',
    );
    expect(networkText(true, { ...idle, phase: 'held', waiting: 4, lastError: 'update-required' })).toBe(
      'This kiosk needs an update — reload the page',
    );
  });

  it('shows the progress bar only while sending', () => {
    expect(progressFraction(idle)).toBeNull();
    expect(
      progressFraction({
        ...idle,
        phase: 'sending',
        progress: { lane: 'roll', done: 25, total: 100, bytesSent: 0, rate: 0, etaSeconds: null },
      }),
    ).toBe(0.25);
  });

  it('warns when the device is nearly out of storage', () => {
    expect(storageWarning(idle)).toBeNull();
    expect(storageWarning({ ...idle, storage: { usage: 95, quota: 100 } })).toMatch(/nearly out of storage/);
    expect(storageWarning({ ...idle, storage: { usage: 990_000_000, quota: 1_000_000_000 } })).toMatch(/nearly out of storage/);
  });

  it('greets on time and late arrivals differently', () => {
    const answer = {
      v: 1,
      type: 'mark-answer',
      opId: 'x',
      queued: true,
      studentId: '100001',
      student: { name: 'Ada Lovelace', homeroom: '7A' },
      at: 0,
      localTime: '07:58',
      late: false,
    } as const;
    expect(answerMessage(answer).headline).toBe('Ada Lovelace — checked in 07:58');
    expect(answerMessage({ ...answer, localTime: '08:14', late: true }).headline).toBe('Ada Lovelace — late, 08:14');
    expect(answerMessage({ ...answer, student: null }).headline).toBe("Not on this school's roster");
  });

  it('says goodbye at an exit, however late it is', () => {
    const answer = {
      v: 1,
      type: 'mark-answer',
      opId: 'x',
      queued: true,
      studentId: '100001',
      student: { name: 'Ada Lovelace', homeroom: '7A' },
      at: 0,
      localTime: '15:20',
      late: true,
    } as const;
    expect(answerMessage(answer, true)).toEqual({
      headline: 'Ada Lovelace — checked out 15:20',
      detail: '7A. Saved on this kiosk.',
      tone: 'ok',
    });
  });

  it('names the reason a student gave for leaving early, at any kiosk', () => {
    const answer = {
      v: 1,
      type: 'mark-answer',
      opId: 'x',
      queued: false,
      studentId: '100001',
      student: { name: 'Ada Lovelace', homeroom: '7A' },
      at: 0,
      localTime: '10:20',
      late: true,
    } as const;
    expect(answerMessage(answer, true, 'Appointment')).toEqual({
      headline: 'Ada Lovelace — checked out 10:20',
      detail: '7A. Appointment. Saved.',
      tone: 'ok',
    });
  });

  it('says plainly that the kiosk is checking out, and why', () => {
    expect(leavingText('Collected by a parent')).toBe('Checking out: Collected by a parent — scan your card');
  });

  it('tells a student scanning twice when they were already checked in', () => {
    const answer = {
      v: 1,
      type: 'mark-answer',
      opId: 'x',
      queued: true,
      studentId: '100001',
      student: { name: 'Ada Lovelace', homeroom: '7A' },
      at: 0,
      localTime: '08:10',
      late: true,
      alreadyAt: '07:58',
    } as const;
    expect(answerMessage(answer).headline).toBe('Ada Lovelace — already checked in at 07:58');
  });

  it('explains why a pairing code was not taken', () => {
    expect(pairingError('pairing-code-invalid')).toMatch(/mistyped, already used or expired/);
    expect(pairingError('too-many-attempts')).toMatch(/Wait a few minutes/);
    expect(pairingError('network-error')).toMatch(/must be online/);
  });

  it('says what a revoked kiosk still holds', () => {
    expect(unpairedDetail({ ...idle, waiting: 0 })).toMatch(/Nothing is waiting/);
    expect(unpairedDetail({ ...idle, waiting: 3 })).toBe('3 check-ins are kept on this kiosk and could not be sent.');
  });
});
