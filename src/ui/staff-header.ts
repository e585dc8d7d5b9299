/** The header of every staff page: the school (with a switch for someone working for several), the person and their role, their pages, the emergency roll call, and "Sign out". */
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { make } from './dom.ts';
import type { KeptSession } from './kept-session.ts';
import { ROLL_CALL_CHANGED } from './roll-call-memory.ts';
import { keptRollCall, ROLL_CALL_PATH, startRollCall } from './roll-call-start.ts';
import { call } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { PAGES_FOR, ROLE_WORDS } from './staff-pages.ts';

/** The schools a person works for and the one the session acts for, as the server said. */
export interface HeaderSchools {
  current: string;
  all: ReadonlyArray<{ id: string; name: string }>;
}

export interface HeaderOptions {
  /** True when the server could not be asked and the page works from the kept session. */
  offline: boolean;
  currentPath: string;
  onSignOut: () => void;
  /** Known only online; with more than one, the header offers the switch. */
  schools?: HeaderSchools;
}

/** A select and a button, so choosing by keyboard does not switch before the person means to. */
function schoolSwitch(schools: HeaderSchools): HTMLFormElement {
  const select = make('select', { attrs: { id: 'school-switch', name: 'school' } });
  select.append(...schools.all.map((s) => new Option(s.name, s.id, false, s.id === schools.current)));
  const problem = make('span', { className: 'switch-problem', attrs: { role: 'alert' } });
  const form = make('form', { className: 'school-switch', attrs: { 'aria-label': 'Switch school' } }, [
    make('label', { text: 'School', attrs: { for: 'school-switch', class: 'visually-hidden' } }),
    select,
    make('button', { text: 'Switch', attrs: { type: 'submit' } }),
    problem,
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (select.value === schools.current) return;
    void call('/api/session/school', { method: 'POST', body: { v: PROTOCOL_VERSION, schoolId: select.value } }).then((answer) => {
      if (!answer.ok) {
        problem.textContent = `Could not switch: ${refusalText(answer)}`;
        return;
      }
      // Read through the worker, this tells it the browser now works for the other school (sw/kiosk-cache.ts).
      void fetch('/api/kiosk-config', { cache: 'no-store', credentials: 'same-origin' })
        .catch(() => undefined)
        .finally(() => location.reload());
    });
  });
  return form;
}

/** Says again whether a roll call runs, on the header's button as last drawn; null until the first. */
let relabelEmergency: (() => void) | null = null;

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
  const school =
    options.schools && options.schools.all.length > 1
      ? schoolSwitch(options.schools)
      : make('p', { className: 'staff-school', text: session.school.name });
  // On every staff page, for every role: in an emergency, one press away.
  // Running (as this browser knows): the button says so, and opens it without asking.
  const label = (): string => (keptRollCall(session.school)?.endedAt === null ? 'Emergency roll call — running' : 'Emergency roll call');
  const emergency = make('button', { className: 'emergency-button', text: label(), attrs: { type: 'button' } });
  // Started, heard of or ended, here or in another tab: the button says so at once.
  if (!relabelEmergency) for (const news of ['storage', ROLL_CALL_CHANGED]) window.addEventListener(news, () => relabelEmergency?.());
  relabelEmergency = () => (emergency.textContent = label());
  emergency.addEventListener('click', () => void startRollCall(session.school));
  if (options.currentPath === ROLL_CALL_PATH) emergency.setAttribute('aria-current', 'page');
  header.replaceChildren(school, nav, who, emergency, signOut);
}
