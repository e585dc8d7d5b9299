/** The sign-in page: sign in, choose a new password when one must be, then go where the person was going. */
import type { SessionInfo } from '../shared/account-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { element } from './dom.ts';
import { keepSession } from './kept-session.ts';
import { call, callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { assertSessionInfo } from './staff-guards.ts';
import { destinationAfterSignIn, homeName, HOME_OF, ROLE_WORDS } from './staff-pages.ts';
import { safeNext, signInReason } from './staff-text.ts';

/** The shortest new password the server takes. */
const MIN_PASSWORD = 10;

const signInForm = element<HTMLFormElement>('sign-in-form');
const passwordForm = element<HTMLFormElement>('password-form');
const alert = element<HTMLElement>('sign-in-error');
const reason = element<HTMLElement>('sign-in-reason');
const signedIn = element<HTMLElement>('signed-in');
const email = element<HTMLInputElement>('email');
const password = element<HTMLInputElement>('password');
const currentPassword = element<HTMLInputElement>('current-password');
const newPassword = element<HTMLInputElement>('new-password');
const repeatPassword = element<HTMLInputElement>('repeat-password');

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));
reason.textContent = signInReason(params.get('reason'));

function goOn(session: SessionInfo): void {
  // An admin with no school yet has one thing to do first: set it up.
  if (session.school === null) {
    location.assign('/setup');
    return;
  }
  keepSession(localStorage, { ...session, school: session.school });
  location.assign(destinationAfterSignIn(next, session.staff.role));
}

/** Shown instead of the sign-in form until the one-time password is replaced. */
function askForNewPassword(current: string): void {
  signInForm.hidden = true;
  signedIn.hidden = true;
  passwordForm.hidden = false;
  reason.textContent = '';
  currentPassword.value = current;
  element<HTMLInputElement>('password-username').value = email.value;
  (current === '' ? currentPassword : newPassword).focus();
}

/** Someone is signed in already (perhaps sent here from a page their role may not open). */
function showSignedIn(session: SessionInfo): void {
  element<HTMLElement>('signed-in-who').textContent = `${session.staff.name} (${ROLE_WORDS[session.staff.role].toLowerCase()})`;
  const link = element<HTMLAnchorElement>('signed-in-link');
  link.href = HOME_OF[session.staff.role];
  link.textContent = `Go to ${homeName(session.staff.role)}`;
  signedIn.hidden = false;
}

/** Runs one request at a time per form, with its button unavailable meanwhile. */
async function busy(form: HTMLFormElement, work: () => Promise<void>): Promise<void> {
  if (form.getAttribute('aria-busy') === 'true') return;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  form.setAttribute('aria-busy', 'true');
  if (button) button.disabled = true;
  try {
    await work();
  } finally {
    form.removeAttribute('aria-busy');
    if (button) button.disabled = false;
  }
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  alert.textContent = '';
  const typed = password.value;
  void busy(signInForm, async () => {
    const answer = await callChecked('/api/session', assertSessionInfo, {
      method: 'POST',
      body: { v: PROTOCOL_VERSION, email: email.value.trim(), password: typed },
    });
    if (!answer.ok) {
      alert.textContent = answer.code === 'invalid-body' ? 'Type your sign-in name and your password.' : refusalText(answer);
      password.select();
      return;
    }
    if (answer.body.mustChangePassword) askForNewPassword(typed);
    else goOn(answer.body);
  });
});

passwordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  alert.textContent = '';
  if (newPassword.value.length < MIN_PASSWORD) {
    alert.textContent = `Choose a longer password: at least ${MIN_PASSWORD} characters.`;
    newPassword.focus();
    return;
  }
  if (newPassword.value !== repeatPassword.value) {
    alert.textContent = 'The two new passwords are not the same. Type the new one again.';
    repeatPassword.select();
    return;
  }
  if (newPassword.value === currentPassword.value) {
    alert.textContent = 'Choose a password different from the one you were given.';
    newPassword.select();
    return;
  }
  void busy(passwordForm, async () => {
    const changed = await call('/api/account/password', {
      method: 'POST',
      body: { v: PROTOCOL_VERSION, currentPassword: currentPassword.value, newPassword: newPassword.value },
    });
    if (!changed.ok) {
      if (changed.code === 'sign-in-failed') alert.textContent = 'The current password is not right.';
      else if (changed.code === 'not-signed-in' || changed.code === 'session-expired') {
        alert.textContent = 'Your session has ended. Sign in again with the password you were given.';
        passwordForm.hidden = true;
        signInForm.hidden = false;
        email.focus();
      } else alert.textContent = refusalText(changed);
      return;
    }
    const session = await callChecked('/api/session', assertSessionInfo);
    if (session.ok) goOn(session.body);
    else alert.textContent = `Your new password is saved. ${refusalText(session)}`;
  });
});

async function start(): Promise<void> {
  const session = await callChecked('/api/session', assertSessionInfo);
  if (!session.ok) {
    email.focus();
    return;
  }
  if (session.body.mustChangePassword) askForNewPassword('');
  else showSignedIn(session.body);
}

void start();
