/// <reference lib="webworker" />
/** The service worker's entry: it wires events to the modules that handle them. */
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { APP_VERSION } from '../src/shared/app-version.ts';
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { SCHOOL_SESSIONS } from '../src/shared/sessions.ts';
import type { SyncResponse } from '../src/shared/protocol.ts';
import { APP_VERSION_HEADER, CURSOR_HEADER, DEVICE_CLOCK_HEADER, QUEUE_HEADER } from '../src/shared/sync-headers.ts';
import { assertPageMessage } from '../src/shared/worker-messages.ts';
import { ChangePull } from './change-pull.ts';
import { DayBook } from './day-book.ts';
import { DeviceCredentials } from './device-credentials.ts';
import { KioskCache } from './kiosk-cache.ts';
import { pairKiosk } from './kiosk-pairing.ts';
import { takeMark } from './mark-intake.ts';
import { openOutboxDb } from './outbox-db.ts';
import { Outbox } from './outbox.ts';
import { exportQueue } from './queue-export.ts';
import { broadcast, broadcastChanges } from './status-broadcast.ts';
import { gzip, postBatch } from './sync-client.ts';
import { SyncEngine } from './sync-engine.ts';
import { answerSyncEvent } from './sync-event.ts';
import type { BodyEncoding } from './drain.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

export const SYNC_TAG = 'doorline-outbox';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const db = openOutboxDb();
const outbox = new Outbox(db);
const credentials = new DeviceCredentials(outbox);
const kiosk = new KioskCache(db, credentials);
const book = new DayBook(db);
const feed = new ChangePull({ outbox, kiosk, book, headers: () => syncHeaders(), publish: (message) => broadcastChanges(self.clients, message) });

async function registerSync(): Promise<void> {
  await self.registration.sync?.register(SYNC_TAG);
}

/** Who is sending, the device's report of itself for the admin's list, and where its copy of the feed stands. */
async function syncHeaders(): Promise<Record<string, string>> {
  const [auth, backlog, cursor] = await Promise.all([credentials.headers(), outbox.backlog(), feed.cursor()]);
  return {
    ...auth,
    [APP_VERSION_HEADER]: APP_VERSION,
    [QUEUE_HEADER]: `${backlog.depth};${backlog.oldestAt ?? 0}`,
    [DEVICE_CLOCK_HEADER]: String(Date.now()),
    ...(cursor === null ? {} : { [CURSOR_HEADER]: cursor }),
  };
}

/** Posts a batch; the answer's changes (after the cursor sent) go into the device's copy of today. */
async function post(body: Uint8Array, encoding: BodyEncoding, timeoutMs: number): Promise<SyncResponse> {
  const answer = await postBatch(body, encoding, timeoutMs, fetch, await syncHeaders());
  if (answer.changes) await feed.absorb(answer.changes).catch(() => undefined);
  return answer;
}

const engine = new SyncEngine({
  outbox,
  kiosk,
  compress: gzip,
  post,
  publish: (status) => broadcast(self.clients, status),
  requestBackgroundSync: () => registerSync(),
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
    const taken = takeMark(event.request, outbox, kiosk, book);
    event.respondWith(taken.then((t) => t.response));
    event.waitUntil(
      taken.then(async ({ added }) => {
        if (!added) return;
        await engine.publish();
        // Registered before sending: a worker stopped mid-drain still has the browser's promise to come back.
        await registerSync().catch(() => undefined);
        await syncAndPull(true);
      }),
    );
  } else if (event.request.method === 'GET' && url.pathname === '/api/kiosk-config') {
    event.respondWith(kiosk.serveConfig());
  } else if (event.request.method === 'POST' && url.pathname === '/api/pair') {
    const paired = pairKiosk(event.request, { outbox, kiosk, credentials });
    event.respondWith(paired.then((p) => p.response));
    // A kiosk paired again (after a revocation) sends what it kept at once.
    event.waitUntil(
      paired.then(async (p) => {
        if (!p.paired) return;
        // Paired again after a revocation: sending may go on, and the page must stop saying "unpaired".
        engine.resume();
        await engine.publish();
        await syncAndPull(true);
      }),
    );
  } else if (event.request.method === 'GET' && url.pathname === '/api/queue-export') {
    event.respondWith(exportQueue(outbox, kiosk));
  } else if (event.request.method === 'GET' && url.pathname === '/api/roll') {
    event.respondWith(serveRoll(url));
  }
});

/** The roll from this device's copy of today, so it opens and fills offline. */
async function serveRoll(url: URL): Promise<Response> {
  const config = await kiosk.config().catch(() => null);
  if (!config || (await kiosk.rosterSize()) === 0) return fetch(url.pathname + url.search, { credentials: 'same-origin', cache: 'no-store' });
  const session = url.searchParams.get('session') ?? 'day';
  if (!SCHOOL_SESSIONS.includes(session)) {
    return new Response(JSON.stringify(errorBody(new DoorlineError('invalid-query', { path: '$query.session', problem: `must be one of ${SCHOOL_SESSIONS.join(', ')}` }))), { status: 400, headers: { 'content-type': 'application/json' } });
  }
  const view = await book.roll(url.searchParams.get('group'), session, Date.now(), config.school);
  return new Response(JSON.stringify(view), { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(answerSyncEvent(event, { push: () => pushAndCatchUp(true, () => engine.syncForEvent()), register: () => registerSync() }));
});

self.addEventListener('online', () => void syncAndPull(true));

self.addEventListener('message', (event) => {
  try {
    assertPageMessage(event.data);
  } catch {
    return;
  }
  // A page asks every 20 s while it is open, or when a person acts: always worth a look at the feed.
  event.waitUntil(event.data.type === 'sync-now' ? syncAndPull(true) : engine.publish());
});

/**
 * Push what waits, then catch up with what others changed. A push that sent
 * the device's cursor already brought the changes back; otherwise pull (at
 * once when asked to, else if the last pull is a few seconds old). `push`
 * rejects for the `sync` event, so the browser retries a failed one.
 */
async function pushAndCatchUp(force: boolean, push: () => Promise<void> = () => engine.kick()): Promise<void> {
  const pushing = (await outbox.size()) > 0 && (await feed.cursor()) !== null;
  await push();
  if ((await outbox.size()) === 0 && pushing) return;
  await feed.maybePull(force);
}

const syncAndPull = (force: boolean): Promise<void> => pushAndCatchUp(force);

// Every start of the worker is a chance to send what an earlier one could not, and to catch up.
void syncAndPull(true);
