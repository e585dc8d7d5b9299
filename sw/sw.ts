/// <reference lib="webworker" />
/** The service worker's entry: it wires events to the modules that handle them. */
import type { PrecacheEntry } from 'workbox-precaching';
import { assertPageMessage } from '../src/shared/worker-messages.ts';
import { batchPoster } from './batch-post.ts';
import { pushThenPull } from './catch-up.ts';
import { ChangePull } from './change-pull.ts';
import { DayBook } from './day-book.ts';
import { DeviceCredentials } from './device-credentials.ts';
import { deviceHeaders } from './device-report.ts';
import { KioskCache } from './kiosk-cache.ts';
import { pairKiosk } from './kiosk-pairing.ts';
import { takeMark } from './mark-intake.ts';
import { openOutboxDb } from './outbox-db.ts';
import type { Backlog } from './outbox.ts';
import { precacheByRole } from './precache.ts';
import { exportQueue } from './queue-export.ts';
import { serveRoll, serveRollCall } from './roll-server.ts';
import { broadcast, broadcastChanges } from './status-broadcast.ts';
import { gzip } from './sync-client.ts';
import { SyncEngine } from './sync-engine.ts';
import { answerSyncEvent } from './sync-event.ts';
import { workerStores } from './worker-stores.ts';

// build.mjs injects the precache manifests, one per part.
declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: PrecacheEntry[];
  __KIOSK_MANIFEST: PrecacheEntry[];
  __STAFF_MANIFEST: PrecacheEntry[];
  __OFFICE_MANIFEST: PrecacheEntry[];
  __ADMIN_MANIFEST: PrecacheEntry[];
  __CARDS_MANIFEST: PrecacheEntry[];
  __CAMERA_MANIFEST: PrecacheEntry[];
};

export const SYNC_TAG = 'doorline-outbox';

precacheByRole({
  shared: self.__WB_MANIFEST,
  roles: {
    kiosk: { entries: self.__KIOSK_MANIFEST },
    camera: { entries: self.__CAMERA_MANIFEST },
    staff: { entries: self.__STAFF_MANIFEST },
    office: { entries: self.__OFFICE_MANIFEST, needs: ['staff'] },
    admin: { entries: self.__ADMIN_MANIFEST, needs: ['staff'] },
    cards: { entries: self.__CARDS_MANIFEST, needs: ['staff'] },
  },
});

const stores = workerStores(openOutboxDb());
const credentials = new DeviceCredentials(stores.meta);
const kiosk = new KioskCache(stores, credentials);
const book = new DayBook(stores);
/** A batch's headers (`held` given) also say what the device holds after it, and its health. */
const headers = (held?: Backlog): Promise<Record<string, string>> =>
  deviceHeaders({ credentials, outbox: stores.outbox, feed, held, health: held && engine.health() });
const feed: ChangePull = new ChangePull({
  meta: stores.meta,
  kiosk,
  book,
  headers,
  publish: (message) => broadcastChanges(self.clients, message),
});

const registerSync = async (): Promise<void> => {
  await self.registration.sync?.register(SYNC_TAG);
};

const engine = new SyncEngine({
  stores,
  kiosk,
  compress: gzip,
  post: batchPoster({ headers, feed }),
  publish: (status) => broadcast(self.clients, status),
  requestBackgroundSync: registerSync,
  setTimer: (callback, ms) => setTimeout(callback, ms),
  isOnline: () => self.navigator.onLine,
  connection: () => (self.navigator as WorkerNavigator & { connection?: NavigatorNetworkInformation }).connection,
  storageEstimate: async () => {
    const estimate = await self.navigator.storage?.estimate();
    return estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null;
  },
});

/** A trigger nobody awaits: push (failures are on the pages already), then catch up. */
const syncAndPull = (): Promise<void> => pushThenPull({ outbox: stores.outbox, feed }, true, () => engine.kick());

self.addEventListener('install', (event) => {
  // The outbox lives in IndexedDB, so a new version can take over at once without losing anything.
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      await self.clients.claim();
      // A device that already knows its school brings it up to date; a new one learns it at its first pull.
      if (await kiosk.config()) await kiosk.refresh().catch(() => undefined);
      await engine.publish();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === 'POST' && url.pathname === '/api/marks') {
    const taken = takeMark(event.request, stores, kiosk, book);
    event.respondWith(taken.then((t) => t.response));
    event.waitUntil(
      taken.then(async ({ added }) => {
        if (!added) return;
        await engine.publish();
        // Registered before sending: a worker stopped mid-drain still has the browser's promise to come back.
        await registerSync().catch(() => undefined);
        await syncAndPull();
      }),
    );
  } else if (event.request.method === 'GET' && url.pathname === '/api/kiosk-config') {
    event.respondWith(kiosk.serveConfig());
  } else if (event.request.method === 'POST' && url.pathname === '/api/pair') {
    const paired = pairKiosk(event.request, { meta: stores.meta, kiosk, credentials });
    event.respondWith(paired.then((p) => p.response));
    event.waitUntil(
      paired.then(async (p) => {
        if (!p.paired) return;
        // Paired again after a revocation: sending may go on, and the page must stop saying "unpaired".
        engine.resume();
        await engine.publish();
        await syncAndPull();
      }),
    );
  } else if (event.request.method === 'GET' && url.pathname === '/api/queue-export') {
    event.respondWith(exportQueue(stores, kiosk));
  } else if (event.request.method === 'GET' && url.pathname === '/api/roll') {
    event.respondWith(
      serveRoll(url, { kiosk, book, feed, fetchImpl: (path) => fetch(path, { credentials: 'same-origin', cache: 'no-store' }) }),
    );
  } else if (event.request.method === 'GET' && url.pathname === '/api/roll-call') {
    // A link that answers nothing in 6 s is as good as none in an emergency: the device's copy instead.
    const fetchImpl = (path: string) => fetch(path, { credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(6000) });
    event.respondWith(serveRollCall(url, { kiosk, book, feed, stores, fetchImpl }));
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    answerSyncEvent(event, {
      push: () => pushThenPull({ outbox: stores.outbox, feed }, true, () => engine.syncForEvent()),
      register: registerSync,
    }),
  );
});

self.addEventListener('online', () => void syncAndPull());

self.addEventListener('message', (event) => {
  try {
    assertPageMessage(event.data);
  } catch {
    return;
  }
  // A page asks every 20 s while it is open, or when a person acts: always worth a look at the feed.
  event.waitUntil(event.data.type === 'sync-now' ? syncAndPull() : engine.publish());
});

/**
 * A kiosk waiting for its pairing code (no token, no school, nothing queued,
 * only kiosk pages open) has nothing to send and nothing it may pull:
 * pairing starts both. Asking would cost a refused request on a new kiosk's
 * first minute, at 64 kbit/s.
 */
async function awaitingPairing(): Promise<boolean> {
  if ((await credentials.token()) !== null || (await kiosk.config()) !== null || (await stores.outbox.size()) > 0) return false;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.length > 0 && windows.every((client) => /^\/kiosk(?:\.html)?$/.test(new URL(client.url).pathname));
}

// Every start of the worker is a chance to send what an earlier one could not, and to catch up.
void awaitingPairing().then((waiting) => (waiting ? undefined : syncAndPull()));
