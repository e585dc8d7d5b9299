/** The sign-in page: sign in, change a one-time password, then go where the person was going. */
import type { SessionInfo } from '../shared/account-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { call } from './staff-api.ts';
import { element, HOME_OF, keep } from './staff-session.ts';
import { safeNext, signInReason } from './staff-text.ts';

const form = element<HTMLFormElement>('sign-in-form');
const passwordForm = element<HTMLFormElement>('password-form');
const error = element<HTMLElement>('sign-in-error');
const reason = element<HTMLElement>('sign-in-reason');
const params = new URLSearchParams(location.search);
reason.textContent = signInReason(params.get('reason'));

function goOn(session: SessionInfo): void {
  keep(session);
  location.assign(safeNext(params.get('next')) ?? HOME_OF[session.staff.role]);
}

function askForNewPassword(current: string): void {
  form.hidden = true;
  passwordForm.hidden = false;
  element<HTMLInputElement>('current-password').value = current;
  element<HTMLInputElement>('new-password').focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  error.textContent = '';
  const email = element<HTMLInputElement>('email').value.trim();
  const password = element<HTMLInputElement>('password').value;
  void (async () => {
    const answer = await call<SessionInfo>('/api/session', { method: 'POST', body: { v: PROTOCOL_VERSION, email, password } });
    if (!answer.ok) {
      const wait = Number(answer.details?.retryAfterSeconds ?? 0);
      error.textContent = answer.code === 'too-many-attempts' ? `Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minutes.` : answer.code === 'sign-in-failed' ? 'That sign-in name and password do not match.' : answer.message;
      return;
    }
    if (answer.body.mustChangePassword) askForNewPassword(password);
    else goOn(answer.body);
  })();
});

passwordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  error.textContent = '';
  const currentPassword = element<HTMLInputElement>('current-password').value;
  const newPassword = element<HTMLInputElement>('new-password').value;
  if (newPassword !== element<HTMLInputElement>('repeat-password').value) {
    error.textContent = 'The two new passwords differ.';
    return;
  }
  void (async () => {
    const changed = await call('/api/account/password', { method: 'POST', body: { v: PROTOCOL_VERSION, currentPassword, newPassword } });
    if (!changed.ok) {
      error.textContent = changed.code === 'weak-password' ? 'Choose a longer password: at least 10 characters, not the old one.' : changed.message;
      return;
    }
    const session = await call<SessionInfo>('/api/session');
    if (session.ok) goOn(session.body);
  })();
});

// Arriving with a one-time password still to change (sent here by another page).
if (params.get('reason') === 'password') {
  void call<SessionInfo>('/api/session').then((session) => {
    if (session.ok && session.body.mustChangePassword) askForNewPassword('');
  });
}
