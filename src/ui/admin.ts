/** The admin page: pairing codes for kiosks, every device with what it reported, and revocation. */
import type { DeviceList, DeviceSummary, PairingCode } from '../shared/account-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { call } from './staff-api.ts';
import { clockTime, element, requireStaff } from './staff-session.ts';
import { relativeTime } from './staff-text.ts';

const kioskSelect = element<HTMLSelectElement>('kiosk');
const devices = element<HTMLTableSectionElement>('devices');
const error = element<HTMLElement>('admin-error');
const dialog = element<HTMLDialogElement>('confirm-dialog');

const session = await requireStaff(['admin']);
const zone = session.school.timeZone;

/** Asks before revoking; resolves true when the person confirms. */
function confirmRevoke(device: DeviceSummary): Promise<boolean> {
  element<HTMLElement>('confirm-text').textContent = `"${device.kioskName ?? 'This kiosk'}" will stop sending at once. What it still holds stays on it, and it can save that as a file for the office.`;
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (answer: boolean) => () => {
      dialog.close();
      resolve(answer);
    };
    element<HTMLButtonElement>('confirm-ok').onclick = done(true);
    element<HTMLButtonElement>('confirm-cancel').onclick = done(false);
    dialog.oncancel = done(false);
  });
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function waitingText(device: DeviceSummary): string {
  if (device.queueDepth === null) return '—';
  if (device.queueDepth === 0) return 'nothing';
  return `${device.queueDepth} waiting${device.oldestWaitingAt ? `, oldest ${clockTime(device.oldestWaitingAt, zone)}` : ''}`;
}

async function load(): Promise<void> {
  const answer = await call<DeviceList>('/api/devices');
  if (!answer.ok) {
    error.textContent = answer.message;
    return;
  }
  if (kioskSelect.options.length === 0) {
    kioskSelect.replaceChildren(...answer.body.kiosks.map((k) => new Option(k.name, k.id)));
  }
  const now = Date.now();
  devices.replaceChildren(
    ...answer.body.devices.map((device) => {
      const row = document.createElement('tr');
      row.setAttribute('aria-label', device.kioskName ?? 'Staff browser');
      const state = device.revokedAt !== null ? `Revoked ${relativeTime(device.revokedAt, now)}` : device.kind === 'kiosk' ? 'Paired' : 'Staff browser';
      row.append(
        cell(device.kioskName ?? 'Staff browser'),
        cell(device.pairedAt ? relativeTime(device.pairedAt, now) : '—'),
        cell(relativeTime(device.lastSeenAt, now)),
        cell(device.appVersion ?? '—'),
        cell(waitingText(device)),
        cell(state),
      );
      const action = document.createElement('td');
      if (device.kind === 'kiosk' && device.revokedAt === null) {
        const revoke = document.createElement('button');
        revoke.type = 'button';
        revoke.textContent = 'Revoke';
        revoke.addEventListener('click', () => {
          void (async () => {
            if (!(await confirmRevoke(device))) return;
            const done = await call(`/api/devices/${encodeURIComponent(device.id)}/revoke`, { method: 'POST' });
            if (!done.ok) error.textContent = done.message;
            await load();
          })();
        });
        action.append(revoke);
      }
      row.append(action);
      return row;
    }),
  );
}

element<HTMLFormElement>('pair-form').addEventListener('submit', (event) => {
  event.preventDefault();
  error.textContent = '';
  void (async () => {
    const answer = await call<PairingCode>('/api/pairing-codes', { method: 'POST', body: { v: PROTOCOL_VERSION, kioskId: kioskSelect.value } });
    if (!answer.ok) {
      error.textContent = answer.message;
      return;
    }
    element<HTMLElement>('pairing-code').textContent = answer.body.code;
    element<HTMLElement>('pairing-expiry').textContent = `For "${answer.body.kioskName}". Works once, until ${clockTime(answer.body.expiresAt, zone)}.`;
    element<HTMLElement>('pairing-result').hidden = false;
  })();
});

await load();
setInterval(() => void load(), 30_000);
