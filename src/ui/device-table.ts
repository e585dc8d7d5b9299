/** The admin's table of devices: one row per device, named by it, with "Revoke" on each paired kiosk. */
import type { DeviceSummary } from '../shared/account-protocol.ts';
import { make } from './dom.ts';
import {
  deviceName,
  deviceOrder,
  failuresText,
  lastSeenText,
  linkText,
  pairedText,
  refusedText,
  signedInText,
  stateText,
  storageText,
  waitingText,
} from './device-text.ts';

export interface DeviceTableOptions {
  timeZone: string;
  now: number;
  onRevoke: (device: DeviceSummary) => void;
}

function deviceRow(device: DeviceSummary, options: DeviceTableOptions): HTMLTableRowElement {
  const name = deviceName(device);
  const revoked = device.revokedAt !== null;
  const row = make('tr', { className: revoked ? 'revoked' : device.silent ? 'silent' : '', attrs: { 'aria-label': name } });
  // A silent kiosk says so in words; the mark beside them only draws the eye.
  const lastSeen = make('td', { className: device.silent ? 'last-seen warning' : 'last-seen', text: lastSeenText(device, options.now) });
  row.append(
    make('th', { text: name, attrs: { scope: 'row' } }),
    make('td', { text: signedInText(device) }),
    lastSeen,
    make('td', { text: waitingText(device, options.timeZone, options.now) }),
    make('td', { text: linkText(device) }),
    make('td', { text: storageText(device) }),
    make('td', { text: failuresText(device, options.timeZone, options.now) }),
    make('td', { text: refusedText(device) }),
    make('td', { text: device.appVersion ?? '—' }),
    make('td', { text: pairedText(device, options.timeZone, options.now) }),
    make('td', { className: revoked ? 'state state-revoked' : 'state', text: stateText(device, options.now) }),
  );
  const action = make('td');
  if (device.kind === 'kiosk' && !revoked) {
    const revoke = make('button', { text: 'Revoke', attrs: { type: 'button' } });
    revoke.addEventListener('click', () => options.onRevoke(device));
    action.append(revoke);
  }
  row.append(action);
  return row;
}

export function renderDeviceRows(body: HTMLTableSectionElement, devices: readonly DeviceSummary[], options: DeviceTableOptions): void {
  body.replaceChildren(...[...devices].sort(deviceOrder).map((device) => deviceRow(device, options)));
}
