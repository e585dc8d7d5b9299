/** How the admin page describes a device, kept pure so it is tested without a browser. */
import type { DeviceSummary } from '../shared/account-protocol.ts';
import { isErrorCode } from '../shared/error-codes.ts';
import { ERROR_MESSAGES } from '../shared/error-messages.ts';
import { clockTime, dateTimeText } from './format-time.ts';
import { REFUSAL_WORDS } from './staff-errors.ts';
import { relativeTime } from './staff-text.ts';

export function deviceName(device: DeviceSummary): string {
  return device.kioskName ?? 'Staff browser';
}

export function pairedText(device: DeviceSummary, timeZone: string, now: number): string {
  return device.pairedAt === null ? '—' : dateTimeText(device.pairedAt, timeZone, now);
}

/** "12 minutes ago", or, for a kiosk quiet in school hours (src/shared/kiosk-silence.ts), that in words first. */
export function lastSeenText(device: DeviceSummary, now: number): string {
  const seen = relativeTime(device.lastSeenAt, now);
  return device.silent ? `Silent in school hours — last heard from ${seen}` : seen;
}

/** "2 kiosks are silent in school hours: Gym door, Main entrance.", or "" when none is. */
export function silentSummary(devices: readonly DeviceSummary[]): string {
  const names = devices
    .filter((d) => d.silent)
    .map(deviceName)
    .sort((a, b) => a.localeCompare(b));
  if (names.length === 0) return '';
  const one = names.length === 1;
  return `${one ? '1 kiosk is' : `${names.length} kiosks are`} silent in school hours, not heard from for 15 minutes or more: ${names.join(', ')}.`;
}

export function signedInText(device: DeviceSummary): string {
  if (device.kind !== 'staff') return '—';
  return device.signedIn ?? 'Nobody yet';
}

const LINK_WORDS = { good: 'Good', fair: 'Fair', poor: 'Poor', offline: 'Offline' } as const;

/** "Fair (52 of 100)", as the device measured its link at its last batch. */
export function linkText(device: DeviceSummary): string {
  if (device.link === undefined) return 'Not reported';
  if (device.link === null) return 'Not reported yet';
  if (device.link.label === 'offline') return LINK_WORDS.offline;
  return `${LINK_WORDS[device.link.label]} (${device.link.score} of 100)`;
}

/** Below this a device may soon refuse to save check-ins: said as "Only …". */
const LOW_STORAGE_BYTES = 50_000_000;

export function storageText(device: DeviceSummary): string {
  if (device.storageFree === undefined) return 'Not reported';
  if (device.storageFree === null) return 'Not reported yet';
  const bytes = device.storageFree;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB left`;
  if (bytes >= LOW_STORAGE_BYTES) return `${Math.round(bytes / 1e6)} MB left`;
  return `Only ${bytes >= 1e7 ? Math.round(bytes / 1e6) : (bytes / 1e6).toFixed(1)} MB left`;
}

/** Why a device's own sends failed, for an admin; a code this page does not know is named as it is. */
const FAILURE_WORDS: Record<string, string> = {
  'network-error': 'could not reach the server',
  'server-error': 'the server answered with an error',
  'server-busy': 'the server was busy',
  'sync-in-progress': 'another send was still under way',
  'storage-full': 'the server’s storage was full',
  'captive-portal': 'a network sign-in page was in the way',
  'bad-response': 'an answer it could not read',
  'request-timeout': 'the request took too long',
  'device-revoked': 'it was unpaired by the office',
  'device-unpaired': 'it was not paired',
  'unsupported-version': 'the server is newer: reload the kiosk',
};

export function failuresText(device: DeviceSummary, timeZone: string, now: number): string {
  if (device.failures === undefined) return 'Not reported';
  if (device.failures === null) return 'Not reported yet';
  if (device.failures.length === 0) return 'None';
  const text = device.failures
    .map((failure) => {
      const words =
        FAILURE_WORDS[failure.code] ??
        (isErrorCode(failure.code) ? ERROR_MESSAGES[failure.code].replace(/\.$/, '') : `failed (${failure.code})`);
      return `${words} at ${dateTimeText(failure.at, timeZone, now).replace(/^today /, '')}`;
    })
    .join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "12 waiting, oldest 08:03", what the device still held after its last sync. */
export function waitingText(device: DeviceSummary, timeZone: string, now: number): string {
  if (device.queueDepth === null) return 'Not reported yet';
  if (device.queueDepth === 0) return 'Nothing waiting';
  if (device.oldestWaitingAt === null || device.oldestWaitingAt === 0) return `${device.queueDepth.toLocaleString('en')} waiting`;
  const oldest = dateTimeText(device.oldestWaitingAt, timeZone, now).replace(/^today /, '');
  return `${device.queueDepth.toLocaleString('en')} waiting, oldest ${oldest}`;
}

/** "2 refused — ID 4242: the student is not on the school's roster; …", the newest first. */
export function refusedText(device: DeviceSummary): string {
  const refused = device.refused;
  if (!refused) return '—';
  if (refused.count === 0) return 'None';
  const reasons = refused.recent.map((op) => `ID ${op.studentId}: ${REFUSAL_WORDS[op.code]}`).join('; ');
  const more = refused.count > refused.recent.length ? `; and ${(refused.count - refused.recent.length).toLocaleString('en')} more` : '';
  return `${refused.count.toLocaleString('en')} refused — ${reasons}${more}`;
}

export function stateText(device: DeviceSummary, now: number): string {
  if (device.revokedAt !== null) return `Revoked ${relativeTime(device.revokedAt, now)}`;
  return device.kind === 'kiosk' ? 'Paired' : 'In use';
}

/** Revoked devices last; otherwise the most recently seen first. */
export function deviceOrder(a: DeviceSummary, b: DeviceSummary): number {
  const revoked = Number(a.revokedAt !== null) - Number(b.revokedAt !== null);
  return revoked !== 0 ? revoked : b.lastSeenAt - a.lastSeenAt;
}

/** "Works once, until 09:01 (in 24 hours)." */
export function pairingExpiryText(kioskName: string, expiresAt: number, timeZone: string, now: number): string {
  const minutes = Math.max(0, Math.round((expiresAt - now) / 60_000));
  const left =
    minutes < 60
      ? `${minutes} minute${minutes === 1 ? '' : 's'}`
      : `${Math.round(minutes / 60)} hour${Math.round(minutes / 60) === 1 ? '' : 's'}`;
  return `For “${kioskName}”. Works once, until ${clockTime(expiresAt, timeZone)} (in ${left}).`;
}
