/// <reference lib="webworker" />
/**
 * What this device keeps for offline use, by what it is used for.
 *
 * Every device precaches the shared part (styles, the web manifest and its
 * icon) as its worker installs. A role's part (the kiosk page and its script;
 * a teacher's pages; the office's; an admin's) is precached once the device
 * opens one of that part's pages, with the parts it needs (the office's and
 * the admin's pages load the staff style sheet, which is the teacher's part),
 * so a kiosk never downloads the staff pages it never shows, nor a teacher's
 * tablet the kiosk or the admin's pages. A device keeps the roles it took: a later
 * worker finds the part's cache not empty and precaches the part's new files
 * as it installs.
 *
 *   install   the shared part; each role part whose pages are open in a window
 *             (the page that registered the worker, on a first visit), or
 *             whose cache holds files from an earlier worker
 *   fetch     a part's file: from its cache, else from the network; a
 *             request for a file of a role part not yet whole starts filling
 *             it (a page opened; for the camera part, which has no page, the
 *             kiosk loading its barcode reader)
 *   activate  each part drops the files its new manifest no longer lists
 *
 * Each part is a Workbox PrecacheController with a cache of its own (the
 * shared part has Workbox's default one, where earlier workers kept every
 * file), matched by a PrecacheRoute and answered by the controller's
 * strategy. Workbox fetches a controller's files only inside an install
 * event, so parts are filled here, the way Workbox fills one except for
 * one thing, and all files at once rather than one after another.
 *
 * Nothing crosses the link twice. A file whose name carries its hash has no
 * revision and comes from the HTTP cache when the page has just loaded it. A
 * file with a revision Workbox fetches with cache: 'reload', past the HTTP
 * cache, so that an old copy is never kept under a new revision; asking the
 * server to revalidate (cache: 'no-cache') rules that out as well, and costs
 * a 304 instead of the file when the page has just loaded it. A page open
 * in a window is asked for at the URL that window loaded (/kiosk for
 * kiosk.html, /sign-in?next=%2Froll for sign-in.html), which is where the
 * browser keeps it; if that answers anything but the page, and for a page
 * not open, at its file's URL.
 */
import { PrecacheController, PrecacheRoute, cleanupOutdatedCaches, type PrecacheEntry } from 'workbox-precaching';
import { keptByBrowser } from './kept-by-browser.ts';

declare const self: ServiceWorkerGlobalScope;

export interface RolePart {
  entries: PrecacheEntry[];
  /** Parts whose files this part's pages load too (the staff style sheet): filled whenever this one is. */
  needs?: readonly string[];
}

export interface PrecacheParts {
  /** What every device precaches. */
  shared: PrecacheEntry[];
  /** What a device precaches once it opens one of the part's pages, by role. */
  roles: Record<string, RolePart>;
}

/**
 * The sign-in page reads where to go next from its query, and the roll its
 * homeroom: one cached page answers for every value. (Workbox's own default
 * ignores only the tracking parameters.)
 */
const IGNORED_PARAMETERS = [/^utm_/, /^fbclid$/, /^next$/, /^reason$/];

/**
 * The file for one precache entry, revalidated as the header says; `opened`:
 * the URL a window loaded it at, if one did. Refuses anything but the file.
 */
async function fetchForPrecache(entry: PrecacheEntry, opened: string | undefined): Promise<Response> {
  const kept = entry.revision ? await keptByBrowser(entry, opened) : null;
  if (kept) return kept;
  const init: RequestInit = {
    cache: entry.revision ? 'no-cache' : 'default',
    credentials: 'same-origin',
    ...(entry.integrity ? { integrity: entry.integrity } : {}),
  };
  if (opened) {
    // A page for staff may send someone no longer signed in to the sign-in page: then the file's own URL.
    const response = await fetch(opened, { ...init, redirect: 'manual' }).catch(() => null);
    if (response?.ok) return response;
  }
  const response = await fetch(entry.url, init);
  // A redirect or an error page kept as a page would be served offline in its place.
  if (!response.ok || response.redirected)
    throw new Error(
      `Could not precache ${entry.url}: the server answered ${response.status}${response.redirected ? ' after a redirect' : ''}`,
    );
  return response;
}

class PrecachePart {
  readonly controller: PrecacheController;
  private readonly route: PrecacheRoute;
  private filling: Promise<void> | null = null;

  /** `cacheName`: none for Workbox's default precache. */
  constructor(
    private readonly entries: PrecacheEntry[],
    cacheName?: string,
  ) {
    this.controller = new PrecacheController(cacheName === undefined ? {} : { cacheName });
    this.controller.addToCacheList(entries);
    this.route = new PrecacheRoute(this.controller, { ignoreURLParametersMatching: IGNORED_PARAMETERS });
  }

  /** The cache key and integrity of `request` if it is one of this part's files (a page by its clean URL too). */
  match(request: Request, event: ExtendableEvent): { cacheKey: string; integrity?: string } | undefined {
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) return undefined;
    return this.route.match({ url, request, event, sameOrigin: true }) as { cacheKey: string; integrity?: string } | undefined;
  }

  answer(event: FetchEvent, params: { cacheKey: string; integrity?: string }): Promise<Response> {
    return this.controller.strategy.handle({ event, request: event.request, params });
  }

  /** True if an earlier worker filled this part, even partly: the device has this role. */
  async held(): Promise<boolean> {
    const cache = await self.caches.open(this.controller.strategy.cacheName);
    return (await cache.keys()).length > 0;
  }

  /** Fetches the files the part's cache lacks; one fill at a time however many triggers arrive. */
  fill(event: ExtendableEvent): Promise<void> {
    this.filling ??= this.fetchMissing(event).finally(() => {
      this.filling = null;
    });
    return this.filling;
  }

  private async fetchMissing(event: ExtendableEvent): Promise<void> {
    const cache = await self.caches.open(this.controller.strategy.cacheName);
    const held = new Set((await cache.keys()).map((request) => request.url));
    const missing = this.entries.filter((entry) => !held.has(this.controller.getCacheKeyForURL(entry.url) ?? ''));
    if (missing.length === 0) return;
    // Where each open window loaded its page, by the page's cache key.
    const opened = new Map<string, string>();
    for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
      const match = this.match(new Request(client.url), event);
      if (match) opened.set(match.cacheKey, client.url);
    }
    await Promise.all(
      missing.map(async (entry) => {
        const cacheKey = this.controller.getCacheKeyForURL(entry.url);
        if (!cacheKey) return;
        await cache.put(cacheKey, await fetchForPrecache(entry, opened.get(cacheKey)));
      }),
    );
  }
}

/** Wires precaching: call once, as the worker's script starts, before other fetch listeners. */
export function precacheByRole(parts: PrecacheParts): void {
  cleanupOutdatedCaches();
  const shared = new PrecachePart(parts.shared);
  // Not Workbox's "…-precache-…-<scope>" naming, which cleanupOutdatedCaches would take for an old precache and delete.
  const byName = new Map(
    Object.entries(parts.roles).map(([role, { entries }]) => [role, new PrecachePart(entries, `doorline-${role}-pages`)]),
  );
  const roles = [...byName.values()];
  const all = [shared, ...roles];
  /** A role part with the parts it needs: a page of it opened offline finds every file it loads. */
  const withNeeds = new Map(
    Object.entries(parts.roles).map(([role, { needs = [] }]) => [
      byName.get(role),
      [role, ...needs].map((name) => byName.get(name)).filter((part) => part !== undefined),
    ]),
  );
  const fillRole = (part: PrecachePart, event: ExtendableEvent): Promise<unknown> =>
    Promise.all((withNeeds.get(part) ?? [part]).map((each) => each.fill(event)));

  self.addEventListener('install', (event) => {
    event.waitUntil(
      (async () => {
        const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
        const opened = (part: PrecachePart): boolean => windows.some((client) => part.match(new Request(client.url), event) !== undefined);
        await Promise.all([
          shared.fill(event),
          ...roles.map(async (part) => (opened(part) || (await part.held())) && fillRole(part, event)),
        ]);
      })(),
    );
  });

  self.addEventListener('activate', (event) => {
    for (const part of all) part.controller.activate(event).catch(() => undefined);
  });

  self.addEventListener('fetch', (event) => {
    for (const part of all) {
      const params = part.match(event.request, event);
      if (!params) continue;
      event.respondWith(part.answer(event, params));
      // Filling waits for nothing the page needs; a fill cut short (the link dropped) is taken up at the next visit.
      if (part !== shared) event.waitUntil(fillRole(part, event).catch(() => undefined));
      return;
    }
  });
}
