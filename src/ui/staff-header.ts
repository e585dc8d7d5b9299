/** The header of every staff page: the school, the person and their role, their pages, and "Sign out". */
import { make } from './dom.ts';
import type { KeptSession } from './kept-session.ts';
import { PAGES_FOR, ROLE_WORDS } from './staff-pages.ts';

export interface HeaderOptions {
  /** True when the server could not be asked and the page works from the kept session. */
  offline: boolean;
  currentPath: string;
  onSignOut: () => void;
}

export function renderStaffHeader(header: HTMLElement, session: KeptSession, options: HeaderOptions): void {
  const nav = make('nav', { attrs: { 'aria-label': 'Staff pages' } });
  for (const page of PAGES_FOR[session.role]) {
    const link = make('a', { text: page.label, attrs: { href: page.path } });
    if (options.currentPath === page.path) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  const who = make('p', { className: 'staff-who' }, [
    make('span', { text: session.name }),
    ' · ',
    make('span', { text: ROLE_WORDS[session.role] }),
  ]);
  if (options.offline) who.append(' ', make('span', { className: 'offline-tag', text: 'offline' }));
  const signOut = make('button', { text: 'Sign out', attrs: { type: 'button' } });
  signOut.addEventListener('click', options.onSignOut);
  header.replaceChildren(make('p', { className: 'staff-school', text: session.school.name }), nav, who, signOut);
}
