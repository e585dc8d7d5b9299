/**
 * The only module that talks to the service worker: it registers it, relays
 * its status to the page (and to a page's notices, which only listen), and nudges it to sync. Browsers without Background
 * Sync (Firefox, Safari) rely on these nudges while a page is open.
 */
import { assertWorkerMessage, pageMessage, type ChangesPulled, type WorkerStatus } from '../shared/worker-messages.ts';

const NUDGE_EVERY_MS = 20_000;

export interface Bridge {
  /** True once the worker controls this page, so marks are saved on the device. */
  controlled(): boolean;
  /** Resolves when a worker controls the page. */
  whenControlled(): Promise<void>;
  syncNow(): void;
}

export function startBridge(
  onStatus: (status: WorkerStatus) => void,
  onChanges: (pulled: ChangesPulled) => void = () => undefined,
): Bridge {
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  const send = (type: 'sync-now' | 'status-please'): void => sw?.controller?.postMessage(pageMessage(type));
  if (!sw) {
    return { controlled: () => false, whenControlled: () => new Promise<void>(() => undefined), syncNow: () => undefined };
  }
  sw.addEventListener('message', (event: MessageEvent<unknown>) => {
    try {
      assertWorkerMessage(event.data);
    } catch {
      return;
    }
    if (event.data.type === 'status') onStatus(event.data);
    else onChanges(event.data);
  });
  const controlledNow = new Promise<void>((resolve) => {
    if (sw.controller) resolve();
    sw.addEventListener('controllerchange', () => {
      send('status-please');
      resolve();
    });
  });
  void sw
    .register('/sw.js', { scope: '/', type: 'classic' })
    .catch((error: unknown) => console.error('Doorline could not install its offline worker', error));
  // Ask the browser not to evict the outbox under storage pressure. persist()
  // exists only in windows (https://storage.spec.whatwg.org/#storagemanager),
  // so the page asks on the worker's behalf.
  void navigator.storage?.persist?.().catch(() => false);
  send('status-please');
  window.addEventListener('online', () => send('sync-now'));
  setInterval(() => send('sync-now'), NUDGE_EVERY_MS);
  return { controlled: () => sw.controller !== null, whenControlled: () => controlledNow, syncNow: () => send('sync-now') };
}

export interface WorkerListener {
  /** Asks the worker to send what it holds now ("Retry now"). */
  syncNow(): void;
}

/**
 * Hears the worker's messages without registering it or nudging it on a
 * timer: for what every staff page shows beside its own work (its notices).
 */
export function listenToWorker(onStatus: (status: WorkerStatus) => void, onChanges: (pulled: ChangesPulled) => void): WorkerListener {
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  if (!sw) return { syncNow: () => undefined };
  sw.addEventListener('message', (event: MessageEvent<unknown>) => {
    try {
      assertWorkerMessage(event.data);
    } catch {
      return;
    }
    if (event.data.type === 'status') onStatus(event.data);
    else onChanges(event.data);
  });
  sw.controller?.postMessage(pageMessage('status-please'));
  sw.addEventListener('controllerchange', () => sw.controller?.postMessage(pageMessage('status-please')));
  return { syncNow: () => sw.controller?.postMessage(pageMessage('sync-now')) };
}
