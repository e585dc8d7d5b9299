import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keptByBrowser, revisionOf } from '../../sw/kept-by-browser.ts';

const page = '<!doctype html><title>Kiosk — Doorline</title>';
/** What build.mjs writes into the manifest for a file. */
const builtRevision = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

describe("taking a precache file from the browser's HTTP cache", () => {
  it("computes a body's revision as the build does", async () => {
    expect(await revisionOf(new TextEncoder().encode(page).buffer as ArrayBuffer)).toBe(builtRevision(page));
  });

  it('takes the copy the browser holds, without a revalidation, when it is the file the manifest names', async () => {
    const asked: RequestInit[] = [];
    const fetchImpl = async (_url: RequestInfo | URL, init?: RequestInit) => {
      asked.push(init ?? {});
      return new Response(page, { headers: { 'content-type': 'text/html' } });
    };
    const kept = await keptByBrowser({ url: '/kiosk.html', revision: builtRevision(page) }, '/kiosk', fetchImpl);
    expect(await kept?.text()).toBe(page);
    expect(kept?.headers.get('content-type')).toBe('text/html');
    expect(asked).toEqual([expect.objectContaining({ cache: 'force-cache', redirect: 'manual' })]);
  });

  it('refuses a copy older than the manifest, a redirect, an error page and a dead link', async () => {
    const entry = { url: '/kiosk.html', revision: builtRevision(page) };
    const answering = (response: Response) => async () => response;
    expect(await keptByBrowser(entry, undefined, answering(new Response('<!doctype html><title>Older</title>')))).toBeNull();
    expect(await keptByBrowser(entry, undefined, answering(new Response(page, { status: 404 })))).toBeNull();
    expect(await keptByBrowser(entry, undefined, answering(Response.redirect('http://localhost/sign-in', 302)))).toBeNull();
    expect(
      await keptByBrowser(entry, undefined, async () => {
        throw new TypeError('Failed to fetch');
      }),
    ).toBeNull();
  });
});
