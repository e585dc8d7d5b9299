/** Which staff pages each role may open, and where each role lands after signing in. */
import type { StaffRole } from '../shared/account-protocol.ts';

export interface StaffPage {
  path: '/roll' | '/office' | '/students' | '/reports' | '/staff' | '/admin' | '/school' | '/cards';
  label: string;
}

const ROLL: StaffPage = { path: '/roll', label: 'Roll' };
const OFFICE: StaffPage = { path: '/office', label: 'Office' };
const STUDENTS: StaffPage = { path: '/students', label: 'Students' };
const REPORTS: StaffPage = { path: '/reports', label: 'Reports' };
const STAFF: StaffPage = { path: '/staff', label: 'Staff' };
const ADMIN: StaffPage = { path: '/admin', label: 'Admin' };
const SCHOOL: StaffPage = { path: '/school', label: 'School settings' };
const CARDS: StaffPage = { path: '/cards', label: 'Cards' };

export const PAGES_FOR: Readonly<Record<StaffRole, readonly StaffPage[]>> = {
  teacher: [ROLL],
  office: [ROLL, OFFICE, STUDENTS, REPORTS],
  admin: [ROLL, OFFICE, STUDENTS, REPORTS, STAFF, ADMIN, CARDS, SCHOOL],
};

/** Where a person lands after signing in when no page asked for them. */
export const HOME_OF: Readonly<Record<StaffRole, Exclude<StaffPage['path'], '/school'>>> = {
  teacher: '/roll',
  office: '/office',
  admin: '/admin',
};

export const ROLE_WORDS: Readonly<Record<StaffRole, string>> = { teacher: 'Teacher', office: 'Office', admin: 'Admin' };

/** "the roll", "the office page": how a sentence names a role's home page. */
export function homeName(role: StaffRole): string {
  return { teacher: 'the roll', office: 'the office page', admin: 'the admin page' }[role];
}

export type SignInReason = 'password' | 'expired' | 'forbidden';

/** The sign-in page, coming back to `next` afterwards. */
export function signInPath(next: string, reason?: SignInReason): string {
  return `/sign-in?next=${encodeURIComponent(next)}${reason ? `&reason=${reason}` : ''}`;
}

/** Every staff page (an admin may open them all) and set-up. */
const STAFF_PATHS: ReadonlySet<string> = new Set([...PAGES_FOR.admin.map((page) => page.path), '/setup']);

/**
 * Where to go after signing in: the page asked for (`next`, already checked
 * to be a path on this site), unless it is a staff page this role may not
 * open, which would only send the person straight back here.
 */
export function destinationAfterSignIn(next: string | null, role: StaffRole): string {
  if (next === null) return HOME_OF[role];
  const path = next.split(/[?#]/)[0] ?? next;
  const allowed = PAGES_FOR[role].some((page) => page.path === path) || (path === '/setup' && role === 'admin');
  if (STAFF_PATHS.has(path) && !allowed) return HOME_OF[role];
  return next;
}
