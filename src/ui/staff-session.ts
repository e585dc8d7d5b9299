/**
 * What every staff page does first: find out who is signed in (or, with no
 * answer from the server, who last was, so the roll opens offline), send
 * anyone else to the sign-in page, show the header and the notices region, and stop at a page the
 * person's role may not open.
 */
import type { StaffRole } from '../shared/account-protocol.ts';
import { make } from './dom.ts';
import { forgetSession, keepSession, keptSession, type KeptSession } from './kept-session.ts';
import { call, callChecked, type Refused } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { assertSessionInfo } from './staff-guards.ts';
import { renderStaffHeader, type HeaderSchools } from './staff-header.ts';
import { startStaffNotices } from './staff-notices.ts';
import { HOME_OF, homeName, signInPath, type SignInReason } from './staff-pages.ts';

export interface StaffContext extends KeptSession {
  /** True when the server gave no answer and the page works from the kept session. */
  offline: boolean;
}

export interface StaffPageOptions {
  /** Asked before signing out; resolving false keeps the person signed in. */
  beforeSignOut?: () => Promise<boolean>;
}

/** Codes that mean "the server could not say", as opposed to "the server said no". */
const NO_ANSWER = new Set(['network-error', 'server-error', 'internal', 'bad-response']);

function leaveForSignIn(reason?: SignInReason): null {
  location.assign(signInPath(location.pathname + location.search, reason));
  return null;
}

function showInMain(...content: Array<Node | string>): void {
  const main = document.querySelector('main');
  main?.replaceChildren(make('p', { className: 'page-message', attrs: { role: 'alert' } }, content));
}

async function signOut(options: StaffPageOptions): Promise<void> {
  if (options.beforeSignOut && !(await options.beforeSignOut())) return;
  // Offline, the cookie stays until the server can end it; this browser forgets the person either way.
  await call('/api/session', { method: 'DELETE' });
  forgetSession(localStorage);
  location.assign('/sign-in');
}

/**
 * Resolves with who is signed in, or with null after sending the person
 * elsewhere (or showing why they cannot use this page): the page then stops.
 */
export async function requireStaff(roles: readonly StaffRole[], options: StaffPageOptions = {}): Promise<StaffContext | null> {
  const answer = await callChecked('/api/session', assertSessionInfo);
  let session: KeptSession;
  let offline = false;
  let schools: HeaderSchools | undefined;
  if (answer.ok) {
    if (answer.body.mustChangePassword) return leaveForSignIn('password');
    const school = answer.body.school;
    if (school === null) {
      // Only an admin can be signed in without a school, and the set-up page is the one they can use.
      location.assign('/setup');
      return null;
    }
    session = keepSession(localStorage, { ...answer.body, school });
    schools = { current: school.id, all: answer.body.schools ?? [] };
  } else if (NO_ANSWER.has(answer.code)) {
    const last = keptSession(localStorage);
    if (!last) return leaveForSignIn();
    session = last;
    offline = true;
  } else if (answer.code === 'not-signed-in' || answer.code === 'session-expired') {
    forgetSession(localStorage);
    return leaveForSignIn(answer.code === 'session-expired' ? 'expired' : undefined);
  } else {
    showInMain(refusalText(answer));
    return null;
  }
  const header = document.getElementById('staff-header');
  const showHeader = (who: KeptSession, unchecked: boolean): void => {
    if (header)
      renderStaffHeader(header, who, {
        offline: unchecked,
        currentPath: location.pathname,
        onSignOut: () => void signOut(options),
        ...(schools && !unchecked ? { schools } : {}),
      });
  };
  showHeader(session, offline);
  if (offline) {
    // Back online: ask again, so the header stops saying "offline" (or the person signs in again).
    const recheck = async (): Promise<void> => {
      const again = await callChecked('/api/session', assertSessionInfo);
      const school = again.ok ? again.body.school : null;
      if (again.ok && school !== null && !again.body.mustChangePassword && again.body.staff.role === session.role) {
        window.removeEventListener('online', recheck);
        schools = { current: school.id, all: again.body.schools ?? [] };
        showHeader(keepSession(localStorage, { ...again.body, school }), false);
      } else if (!again.ok && !NO_ANSWER.has(again.code)) {
        window.removeEventListener('online', recheck);
        followRefusal(again);
      }
    };
    window.addEventListener('online', recheck);
  }
  if (!roles.includes(session.role)) {
    const link = make('a', { text: `Go to ${homeName(session.role)}`, attrs: { href: HOME_OF[session.role] } });
    showInMain('Your account cannot open this page. ', link);
    return null;
  }
  startStaffNotices({ role: session.role });
  return { ...session, offline };
}

/**
 * For any answer a page gets later: an ended session or a password to
 * change sends the person to the sign-in page (true); anything else is the
 * page's to show (false).
 */
export function followRefusal(answer: Refused): boolean {
  if (answer.code === 'not-signed-in' || answer.code === 'session-expired') {
    forgetSession(localStorage);
    leaveForSignIn('expired');
    return true;
  }
  if (answer.code === 'password-change-required') {
    leaveForSignIn('password');
    return true;
  }
  return false;
}
