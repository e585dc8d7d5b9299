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
  hearWorker(sw, onStatus, onChanges);
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

/** Passes the worker's messages to the page, each checked; one it cannot read is left out. */
function hearWorker(
  sw: ServiceWorkerContainer,
  onStatus: (status: WorkerStatus) => void,
  onChanges: (pulled: ChangesPulled) => void,
): void {
  sw.addEventListener('message', (event: MessageEvent<unknown>) => {
    try {
      assertWorkerMessage(event.data);
    } catch {
      return;
    }
    if (event.data.type === 'status') onStatus(event.data);
    else onChanges(event.data);
  });
}

/**
 * The bridge for a page that shows records the worker holds (the roll, the
 * roll call): each status is shown, and the records are read again once a
 * send has finished or changes were pulled.
 */
export function startFollowingBridge(show: (status: WorkerStatus) => void, reload: () => void): Bridge {
  let last: WorkerStatus | null = null;
  return startBridge(
    (next) => {
      const finishedSending = (last?.phase === 'sending' && next.phase !== 'sending') || next.lastSyncAt !== (last?.lastSyncAt ?? null);
      last = next;
      show(next);
      if (finishedSending) reload();
    },
    () => reload(),
  );
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
  hearWorker(sw, onStatus, onChanges);
  sw.controller?.postMessage(pageMessage('status-please'));
  sw.addEventListener('controllerchange', () => sw.controller?.postMessage(pageMessage('status-please')));
  return { syncNow: () => sw.controller?.postMessage(pageMessage('sync-now')) };
}
