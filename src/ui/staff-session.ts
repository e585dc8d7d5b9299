/**
 * What every staff page does first: find out who is signed in (or, offline,
 * who last was), send anyone else to the sign-in page, and show the header
 * with the school, the person, the pages their role may open and "Sign out".
 */
import type { SessionInfo, StaffRole } from '../shared/account-protocol.ts';
import { call } from './staff-api.ts';

/** What the page keeps between visits so the roll opens offline: never a secret. */
export interface KeptSession {
  name: string;
  role: StaffRole;
  school: { name: string; timeZone: string; bellTime: string };
}

const KEPT = 'doorline.session';

export const PAGES_FOR: Record<StaffRole, Array<{ path: string; label: string }>> = {
  teacher: [{ path: '/roll', label: 'Roll' }],
  office: [
    { path: '/roll', label: 'Roll' },
    { path: '/office', label: 'Office' },
  ],
  admin: [
    { path: '/roll', label: 'Roll' },
    { path: '/office', label: 'Office' },
    { path: '/admin', label: 'Admin' },
  ],
};

/** Where a person lands after signing in when no page asked for them. */
export const HOME_OF: Record<StaffRole, string> = { teacher: '/roll', office: '/office', admin: '/admin' };

export function keep(session: SessionInfo): KeptSession {
  const kept: KeptSession = { name: session.staff.name, role: session.staff.role, school: { name: session.school.name, timeZone: session.school.timeZone, bellTime: session.school.bellTime } };
  localStorage.setItem(KEPT, JSON.stringify(kept));
  return kept;
}

function kept(): KeptSession | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEPT) ?? 'null') as KeptSession | null;
    return value && typeof value.name === 'string' && typeof value.role === 'string' ? value : null;
  } catch {
    return null;
  }
}

function goSignIn(reason?: string): never {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/sign-in?next=${next}${reason ? `&reason=${reason}` : ''}`);
  throw new Error('Leaving for the sign-in page');
}

/** Resolves with who is signed in, or leaves the page; `roles` are those allowed here. */
export async function requireStaff(roles: readonly StaffRole[]): Promise<KeptSession & { offline: boolean }> {
  const answer = await call<SessionInfo>('/api/session');
  let session: KeptSession;
  let offline = false;
  if (answer.ok) {
    if (answer.body.mustChangePassword) goSignIn('password');
    session = keep(answer.body);
  } else if (answer.code === 'network-error') {
    const last = kept();
    if (!last) goSignIn();
    session = last;
    offline = true;
  } else {
    localStorage.removeItem(KEPT);
    goSignIn(answer.code === 'session-expired' ? 'expired' : undefined);
  }
  renderHeader(session, offline);
  if (!roles.includes(session.role)) {
    const main = document.querySelector('main');
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.textContent = `Your account (${session.role}) cannot open this page. `;
    const link = document.createElement('a');
    link.href = HOME_OF[session.role];
    link.textContent = 'Go to your page';
    message.append(link);
    main?.replaceChildren(message);
    throw new Error('Wrong role for this page');
  }
  return { ...session, offline };
}

function renderHeader(session: KeptSession, offline: boolean): void {
  const header = document.getElementById('staff-header');
  if (!header) return;
  const school = document.createElement('strong');
  school.textContent = session.school.name;
  const nav = document.createElement('nav');
  nav.setAttribute('aria-label', 'Pages');
  for (const page of PAGES_FOR[session.role]) {
    const link = document.createElement('a');
    link.href = page.path;
    link.textContent = page.label;
    if (location.pathname === page.path) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  const who = document.createElement('span');
  who.textContent = `${session.name} (${session.role})${offline ? ' — offline' : ''}`;
  const signOut = document.createElement('button');
  signOut.type = 'button';
  signOut.textContent = 'Sign out';
  signOut.addEventListener('click', () => {
    void call('/api/session', { method: 'DELETE' }).finally(() => {
      localStorage.removeItem(KEPT);
      location.assign('/sign-in');
    });
  });
  header.replaceChildren(school, nav, who, signOut);
}

/** "08:14" in the school's time zone. */
export function clockTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page is missing #${id}`);
  return found as T;
}
