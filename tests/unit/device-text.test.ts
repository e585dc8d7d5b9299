import { describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../src/shared/account-protocol.ts';
import {
  deviceName,
  deviceOrder,
  failuresText,
  lastSeenText,
  linkText,
  pairedText,
  pairingExpiryText,
  refusedText,
  signedInText,
  silentSummary,
  stateText,
  storageText,
  waitingText,
} from '../../src/ui/device-text.ts';

const LONDON = 'Europe/London';
const NOW = Date.UTC(2026, 10, 24, 10, 0);
const kiosk: DeviceSummary = {
  id: 'dev-1',
  kind: 'kiosk',
  kioskId: 'k1',
  kioskName: 'Main entrance',
  pairedAt: Date.UTC(2026, 10, 20, 7, 30),
  lastSeenAt: NOW - 3 * 60_000,
  appVersion: '0.2.0',
  queueDepth: 12,
  oldestWaitingAt: Date.UTC(2026, 10, 24, 8, 3),
  revokedAt: null,
};

describe('how the admin page describes a device', () => {
  it('names a kiosk by its kiosk, and a staff browser as one', () => {
    expect(deviceName(kiosk)).toBe('Main entrance');
    expect(deviceName({ ...kiosk, kind: 'staff', kioskName: null })).toBe('Staff browser');
  });

  it('says when it was paired', () => {
    expect(pairedText(kiosk, LONDON, NOW)).toBe('20 Nov, 07:30');
    expect(pairedText({ ...kiosk, pairedAt: null }, LONDON, NOW)).toBe('—');
  });

  it.each([
    ['waiting since this morning', kiosk, '12 waiting, oldest 08:03'],
    ['waiting since yesterday', { ...kiosk, oldestWaitingAt: Date.UTC(2026, 10, 23, 15, 40) }, '12 waiting, oldest 23 Nov, 15:40'],
    ['nothing waiting', { ...kiosk, queueDepth: 0, oldestWaitingAt: null }, 'Nothing waiting'],
    ['never reported', { ...kiosk, queueDepth: null, oldestWaitingAt: null }, 'Not reported yet'],
    ['no oldest time', { ...kiosk, queueDepth: 1500, oldestWaitingAt: 0 }, '1,500 waiting'],
  ])('says what waits on it: %s', (_case, device, words) => {
    expect(waitingText(device, LONDON, NOW)).toBe(words);
  });

  it.each([
    ['an older server', kiosk, 'Not reported'],
    ['no batch yet', { ...kiosk, link: null }, 'Not reported yet'],
    ['a good link', { ...kiosk, link: { score: 82, label: 'good' as const } }, 'Good (82 of 100)'],
    ['a satellite link', { ...kiosk, link: { score: 37, label: 'poor' as const } }, 'Poor (37 of 100)'],
    ['no link', { ...kiosk, link: { score: 0, label: 'offline' as const } }, 'Offline'],
  ])('says how good its link is: %s', (_case, device, words) => {
    expect(linkText(device)).toBe(words);
  });

  it.each([
    ['an older server', kiosk, 'Not reported'],
    ['not known', { ...kiosk, storageFree: null }, 'Not reported yet'],
    ['plenty', { ...kiosk, storageFree: 2_345_000_000 }, '2.3 GB left'],
    ['some', { ...kiosk, storageFree: 345_600_000 }, '346 MB left'],
    ['little', { ...kiosk, storageFree: 12_000_000 }, 'Only 12 MB left'],
    ['almost none', { ...kiosk, storageFree: 300_000 }, 'Only 0.3 MB left'],
  ])('says how much it may still store: %s', (_case, device, words) => {
    expect(storageText(device)).toBe(words);
  });

  it('lists its last failures in words, newest first, with their times', () => {
    expect(failuresText(kiosk, LONDON, NOW)).toBe('Not reported');
    expect(failuresText({ ...kiosk, failures: null }, LONDON, NOW)).toBe('Not reported yet');
    expect(failuresText({ ...kiosk, failures: [] }, LONDON, NOW)).toBe('None');
    const failures = [
      { code: 'network-error', at: Date.UTC(2026, 10, 24, 9, 41) },
      { code: 'server-busy', at: Date.UTC(2026, 10, 23, 15, 2) },
      { code: 'a-newer-code', at: Date.UTC(2026, 10, 24, 9, 0) },
    ];
    expect(failuresText({ ...kiosk, failures }, LONDON, NOW)).toBe(
      'Could not reach the server at 09:41; the server was busy at 23 Nov, 15:02; failed (a-newer-code) at 09:00',
    );
  });

  it('names who is signed in on a staff browser only', () => {
    expect(signedInText(kiosk)).toBe('—');
    expect(signedInText({ ...kiosk, kind: 'staff', kioskName: null, signedIn: 'Grace Hopper' })).toBe('Grace Hopper');
    expect(signedInText({ ...kiosk, kind: 'staff', kioskName: null, signedIn: null })).toBe('Nobody yet');
  });

  it('sums up the kiosks gone silent above the table', () => {
    expect(silentSummary([kiosk])).toBe('');
    const gym = { ...kiosk, id: 'dev-2', kioskName: 'Gym door', silent: true };
    expect(silentSummary([kiosk, { ...kiosk, silent: true }, gym])).toBe(
      '2 kiosks are silent in school hours, not heard from for 15 minutes or more: Gym door, Main entrance.',
    );
    expect(silentSummary([gym])).toMatch(/^1 kiosk is silent/);
  });

  it('says in words when a kiosk has gone silent in school hours', () => {
    expect(lastSeenText(kiosk, NOW)).toBe('3 minutes ago');
    expect(lastSeenText({ ...kiosk, lastSeenAt: NOW - 40 * 60_000, silent: true }, NOW)).toBe(
      'Silent in school hours — last heard from 40 minutes ago',
    );
  });

  it('lists what the server refused from the device, with the reasons, for staff rather than for students at the door', () => {
    expect(refusedText(kiosk)).toBe('—');
    expect(refusedText({ ...kiosk, refused: { count: 0, recent: [] } })).toBe('None');
    const two = {
      count: 2,
      recent: [
        { studentId: '4242', code: 'unknown-student' as const, at: NOW },
        { studentId: '100002', code: 'time-out-of-range' as const, at: NOW },
      ],
    };
    expect(refusedText({ ...kiosk, refused: two })).toBe(
      "2 refused — ID 4242: the student is not on the school's roster; ID 100002: the device's clock was far wrong",
    );
    expect(refusedText({ ...kiosk, refused: { ...two, count: 9 } })).toMatch(/; and 7 more$/);
  });

  it('shows a revoked device as revoked', () => {
    expect(stateText(kiosk, NOW)).toBe('Paired');
    expect(stateText({ ...kiosk, revokedAt: NOW - 5 * 60_000 }, NOW)).toBe('Revoked 5 minutes ago');
    expect(stateText({ ...kiosk, kind: 'staff' }, NOW)).toBe('In use');
  });

  it('lists revoked devices last, the rest most recently seen first', () => {
    const a = { ...kiosk, id: 'a', lastSeenAt: NOW - 1000 };
    const b = { ...kiosk, id: 'b', lastSeenAt: NOW };
    const c = { ...kiosk, id: 'c', lastSeenAt: NOW + 1000, revokedAt: NOW };
    expect([c, a, b].sort(deviceOrder).map((d) => d.id)).toEqual(['b', 'a', 'c']);
  });

  it('says until when a pairing code works', () => {
    expect(pairingExpiryText('Main entrance', NOW + 15 * 60_000, LONDON, NOW)).toBe(
      'For “Main entrance”. Works once, until 10:15 (in 15 minutes).',
    );
    expect(pairingExpiryText('Gym door', NOW + 24 * 3_600_000, LONDON, NOW)).toBe('For “Gym door”. Works once, until 10:00 (in 24 hours).');
  });
});
