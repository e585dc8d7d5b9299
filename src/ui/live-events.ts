/**
 * The page's one connection to `GET /api/events`. Handlers name the kinds
 * they act on; unknown kinds are passed over. A failed stream is closed and
 * opened again after a growing wait (1 s doubling to 60 s), or at once when
 * the browser is back online; a hidden page closes it and a page shown again
 * reopens it with the last id it saw, so the server says at once whether to
 * catch up.
 */
import { readLiveEvent, type LiveEvent, type LiveEventKind } from '../shared/live-events.ts';

type Handler = (event: LiveEvent) => void;

const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 60_000;

let source: EventSource | null = null;
let lastId: string | null = null;
let waitMs = FIRST_WAIT_MS;
let timer: ReturnType<typeof setTimeout> | null = null;
const handlers = new Map<LiveEventKind, Set<Handler>>();

function open(): void {
  if (source !== null || document.visibilityState !== 'visible') return;
  const next = new EventSource(lastId === null ? '/api/events' : `/api/events?since=${encodeURIComponent(lastId)}`);
  source = next;
  next.onopen = () => (waitMs = FIRST_WAIT_MS);
  next.onmessage = (message: MessageEvent<string>) => {
    if (message.lastEventId) lastId = message.lastEventId;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    const event = readLiveEvent(data);
    if (event) for (const handle of handlers.get(event.kind) ?? []) handle(event);
  };
  next.onerror = () => {
    shut();
    timer = setTimeout(() => {
      timer = null;
      open();
    }, waitMs);
    waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS);
  };
}

function shut(): void {
  source?.close();
  source = null;
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

document.addEventListener('visibilitychange', () => (document.visibilityState === 'visible' ? open() : shut()));
// Back online, the stream opens at once: the wait grown while the link was down would hold the page's news back by up to a minute.
window.addEventListener('online', () => {
  if (source !== null) return;
  shut();
  waitMs = FIRST_WAIT_MS;
  open();
});

/**
 * A busy morning brings a check-in every few hundred milliseconds: a page
 * reloads at most this often (twice a second), so the office sees a check-in
 * within a second of its sync (`npm run bench -- live`) without reloading for each.
 */
const HANDLER_INTERVAL_MS = 500;

/**
 * At once for an event after a quiet half second; events within the half
 * second after a call become one more call at its end, with the latest event.
 */
function throttled(handle: Handler): Handler {
  let last = -Infinity;
  let pending: LiveEvent | null = null;
  /** Offline, the page could not fetch what it is told to: it acts on the latest news once, back online. */
  let heldWhileOffline: LiveEvent | null = null;
  const run = (event: LiveEvent): void => {
    if (!navigator.onLine) {
      const listening = heldWhileOffline !== null;
      heldWhileOffline = event;
      if (!listening)
        window.addEventListener(
          'online',
          () => {
            const latest = heldWhileOffline;
            heldWhileOffline = null;
            if (latest) run(latest);
          },
          { once: true },
        );
      return;
    }
    last = Date.now();
    handle(event);
  };
  return (event) => {
    const since = Date.now() - last;
    if (since >= HANDLER_INTERVAL_MS && pending === null) return run(event);
    const scheduled = pending !== null;
    pending = event;
    if (scheduled) return;
    setTimeout(
      () => {
        const next = pending;
        pending = null;
        if (next) run(next);
      },
      Math.max(0, HANDLER_INTERVAL_MS - since),
    );
  };
}

/** Calls `handle` for events of these kinds on the page's one stream, at most about twice a second. */
export function onLiveEvents(kinds: readonly LiveEventKind[], handle: Handler): void {
  const calm = throttled(handle);
  for (const kind of kinds) {
    let set = handlers.get(kind);
    if (!set) handlers.set(kind, (set = new Set()));
    set.add(calm);
  }
  open();
}

/** Whether the page's stream is open now: a page that cannot hold it reads what it shows on a timer instead. */
export function liveStreamOpen(): boolean {
  return source !== null && source.readyState === EventSource.OPEN;
}
