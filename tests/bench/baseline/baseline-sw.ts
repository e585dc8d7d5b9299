/**
 * The baseline the sync benchmark compares Doorline with: the usual
 * offline-first recipe. Every `POST /api/marks` is stored whole in a Workbox
 * background-sync Queue and answered 202; when the browser fires `sync`, the
 * Queue's default `replayRequests()` sends them again one by one, one request
 * per mark, oldest first.
 */
import { Queue } from 'workbox-background-sync';

/**
 * The few worker globals this file uses. tests/ compiles with the DOM lib,
 * which has no ServiceWorkerGlobalScope, so they are declared here.
 */
interface ExtendableEvent extends Event {
  waitUntil: (promise: Promise<unknown>) => void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith: (response: Promise<Response>) => void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  data: unknown;
  ports: readonly MessagePort[];
}
interface WorkerScope {
  location: Location;
  skipWaiting: () => Promise<void>;
  clients: { claim: () => Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
const queue = new Queue('baseline-marks');

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.origin !== worker.location.origin || url.pathname !== '/api/marks') return;
  event.respondWith(
    queue
      .pushRequest({ request: event.request })
      .then(() => new Response(JSON.stringify({ queued: true }), { status: 202, headers: { 'content-type': 'application/json' } })),
  );
});

/** `{type: 'queue-size'}` with a port: answers how many marks wait in the Queue. */
worker.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  const port = event.ports[0];
  if (data?.type !== 'queue-size' || !port) return;
  event.waitUntil(queue.size().then((size) => port.postMessage(size)));
});
