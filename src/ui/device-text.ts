/** How the admin page describes a device, kept pure so it is tested without a browser. */
import type { DeviceSummary } from '../shared/account-protocol.ts';
import { clockTime, dateTimeText } from './format-time.ts';
import { REFUSAL_WORDS } from './staff-errors.ts';
import { relativeTime } from './staff-text.ts';

export function deviceName(device: DeviceSummary): string {
  return device.kioskName ?? 'Staff browser';
}

export function pairedText(device: DeviceSummary, timeZone: string, now: number): string {
  return device.pairedAt === null ? '—' : dateTimeText(device.pairedAt, timeZone, now);
}

/** "12 waiting, oldest 08:03", as the device last reported it. */
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
