import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_MEDIA_TYPE, encodeBatch } from '../../src/shared/batch-codec.ts';
import { LIMITS } from '../../src/shared/limits.ts';
import { fromRuns } from '../../src/shared/receipts.ts';
import { checkIn, countRows, startTestApp, type TestApp } from '../support/test-app.ts';

const EARLY = Date.parse('2026-11-25T07:58:00Z');
let t: TestApp;

beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

const opCount = (): Promise<number> => countRows(t.db, 'ops');

function post(payload: Buffer, headers: Record<string, string>) {
  return t.asKiosk({ method: 'POST', url: '/api/sync', payload, headers });
}

function batch(count: number) {
  return encodeBatch({
    deviceId: t.deviceId,
    kioskId: t.kioskId,
    ops: Array.from({ length: count }, (_, i) => {
      const { opId: _opId, ...op } = checkIn(i + 1, String(100001 + i), EARLY + i * 9000);
      return op;
    }),
  });
}

describe('POST /api/sync in the compact format', () => {
  it('applies a gzipped batch and answers receipts as runs', async () => {
    const response = await post(gzipSync(batch(50)), { 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(200);
    expect(response.json().receipts).toEqual([{ n: 50, status: 'applied' }]);
    expect(await opCount()).toBe(50);
  });

  it('applies an uncompressed batch, and answers its replay with duplicates', async () => {
    await post(Buffer.from(batch(3)), { 'content-type': BATCH_MEDIA_TYPE });
    const replay = await post(Buffer.from(batch(3)), { 'content-type': BATCH_MEDIA_TYPE });
    expect(fromRuns(replay.json().receipts)).toEqual(Array(3).fill({ status: 'duplicate', original: { status: 'applied' } }));
    expect(await opCount()).toBe(3);
  });

  it('takes gzipped JSON from integrators too', async () => {
    const body = { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [checkIn(1, '100001', EARLY)] };
    const response = await post(gzipSync(JSON.stringify(body)), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.json().receipts).toEqual([{ n: 1, status: 'applied' }]);
  });

  it.each([
    [
      'a gzip bomb',
      () => post(gzipSync(Buffer.alloc(LIMITS.maxInflatedBytes + 1024)), { 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' }),
      413,
      'inflated-too-large',
    ],
    [
      'a JSON gzip bomb',
      () =>
        post(gzipSync(Buffer.alloc(LIMITS.maxInflatedBytes + 1024, ' ')), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
      413,
      'inflated-too-large',
    ],
    [
      'corrupt gzip',
      () => post(Buffer.from('not gzip at all'), { 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' }),
      400,
      'bad-encoding',
    ],
    [
      'an encoding it does not take',
      () => post(Buffer.from(batch(1)), { 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'br' }),
      415,
      'unsupported-encoding',
    ],
    ['bytes that are not a batch', () => post(Buffer.from('hello, server'), { 'content-type': BATCH_MEDIA_TYPE }), 400, 'invalid-body'],
    ['a truncated batch', () => post(Buffer.from(batch(20)).subarray(0, 40), { 'content-type': BATCH_MEDIA_TYPE }), 400, 'invalid-body'],
    ['an empty body', () => post(Buffer.alloc(0), { 'content-type': BATCH_MEDIA_TYPE }), 400, 'empty-body'],
    [
      'a batch of a future format',
      () => post(Buffer.from([0x44, 0x4c, 9, 0]), { 'content-type': BATCH_MEDIA_TYPE }),
      400,
      'unsupported-version',
    ],
    [
      'too many ops',
      () => post(gzipSync(batch(LIMITS.maxOpsPerBatch + 1)), { 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' }),
      413,
      'too-many-ops',
    ],
  ])('refuses %s with %i %s and applies nothing', async (_name, send, status, code) => {
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await opCount()).toBe(0);
  });

  it('refuses the compact format on endpoints that take only JSON', async () => {
    const response = await t.asKiosk({
      method: 'POST',
      url: '/api/marks',
      payload: Buffer.from(batch(1)),
      headers: { 'content-type': BATCH_MEDIA_TYPE },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid-body');
  });
});
