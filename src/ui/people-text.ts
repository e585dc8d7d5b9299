/** How the students, staff and kiosk pages describe what they list, kept pure so it is tested without a browser. */
import type { KioskDirection, KioskView, ScanMode, StaffView, StudentView } from '../shared/people-protocol.ts';
import { dateTimeText } from './format-time.ts';

export const SCAN_MODE_WORDS: Readonly<Record<ScanMode, string>> = { keyboard: 'Card scanner', camera: 'Camera' };
export const DIRECTION_WORDS: Readonly<Record<KioskDirection, string>> = { entrance: 'Entrance (checks in)', exit: 'Exit (checks out)' };

/** "At school", or "Left 3 Dec 09:14". */
export function studentStateText(student: StudentView, timeZone: string, now: number): string {
  return student.leftAt === null ? 'At school' : `Left ${dateTimeText(student.leftAt, timeZone, now)}`;
}

/** "12 students", "1 student", with "the first 100 shown" when the server has more. */
export function studentCountText(count: number, more: boolean, searched: boolean): string {
  if (count === 0)
    return searched
      ? 'No student matches that search.'
      : 'This school has no students yet: import the roster on the Admin page, or add them above.';
  const shown = `${count.toLocaleString('en')} student${count === 1 ? '' : 's'}`;
  return more ? `The first ${shown} shown: type more of a name or ID to narrow the list.` : `${shown} found.`;
}

export function staffStateText(member: StaffView, timeZone: string, now: number): string {
  if (member.deactivatedAt !== null) return `Deactivated ${dateTimeText(member.deactivatedAt, timeZone, now)}`;
  return member.mustChangePassword ? 'Active — has not chosen a password yet' : 'Active';
}

export function homeroomsText(homerooms: readonly string[]): string {
  return homerooms.length === 0 ? '—' : homerooms.join(', ');
}

/** What to hand the person, said once: it is not shown again. */
export function oneTimePasswordText(name: string, reset: boolean): string {
  const what = reset ? `${name}’s password was reset` : `${name}’s account is ready`;
  return `${what}. Give them this one-time password; it is shown only now. They choose their own when they first sign in.`;
}

export function kioskStateText(kiosk: KioskView, timeZone: string, now: number): string {
  if (kiosk.retiredAt !== null) return `Retired ${dateTimeText(kiosk.retiredAt, timeZone, now)}`;
  if (kiosk.pairedDevices === 0) return 'Not paired yet';
  return kiosk.pairedDevices === 1 ? '1 device paired' : `${kiosk.pairedDevices} devices paired`;
}
