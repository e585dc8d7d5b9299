/**
 * The admin page's kiosks: list them, add one, rename it or change how it
 * reads cards and which way it faces, retire it. Tells the page when the
 * kiosks changed, so the pairing choice and the device list follow.
 */
import type { KioskDirection, KioskView, ScanMode } from '../shared/people-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { element, make } from './dom.ts';
import { rowButton } from './row-button.ts';
import { DIRECTION_WORDS, kioskStateText, SCAN_MODE_WORDS } from './people-text.ts';
import { callChecked, type Refused } from './staff-api.ts';
import { assertKioskAnswer, assertKioskList } from './staff-guards.ts';

export interface KioskManagerOptions {
  timeZone: string;
  onRefused: (answer: Refused, doing: string) => void;
  onChanged: () => void;
}

export function startKioskManager(options: KioskManagerOptions): { load: () => Promise<void> } {
  const body = element<HTMLTableSectionElement>('kiosk-list');
  const form = element<HTMLFormElement>('kiosk-form');
  const heading = element<HTMLElement>('kiosk-form-heading');
  const submit = element<HTMLButtonElement>('kiosk-submit');
  const cancel = element<HTMLButtonElement>('kiosk-cancel');
  const nameInput = element<HTMLInputElement>('kiosk-name');
  const scanMode = element<HTMLSelectElement>('kiosk-scan-mode');
  const direction = element<HTMLSelectElement>('kiosk-direction');
  const status = element<HTMLElement>('kiosks-status');
  let editing: KioskView | null = null;

  function kioskRow(kiosk: KioskView): HTMLTableRowElement {
    const retired = kiosk.retiredAt !== null;
    const row = make('tr', { className: retired ? 'inactive' : '', attrs: { 'aria-label': kiosk.name } });
    const actions = make('div', { className: 'row-actions' });
    if (!retired)
      actions.append(
        rowButton('Edit', kiosk.name, () => startEditing(kiosk)),
        rowButton('Retire', kiosk.name, () => void retire(kiosk)),
      );
    row.append(
      make('th', { text: kiosk.name, attrs: { scope: 'row' } }),
      make('td', { text: SCAN_MODE_WORDS[kiosk.scanMode] }),
      make('td', { text: DIRECTION_WORDS[kiosk.direction] }),
      make('td', { text: kioskStateText(kiosk, options.timeZone, Date.now()) }),
      make('td', {}, [actions]),
    );
    return row;
  }

  async function load(): Promise<void> {
    const answer = await callChecked('/api/kiosks', assertKioskList);
    if (!answer.ok) return options.onRefused(answer, 'The kiosks could not be loaded');
    body.replaceChildren(...answer.body.kiosks.map(kioskRow));
  }

  function resetForm(): void {
    editing = null;
    form.reset();
    heading.textContent = 'Add a kiosk';
    submit.textContent = 'Add the kiosk';
    cancel.hidden = true;
  }

  function startEditing(kiosk: KioskView): void {
    editing = kiosk;
    nameInput.value = kiosk.name;
    scanMode.value = kiosk.scanMode;
    direction.value = kiosk.direction;
    heading.textContent = `Edit ${kiosk.name}`;
    submit.textContent = 'Save the changes';
    cancel.hidden = false;
    heading.focus();
  }

  async function retire(kiosk: KioskView): Promise<void> {
    const sure = await confirmDialog({
      heading: `Retire “${kiosk.name}”?`,
      text: `Every device paired as ${kiosk.name} stops sending at once, and it cannot be paired again. Check-ins still on a device stay there: it can save them as a file for the office to import. Its history is kept.`,
      confirm: 'Retire',
    });
    if (!sure) return;
    status.textContent = '';
    const answer = await callChecked(`/api/kiosks/${encodeURIComponent(kiosk.id)}/retire`, assertKioskAnswer, { method: 'POST' });
    if (!answer.ok) options.onRefused(answer, `${kiosk.name} was not retired`);
    else status.textContent = `${kiosk.name} is retired.`;
    await load();
    options.onChanged();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.textContent = '';
    const before = editing;
    const values = {
      name: nameInput.value.trim(),
      scanMode: scanMode.value as ScanMode,
      direction: direction.value as KioskDirection,
    };
    submit.disabled = true;
    void (async () => {
      try {
        const answer = await callChecked(before ? `/api/kiosks/${encodeURIComponent(before.id)}` : '/api/kiosks', assertKioskAnswer, {
          method: 'POST',
          body: { v: PROTOCOL_VERSION, ...values },
        });
        if (!answer.ok) return options.onRefused(answer, before ? `${before.name} was not changed` : 'The kiosk was not added');
        status.textContent = before
          ? `${answer.body.kiosk.name} is saved.`
          : `${answer.body.kiosk.name} is added: make a pairing code for it above.`;
        resetForm();
        await load();
        options.onChanged();
        nameInput.focus();
      } finally {
        submit.disabled = false;
      }
    })();
  });
  cancel.addEventListener('click', () => {
    resetForm();
    heading.focus();
  });
  return { load };
}
