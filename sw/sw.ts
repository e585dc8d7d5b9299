/// <reference lib="webworker" />
/** The service worker's entry: it wires events to the modules that handle them. */
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { assertPageMessage } from '../src/shared/worker-messages.ts';
import { KioskCache } from './kiosk-cache.ts';
import { takeMark } from './mark-intake.ts';
import { openOutboxDb } from './outbox-db.ts';
import { Outbox } from './outbox.ts';
import { broadcast } from './status-broadcast.ts';
import { gzip, postBatch } from './sync-client.ts';
import { SyncEngine } from './sync-engine.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

export const SYNC_TAG = 'doorline-outbox';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const db = openOutboxDb();
const outbox = new Outbox(db);
const kiosk = new KioskCache(db);
const engine = new SyncEngine({
  outbox,
  kiosk,
  compress: gzip,
  post: (body, encoding, timeoutMs) => postBatch(body, encoding, timeoutMs),
  publish: (status) => broadcast(self.clients, status),
  requestBackgroundSync: async () => {
    await self.registration.sync?.register(SYNC_TAG);
  },
  setTimer: (callback, ms) => setTimeout(callback, ms),
  isOnline: () => self.navigator.onLine,
  connection: () => (self.navigator as WorkerNavigator & { connection?: NavigatorNetworkInformation }).connection,
  storageEstimate: async () => {
    const estimate = await self.navigator.storage?.estimate();
    return estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null;
  },
});

self.addEventListener('install', (event) => {
  // The outbox lives in IndexedDB, so a new version can take over at once without losing anything.
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      await self.clients.claim();
      await kiosk.refresh().catch(() => undefined);
      await engine.publish();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.method === 'POST' && url.pathname === '/api/marks') {
    const taken = takeMark(event.request, outbox, kiosk);
    event.respondWith(taken.then((t) => t.response));
    event.waitUntil(
      taken.then(async ({ added }) => {
        if (!added) return;
        await engine.publish();
        await self.registration.sync?.register(SYNC_TAG).catch(() => undefined);
        await engine.kick();
      }),
    );
  } else if (event.request.method === 'GET' && url.pathname === '/api/kiosk-config') {
    event.respondWith(kiosk.serveConfig());
  }
});

self.addEventListener('sync', (event) => {
  // Rejecting tells the browser the sync failed, so it tries again later.
  if (event.tag === SYNC_TAG) event.waitUntil(engine.sync());
});

self.addEventListener('online', () => void engine.kick());

self.addEventListener('message', (event) => {
  try {
    assertPageMessage(event.data);
  } catch {
    return;
  }
  event.waitUntil(event.data.type === 'sync-now' ? engine.kick() : engine.publish());
});

// Every start of the worker is a chance to send what an earlier one could not.
void engine.kick();
