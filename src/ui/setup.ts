/**
 * The set-up page: an admin creates a school. The first admin of an empty
 * server lands here straight after choosing a password (their session acts
 * for no school until then, and this is the one page it opens); an admin
 * with schools comes here to add another.
 */
import type { SessionInfo } from '../shared/account-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { assertSchoolSettingsView, type SchoolSettings } from '../shared/school-settings.ts';
import { element, make } from './dom.ts';
import { forgetSession, keepSession } from './kept-session.ts';
import { schoolForm } from './school-form.ts';
import { call, callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { DEFAULT_ABSENCE_REASONS } from '../shared/reasons.ts';
import { assertSessionInfo } from './staff-guards.ts';
import { renderStaffHeader } from './staff-header.ts';
import { ROLE_WORDS, signInPath } from './staff-pages.ts';

const header = element<HTMLElement>('staff-header');
const slot = element<HTMLElement>('setup-form');
const alert = element<HTMLElement>('setup-error');
const done = element<HTMLElement>('setup-done');

/** A new school's starting point: the browser's own zone, a common day, weekends off, no periods yet. */
const STARTING_SETTINGS: SchoolSettings = {
  name: '',
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  dayStart: '07:30',
  bellTime: '08:30',
  lateGraceMinutes: 5,
  periods: [],
  weekdaysOff: [6, 7],
  closures: [],
  absenceReasons: DEFAULT_ABSENCE_REASONS.map((r) => ({ ...r })),
};

async function signOut(): Promise<void> {
  await call('/api/session', { method: 'DELETE' });
  forgetSession(localStorage);
  location.assign('/sign-in');
}

/** Before there is a school the usual header has nothing to show but the person. */
function renderHeader(session: SessionInfo): void {
  if (session.school !== null) {
    renderStaffHeader(header, keepSession(localStorage, { ...session, school: session.school }), {
      offline: false,
      currentPath: location.pathname,
      onSignOut: () => void signOut(),
      schools: { current: session.school.id, all: session.schools ?? [] },
    });
    return;
  }
  const out = make('button', { text: 'Sign out', attrs: { type: 'button' } });
  out.addEventListener('click', () => void signOut());
  header.replaceChildren(
    make('p', { className: 'staff-school', text: 'Doorline' }),
    make('p', { className: 'staff-who' }, [session.staff.name, ' · ', ROLE_WORDS[session.staff.role]]),
    out,
  );
}

async function start(): Promise<void> {
  const answer = await callChecked('/api/session', assertSessionInfo);
  if (!answer.ok) {
    if (answer.code === 'not-signed-in' || answer.code === 'session-expired') location.assign(signInPath('/setup'));
    else alert.textContent = refusalText(answer);
    return;
  }
  const session = answer.body;
  if (session.mustChangePassword) {
    location.assign(signInPath('/setup', 'password'));
    return;
  }
  renderHeader(session);
  if (session.staff.role !== 'admin') {
    alert.textContent = 'Only an admin can set up a school.';
    return;
  }
  if (session.school !== null) {
    element('setup-heading').textContent = 'Add a school';
    element('setup-intro').textContent =
      'A new school starts with its own settings and an empty roster; you can switch between your schools at the top of each page.';
  }
  const school = schoolForm(STARTING_SETTINGS, 'Create the school');
  slot.replaceChildren(school.form);
  school.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (school.form.getAttribute('aria-busy') === 'true') return;
    alert.textContent = '';
    school.clearInvalid();
    school.form.setAttribute('aria-busy', 'true');
    void callChecked('/api/schools', assertSchoolSettingsView, { method: 'POST', body: { v: PROTOCOL_VERSION, ...school.read() } })
      .then((created) => {
        if (!created.ok) {
          alert.textContent = refusalText(created);
          school.markInvalid(typeof created.details.path === 'string' ? created.details.path : undefined, 'setup-error');
          return;
        }
        school.form.hidden = true;
        done.hidden = false;
        const heading = element('setup-done-heading');
        heading.textContent = `${created.body.settings.name} is set up`;
        heading.focus();
      })
      .finally(() => school.form.removeAttribute('aria-busy'));
  });
  school.form.querySelector('input')?.focus();
}

void start();
