/** A precache file the browser already holds, taken without asking the server again. */
import type { PrecacheEntry } from 'workbox-precaching';

/** The first 32 hex digits of the SHA-256 of a body: a file's revision (build.mjs `contentRevisions`). */
export async function revisionOf(body: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return [...digest.subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A page the browser has just loaded, from its HTTP cache, if it is the very
 * file this revision names: no request at all. On a first visit that saves
 * a revalidation (its headers both ways and a round trip) per page; a copy
 * older than the manifest (a release between the page's load and the
 * worker's install) does not match, and the file is asked for again (sw/precache.ts).
 */
export async function keptByBrowser(
  entry: PrecacheEntry,
  opened: string | undefined,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): Promise<Response | null> {
  const response = await fetchImpl(opened ?? entry.url, { cache: 'force-cache', credentials: 'same-origin', redirect: 'manual' }).catch(
    () => null,
  );
  if (!response?.ok) return null;
  const body = await response.arrayBuffer();
  if ((await revisionOf(body)) !== entry.revision) return null;
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
