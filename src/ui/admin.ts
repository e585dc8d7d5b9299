/** The admin page: kiosks, pairing codes for them, every device with what it last reported, and revocation. */
import type { DeviceList, DeviceSummary } from '../shared/account-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { renderDeviceRows } from './device-table.ts';
import { deviceName, pairingExpiryText, silentSummary } from './device-text.ts';
import { element } from './dom.ts';
import { call, callChecked, type Refused } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { startRosterImport } from './roster-import.ts';
import { assertDeviceList, assertPairingCode } from './staff-guards.ts';
import { startKioskManager } from './kiosk-manager.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

/** The device list is re-read this often while the page is visible. */
const REFRESH_MS = 30_000;

const pairForm = element<HTMLFormElement>('pair-form');
const kioskSelect = element<HTMLSelectElement>('kiosk');
const pairResult = element<HTMLElement>('pairing-result');
const devicesBody = element<HTMLTableSectionElement>('devices');
const devicesEmpty = element<HTMLElement>('devices-empty');
const devicesStatus = element<HTMLElement>('devices-status');
const devicesSilent = element<HTMLElement>('devices-silent');
const alert = element<HTMLElement>('admin-error');

function showRefusal(answer: Refused, doing: string): void {
  if (followRefusal(answer)) return;
  alert.textContent = `${doing}: ${refusalText(answer)}`;
}

async function start(): Promise<void> {
  const staff = await requireStaff(['admin']);
  if (!staff) return;
  startRosterImport();
  const timeZone = staff.school.timeZone;
  let list: DeviceList | null = null;

  function render(): void {
    if (!list) return;
    devicesEmpty.hidden = list.devices.length > 0;
    devicesSilent.textContent = silentSummary(list.devices);
    devicesSilent.hidden = devicesSilent.textContent === '';
    renderDeviceRows(devicesBody, list.devices, { timeZone, now: Date.now(), onRevoke: (device) => void revoke(device) });
    if (kioskSelect.options.length === 0 || kioskSelect.dataset.kiosks !== JSON.stringify(list.kiosks)) {
      const chosen = kioskSelect.value;
      kioskSelect.replaceChildren(...list.kiosks.map((k) => new Option(k.name, k.id, false, k.id === chosen)));
      kioskSelect.dataset.kiosks = JSON.stringify(list.kiosks);
    }
    const noKiosks = list.kiosks.length === 0;
    element<HTMLButtonElement>('pair-button').disabled = noKiosks;
    element<HTMLElement>('no-kiosks').hidden = !noKiosks;
  }

  async function load(): Promise<void> {
    const answer = await callChecked('/api/devices', assertDeviceList);
    if (!answer.ok) {
      showRefusal(answer, 'The device list could not be loaded');
      return;
    }
    list = answer.body;
    render();
  }

  async function revoke(device: DeviceSummary): Promise<void> {
    const name = deviceName(device);
    const sure = await confirmDialog({
      heading: `Revoke “${name}”?`,
      text: `${name} stops sending at once and cannot be used until it is paired again. Check-ins it still holds stay on it: it can save them as a file for the office to import.`,
      confirm: 'Revoke',
    });
    if (!sure) return;
    alert.textContent = '';
    devicesStatus.textContent = '';
    const done = await call(`/api/devices/${encodeURIComponent(device.id)}/revoke`, { method: 'POST' });
    if (!done.ok) showRefusal(done, `${name} was not revoked`);
    else devicesStatus.textContent = `${name} is revoked.`;
    await load();
  }

  pairForm.addEventListener('submit', (event) => {
    event.preventDefault();
    alert.textContent = '';
    const button = element<HTMLButtonElement>('pair-button');
    if (button.disabled || kioskSelect.value === '') return;
    button.disabled = true;
    void (async () => {
      try {
        const answer = await callChecked('/api/pairing-codes', assertPairingCode, {
          method: 'POST',
          body: { v: PROTOCOL_VERSION, kioskId: kioskSelect.value },
        });
        if (!answer.ok) {
          showRefusal(answer, 'No pairing code was made');
          return;
        }
        element<HTMLElement>('pairing-code').textContent = answer.body.code;
        element<HTMLElement>('pairing-expiry').textContent = pairingExpiryText(
          answer.body.kioskName,
          answer.body.expiresAt,
          timeZone,
          Date.now(),
        );
        pairResult.hidden = false;
      } finally {
        button.disabled = false;
      }
    })();
  });

  const kiosks = startKioskManager({ timeZone, onRefused: showRefusal, onChanged: () => void load() });
  await Promise.all([kiosks.load(), load()]);
  setInterval(() => {
    if (document.visibilityState === 'visible') void load();
  }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void load();
  });
}

void start();
