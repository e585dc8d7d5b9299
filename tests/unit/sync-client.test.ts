import { describe, expect, it } from 'vitest';
import { postBatch, readSyncAnswer } from '../../sw/sync-client.ts';
import type { SyncRequest } from '../../src/shared/protocol.ts';

const request: SyncRequest = { v: 1, type: 'sync', deviceId: 'device-abcdef01', kioskId: 'kiosk-0001', ops: [] };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const good = { v: 1, type: 'sync-result', receipts: [{ n: 3, status: 'applied' }, { n: 1, status: 'duplicate', original: { status: 'rejected', code: 'unknown-student' } }], serverTime: 1_790_000_000_000 };

describe('reading the server answer', () => {
  it.each([
    ['a network failure', () => Promise.reject(new TypeError('Failed to fetch')), 'network-error'],
    ['a 500', () => Promise.resolve(json({ error: { code: 'internal' } }, 500)), 'server-error'],
    ['a 502 page from a proxy', () => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } })), 'server-error'],
    ['an HTML 200 (a captive portal)', () => Promise.resolve(new Response('<html>Sign in to Wi-Fi</html>', { status: 200, headers: { 'content-type': 'text/html' } })), 'captive-portal'],
    ['a 200 with no content type', () => Promise.resolve(new Response('ok', { status: 200 })), 'captive-portal'],
    ['JSON that does not parse', () => Promise.resolve(new Response('{"v":1,', { status: 200, headers: { 'content-type': 'application/json' } })), 'bad-response'],
    ['JSON of the wrong shape', () => Promise.resolve(json({ hello: 'world' })), 'bad-response'],
    ['a receipt with an unknown status', () => Promise.resolve(json({ ...good, receipts: [{ n: 1, status: 'maybe' }] })), 'bad-response'],
    ['a receipt run of no ops', () => Promise.resolve(json({ ...good, receipts: [{ n: 0, status: 'applied' }] })), 'bad-response'],
    ['a refusal with a code', () => Promise.resolve(json({ error: { code: 'too-many-ops', message: '…' } }, 413)), 'too-many-ops'],
  ])('turns %s into %s and keeps the data', async (_name, fetchImpl, code) => {
    await expect(postBatch(request, fetchImpl as typeof fetch)).rejects.toMatchObject({ code });
  });

  it('accepts a well-formed answer', async () => {
    await expect(readSyncAnswer(json(good))).resolves.toEqual(good);
  });

  it('posts JSON to /api/sync', async () => {
    let seen: { url: string; init: RequestInit | undefined } | undefined;
    await postBatch(request, (async (url: string, init?: RequestInit) => {
      seen = { url, init };
      return json(good);
    }) as typeof fetch);
    expect(seen?.url).toBe('/api/sync');
    expect(seen?.init?.method).toBe('POST');
    expect(JSON.parse(String(seen?.init?.body))).toEqual(request);
  });
});
