/**
 * The only body parsers: JSON for every endpoint and the compact batch format
 * for `/api/sync`, either one plain or gzip-compressed. Bodies are capped as
 * they arrive and again after decompression. Every other content type is
 * refused by Fastify with 415 before a handler runs.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BATCH_MEDIA_TYPE } from '../shared/batch-codec.ts';
import { DoorlineError } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';

const gunzipAsync = promisify(gunzip);

/** A file sent as it is (a roster export: .zip or .csv), read by the route that accepts it. */
export class FileBody {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * What browsers and tools call a .zip or .csv file (Windows names a CSV
 * application/vnd.ms-excel). Capped like every body unless the route that
 * accepts files sets its own `bodyLimit`.
 */
export const FILE_MEDIA_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'text/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

/** A compact batch as it arrived, decoded by the route that accepts it. */
export class BatchBody {
  constructor(readonly bytes: Uint8Array) {}
}

async function inflate(request: FastifyRequest, body: Buffer): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new DoorlineError('unsupported-encoding', { encoding });
  try {
    return await gunzipAsync(body, { maxOutputLength: LIMITS.maxInflatedBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DoorlineError('inflated-too-large', { max: LIMITS.maxInflatedBytes });
    }
    throw new DoorlineError('bad-encoding');
  }
}

/** The request's parsed body; a request that sent none is refused once, here. */
export function bodyOf(request: FastifyRequest): unknown {
  if (request.body === undefined) throw new DoorlineError('empty-body');
  return request.body;
}

export function acceptBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const options = { parseAs: 'buffer' as const, bodyLimit: LIMITS.maxBodyBytes };
  app.addContentTypeParser('application/json', options, async (request: FastifyRequest, body: Buffer) => {
    const text = (await inflate(request, body)).toString('utf8');
    if (text.trim() === '') throw new DoorlineError('empty-body');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new DoorlineError('bad-json');
    }
  });
  app.addContentTypeParser(BATCH_MEDIA_TYPE, options, async (request: FastifyRequest, body: Buffer) => {
    const bytes = await inflate(request, body);
    if (bytes.length === 0) throw new DoorlineError('empty-body');
    return new BatchBody(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  // A file is already compressed (a zip) or read once (a CSV): sent as it is, never inflated here.
  app.addContentTypeParser(FILE_MEDIA_TYPES, { parseAs: 'buffer' as const }, async (request: FastifyRequest, body: Buffer) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    if (encoding !== 'identity' && encoding !== '') throw new DoorlineError('unsupported-encoding', { encoding });
    if (body.length === 0) throw new DoorlineError('empty-body');
    return new FileBody(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  });
}
