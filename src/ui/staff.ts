/**
 * The staff page (admin): every account of the school with its role and
 * homerooms; create one, change its role and homerooms, deactivate and
 * reactivate it, reset its password. A one-time password is shown once, in
 * the answer that made it, and never kept by the page.
 */
import type { StaffRole } from '../shared/account-protocol.ts';
import type { OneTimePasswordAnswer, StaffList, StaffView } from '../shared/people-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { element, make } from './dom.ts';
import { rowButton } from './row-button.ts';
import { homeroomsText, oneTimePasswordText, staffStateText } from './people-text.ts';
import { callChecked, type Refused } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { assertOneTimePassword, assertSessionInfo, assertStaffAnswer, assertStaffList } from './staff-guards.ts';
import { ROLE_WORDS } from './staff-pages.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

const body = element<HTMLTableSectionElement>('staff-list');
const form = element<HTMLFormElement>('staff-form');
const formHeading = element<HTMLElement>('staff-form-heading');
const submit = element<HTMLButtonElement>('staff-submit');
const cancel = element<HTMLButtonElement>('staff-cancel');
const nameInput = element<HTMLInputElement>('staff-name');
const emailInput = element<HTMLInputElement>('staff-email');
const roleSelect = element<HTMLSelectElement>('staff-role');
const homeroomSet = element<HTMLFieldSetElement>('staff-homerooms');
const homeroomChoices = element<HTMLElement>('staff-homeroom-choices');
const oneTime = element<HTMLElement>('one-time-password');
const alert = element<HTMLElement>('staff-error');
const status = element<HTMLElement>('staff-status');

function showRefusal(answer: Refused, doing: string): void {
  if (followRefusal(answer)) return;
  alert.textContent = `${doing}: ${refusalText(answer)}`;
}

function showOneTimePassword(answer: OneTimePasswordAnswer, reset: boolean): void {
  element<HTMLElement>('one-time-text').textContent = oneTimePasswordText(answer.staff.name, reset);
  element<HTMLElement>('one-time-secret').textContent = answer.oneTimePassword;
  oneTime.hidden = false;
  oneTime.focus();
}

function hideOneTimePassword(): void {
  element<HTMLElement>('one-time-secret').textContent = '';
  oneTime.hidden = true;
}

async function start(): Promise<void> {
  const me = await requireStaff(['admin']);
  if (!me) return;
  const timeZone = me.school.timeZone;
  // Which row is the admin's own: the kept session holds no id, the server's answer does.
  const session = await callChecked('/api/session', assertSessionInfo);
  const myId = session.ok ? session.body.staff.id : null;
  let list: StaffList | null = null;
  /** The account being changed, or null while the form creates one. */
  let editing: StaffView | null = null;

  function homeroomBoxes(chosen: readonly string[]): void {
    const rooms = list?.homerooms ?? [];
    homeroomChoices.replaceChildren(
      ...rooms.map((room) => {
        const box = make('input', { attrs: { type: 'checkbox', name: 'homeroom', value: room } });
        box.checked = chosen.includes(room);
        return make('label', {}, [box, room]);
      }),
    );
  }

  function showHomerooms(): void {
    homeroomSet.hidden = roleSelect.value !== 'teacher';
  }

  function chosenHomerooms(): string[] {
    if (roleSelect.value !== 'teacher') return [];
    return [...homeroomChoices.querySelectorAll<HTMLInputElement>('input[name="homeroom"]:checked')].map((box) => box.value);
  }

  function staffRow(member: StaffView): HTMLTableRowElement {
    const active = member.deactivatedAt === null;
    const row = make('tr', { className: active ? '' : 'inactive', attrs: { 'aria-label': member.name } });
    const actions = make('div', { className: 'row-actions' });
    if (active) actions.append(rowButton('Edit', member.name, () => startEditing(member)));
    // Your own account is changed by another admin: nobody locks themselves out.
    if (member.id !== myId) {
      // An account made by hand or by the import has no password of its own yet: it is given one, not reset.
      if (active)
        actions.append(
          rowButton(
            member.mustChangePassword ? 'Give a one-time password' : 'Reset password',
            member.name,
            () => void resetPassword(member),
          ),
        );
      actions.append(
        active
          ? rowButton('Deactivate', member.name, () => void setActive(member, false))
          : rowButton('Reactivate', member.name, () => void setActive(member, true)),
      );
    }
    row.append(
      make('th', { text: member.name, attrs: { scope: 'row' } }),
      make('td', { text: member.email }),
      make('td', { text: ROLE_WORDS[member.role] }),
      make('td', { text: homeroomsText(member.homerooms) }),
      make('td', { text: staffStateText(member, timeZone, Date.now()) }),
      make('td', {}, [actions]),
    );
    return row;
  }

  async function load(): Promise<void> {
    const answer = await callChecked('/api/staff', assertStaffList);
    if (!answer.ok) {
      showRefusal(answer, 'The staff list could not be loaded');
      return;
    }
    list = answer.body;
    body.replaceChildren(...list.staff.map(staffRow));
    if (!editing) homeroomBoxes(chosenHomerooms());
  }

  function resetForm(): void {
    editing = null;
    form.reset();
    emailInput.disabled = false;
    formHeading.textContent = 'Add a staff account';
    submit.textContent = 'Create the account';
    cancel.hidden = true;
    homeroomBoxes([]);
    showHomerooms();
  }

  function startEditing(member: StaffView): void {
    editing = member;
    nameInput.value = member.name;
    emailInput.value = member.email;
    emailInput.disabled = true;
    roleSelect.value = member.role;
    // An admin's own role is changed by another admin.
    roleSelect.disabled = member.id === myId;
    homeroomBoxes(member.homerooms);
    showHomerooms();
    formHeading.textContent = `Edit ${member.name}`;
    submit.textContent = 'Save the changes';
    cancel.hidden = false;
    formHeading.focus();
  }

  async function setActive(member: StaffView, active: boolean): Promise<void> {
    if (!active) {
      const sure = await confirmDialog({
        heading: `Deactivate ${member.name}?`,
        text: `${member.name} is signed out everywhere at once and cannot sign in until an admin reactivates the account. Their marks and notes stay.`,
        confirm: 'Deactivate',
      });
      if (!sure) return;
    }
    alert.textContent = '';
    const answer = await callChecked(
      `/api/staff/${encodeURIComponent(member.id)}/${active ? 'reactivate' : 'deactivate'}`,
      assertStaffAnswer,
      {
        method: 'POST',
      },
    );
    if (!answer.ok) showRefusal(answer, `${member.name} was not changed`);
    else status.textContent = active ? `${member.name} can sign in again.` : `${member.name} is deactivated and signed out.`;
    await load();
  }

  async function resetPassword(member: StaffView): Promise<void> {
    const sure = await confirmDialog(
      member.mustChangePassword
        ? {
            heading: `Give ${member.name} a one-time password?`,
            text: `${member.name} has not chosen a password yet. Any one-time password given before stops working. You get a new one to give them.`,
            confirm: 'Make a one-time password',
          }
        : {
            heading: `Reset the password of ${member.name}?`,
            text: `${member.name}’s password stops working and they are signed out. You get a one-time password to give them.`,
            confirm: 'Reset the password',
          },
    );
    if (!sure) return;
    alert.textContent = '';
    const answer = await callChecked(`/api/staff/${encodeURIComponent(member.id)}/password-reset`, assertOneTimePassword, {
      method: 'POST',
    });
    if (!answer.ok) showRefusal(answer, `The password of ${member.name} was not reset`);
    else showOneTimePassword(answer.body, !member.mustChangePassword);
    await load();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    alert.textContent = '';
    status.textContent = '';
    const before = editing;
    const role = roleSelect.value as StaffRole;
    const name = nameInput.value.trim();
    submit.disabled = true;
    void (async () => {
      try {
        if (before) {
          const answer = await callChecked(`/api/staff/${encodeURIComponent(before.id)}`, assertStaffAnswer, {
            method: 'POST',
            body: { v: PROTOCOL_VERSION, name, ...(roleSelect.disabled ? {} : { role }), homerooms: chosenHomerooms() },
          });
          if (!answer.ok) return showRefusal(answer, `${before.name} was not changed`);
          status.textContent = `${answer.body.staff.name} is saved.`;
        } else {
          const answer = await callChecked('/api/staff', assertOneTimePassword, {
            method: 'POST',
            body: { v: PROTOCOL_VERSION, name, email: emailInput.value.trim(), role, homerooms: chosenHomerooms() },
          });
          if (!answer.ok) return showRefusal(answer, 'The account was not created');
          showOneTimePassword(answer.body, false);
        }
        roleSelect.disabled = false;
        resetForm();
        await load();
      } finally {
        submit.disabled = false;
      }
    })();
  });
  roleSelect.addEventListener('change', showHomerooms);
  cancel.addEventListener('click', () => {
    roleSelect.disabled = false;
    resetForm();
    formHeading.focus();
  });
  element<HTMLButtonElement>('one-time-done').addEventListener('click', () => {
    hideOneTimePassword();
    formHeading.focus();
  });

  showHomerooms();
  await load();
}

void start();
