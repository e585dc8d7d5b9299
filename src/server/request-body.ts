/**
 * The only body parsers: JSON for every endpoint and the compact batch format
 * for `/api/sync`, either one plain or gzip-compressed. Bodies are capped as
 * they arrive and again after decompression, each endpoint at its own size
 * (BODIES), and JSON is refused past a nesting depth no request needs. Every
 * other content type is refused by Fastify with 415 before a handler runs.
 *
 * Nothing here runs before the sender is known: principal.ts refuses a body
 * from nobody before it is read, except on the endpoints that sign a person
 * in or pair a kiosk, whose bodies are a few hundred bytes.
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

/** What one endpoint takes as a body: its caps as it arrives and once inflated; none at all; and whether a stranger may send it. */
export interface BodyRule {
  maxBytes: number;
  maxInflatedBytes: number;
  /** Sign-in and pairing: the sender is who the body says, so it is read before anyone is known. */
  fromStrangers?: true;
  /** The endpoint reads nothing from a body; one sent anyway is refused rather than ignored. */
  none?: true;
}

const KiB = 1024;
const small = (extra: Partial<BodyRule> = {}): BodyRule => ({ maxBytes: 4 * KiB, maxInflatedBytes: 4 * KiB, ...extra });
/** A person's mark or resolution carries a note of up to 2000 characters, each up to six bytes escaped. */
const withNote: BodyRule = { maxBytes: 16 * KiB, maxInflatedBytes: 32 * KiB };
const batches: BodyRule = { maxBytes: LIMITS.maxBodyBytes, maxInflatedBytes: LIMITS.maxInflatedBytes };
const NO_BODY: BodyRule = { maxBytes: 0, maxInflatedBytes: 0, none: true };

/** Per endpoint, `METHOD path` as routed. An endpoint not named keeps the server-wide caps (LIMITS). */
export const BODIES: Readonly<Record<string, BodyRule>> = {
  'POST /api/session': small({ fromStrangers: true }),
  'POST /api/pair': small({ fromStrangers: true }),
  'DELETE /api/session': NO_BODY,
  'POST /api/account/password': small(),
  'POST /api/pairing-codes': small(),
  'POST /api/devices/:deviceId/revoke': NO_BODY,
  'POST /api/marks': withNote,
  'POST /api/conflicts/resolve': withNote,
  'POST /api/sync': batches,
  'POST /api/queue-imports': batches,
  'POST /api/school/retention': small(),
};

/** No request Doorline reads nests deeper than a handful of levels; a few dozen leaves room for integrators. */
export const MAX_JSON_DEPTH = 32;

declare module 'fastify' {
  interface FastifyContextConfig {
    body?: BodyRule;
  }
}

/** The rule of the endpoint a request was routed to. */
export function bodyRuleOf(request: FastifyRequest): BodyRule {
  return request.routeOptions.config.body ?? batches;
}

/** Whether a request says it carries a body (a length above zero, or a chunked one). */
export function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return request.headers['transfer-encoding'] !== undefined;
}

async function inflate(request: FastifyRequest, body: Buffer): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new DoorlineError('unsupported-encoding', { encoding });
  const max = bodyRuleOf(request).maxInflatedBytes;
  try {
    return await gunzipAsync(body, { maxOutputLength: max });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new DoorlineError('inflated-too-large', { max });
    throw new DoorlineError('bad-encoding');
  }
}

/**
 * Whether JSON text nests no deeper than `max`, read in one pass before
 * JSON.parse: V8 parses two million nested `[` for over a second, and a
 * 4 KB gzip inflates to that.
 */
export function nestsWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

/** The request's parsed body; a request that sent none is refused once, here. */
export function bodyOf(request: FastifyRequest): unknown {
  if (request.body === undefined) throw new DoorlineError('empty-body');
  return request.body;
}

export function acceptBodies(app: FastifyInstance): void {
  // Each endpoint's rule travels in its route config; Fastify then caps the arriving bytes itself.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const rule = methods.map((method) => BODIES[`${method} ${route.url}`]).find((r) => r !== undefined);
    if (!rule) return;
    route.config = { ...route.config, body: rule };
    route.bodyLimit ??= Math.max(rule.maxBytes, 1);
  });
  app.removeAllContentTypeParsers();
  const options = { parseAs: 'buffer' as const };
  app.addContentTypeParser('application/json', options, async (request: FastifyRequest, body: Buffer) => {
    const text = (await inflate(request, body)).toString('utf8');
    if (text.trim() === '') throw new DoorlineError('empty-body');
    if (!nestsWithin(text, MAX_JSON_DEPTH)) throw new DoorlineError('too-deep', { max: MAX_JSON_DEPTH });
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
