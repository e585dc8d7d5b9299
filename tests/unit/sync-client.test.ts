import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BATCH_MEDIA_TYPE } from '../../src/shared/batch-codec.ts';
import { gzip, postBatch, readSyncAnswer } from '../../sw/sync-client.ts';

const body = new Uint8Array([0x44, 0x4c, 1, 2, 3]);
const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
const good = {
  v: 1,
  type: 'sync-result',
  receipts: [
    { n: 3, status: 'applied' },
    { n: 1, status: 'duplicate', original: { status: 'rejected', code: 'unknown-student' } },
  ],
  serverTime: 1_790_000_000_000,
};
const timeout = Object.assign(new Error('signal timed out'), { name: 'TimeoutError' });

describe('reading the server answer', () => {
  it.each([
    ['a network failure', () => Promise.reject(new TypeError('Failed to fetch')), 'network-error'],
    ['a timeout', () => Promise.reject(timeout), 'network-error'],
    ['a 500', () => Promise.resolve(json({ error: { code: 'internal' } }, 500)), 'server-error'],
    [
      'a 502 page from a proxy',
      () => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } })),
      'server-error',
    ],
    [
      'an HTML 200 (a captive portal)',
      () => Promise.resolve(new Response('<html>Sign in to Wi-Fi</html>', { status: 200, headers: { 'content-type': 'text/html' } })),
      'captive-portal',
    ],
    ['a 200 with no content type', () => Promise.resolve(new Response('ok', { status: 200 })), 'captive-portal'],
    [
      'JSON that does not parse',
      () => Promise.resolve(new Response('{"v":1,', { status: 200, headers: { 'content-type': 'application/json' } })),
      'bad-response',
    ],
    ['JSON of the wrong shape', () => Promise.resolve(json({ hello: 'world' })), 'bad-response'],
    ['a receipt with an unknown status', () => Promise.resolve(json({ ...good, receipts: [{ n: 1, status: 'maybe' }] })), 'bad-response'],
    ['a receipt run of no ops', () => Promise.resolve(json({ ...good, receipts: [{ n: 0, status: 'applied' }] })), 'bad-response'],
    ['a refusal with a code', () => Promise.resolve(json({ error: { code: 'too-many-ops', message: '…' } }, 413)), 'too-many-ops'],
    [
      'a bare 413 from a proxy',
      () => Promise.resolve(new Response('Request Entity Too Large', { status: 413, headers: { 'content-type': 'text/plain' } })),
      'body-too-large',
    ],
    ['a 401', () => Promise.resolve(new Response('', { status: 401 })), 'device-unauthorized'],
    ['a 403', () => Promise.resolve(json({ error: { code: 'device-revoked', message: '…' } }, 403)), 'device-revoked'],
    ['a newer protocol', () => Promise.resolve(json({ error: { code: 'unsupported-version', message: '…' } }, 400)), 'unsupported-version'],
  ])('turns %s into %s and keeps the data', async (_name, fetchImpl, code) => {
    await expect(postBatch(body, 'gzip', 1000, fetchImpl as typeof fetch)).rejects.toMatchObject({ code });
  });

  it.each([
    [503, { error: { code: 'server-busy', message: '…' } }, '7', 'server-busy', 7_000],
    [503, { error: { code: 'storage-full', message: '…' } }, '60', 'storage-full', 60_000],
    [429, { error: { code: 'sync-in-progress', message: '…' } }, '1', 'sync-in-progress', 1_000],
    [503, { error: { code: 'internal', message: '…' } }, null, 'server-error', null],
    [429, { error: { code: 'too-many-attempts', message: '…' } }, '60', 'server-busy', 60_000],
  ])('keeps the data and the Retry-After of a %i %j (Retry-After %j) as %s', async (status, answer, header, code, ms) => {
    const response = new Response(JSON.stringify(answer), {
      status,
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'retry-after': header }) },
    });
    await expect(readSyncAnswer(response)).rejects.toMatchObject({ code, details: { status, retryAfterMs: ms } });
  });

  it('tells a timeout from an unreachable server', async () => {
    await expect(postBatch(body, 'gzip', 1000, (() => Promise.reject(timeout)) as typeof fetch)).rejects.toMatchObject({
      details: { reason: 'timeout' },
    });
    await expect(postBatch(body, 'gzip', 1000, (() => Promise.reject(new TypeError('x'))) as typeof fetch)).rejects.toMatchObject({
      details: { reason: 'unreachable' },
    });
  });

  it('accepts a well-formed answer', async () => {
    await expect(readSyncAnswer(json(good))).resolves.toEqual(good);
  });

  it('posts the encoded batch to /api/sync, gzip-labelled', async () => {
    let seen: { url: string; init: RequestInit | undefined } | undefined;
    await postBatch(body, 'gzip', 1000, (async (url: string, init?: RequestInit) => {
      seen = { url, init };
      return json(good);
    }) as typeof fetch);
    expect(seen?.url).toBe('/api/sync');
    expect(seen?.init?.method).toBe('POST');
    expect(seen?.init?.headers).toMatchObject({ 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' });
    expect(seen?.init?.body).toBe(body);
  });

  it('gzips a body into bytes any gzip reader can open', async () => {
    const plain = new TextEncoder().encode('check-in '.repeat(200));
    const { body: packed, encoding } = await gzip(plain);
    expect(encoding).toBe('gzip');
    expect(packed.length).toBeLessThan(plain.length / 10);
    expect(new Uint8Array(gunzipSync(packed))).toEqual(plain);
  });
});
