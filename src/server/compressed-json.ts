/**
 * JSON answers compressed when they are worth it: rosters and feeds cross
 * slow links. Brotli to a client that takes it (a fifth smaller than gzip on
 * a roster), else gzip, else as it is. Quality 5: a tenth of the time of
 * brotli's best for nearly all of its gain, since each answer is compressed
 * as it is asked for. An answer many devices ask for unchanged (a school's
 * roster: every kiosk, after every import) is `lasting`: compressed at
 * brotli's best once, by its content, and the same bytes sent to each (an
 * eighth smaller than quality 5 on a roster, on a kiosk's first install).
 */
import { createHash } from 'node:crypto';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
/** Below this a compression header and the CPU cost more than they save. */
const WORTH_COMPRESSING = 1024;
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
const LASTING_BROTLI_OPTIONS = {
  params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
};
/** Lasting answers kept compressed, by encoding and content hash: a district's schools' rosters, and a few older versions. */
const LASTING_KEPT = 64;
const lasting = new Map<string, Promise<Buffer>>();

function compressLasting(json: string, encoding: 'br' | 'gzip'): Promise<Buffer> {
  const key = `${encoding}:${createHash('sha256').update(json).digest('base64')}`;
  let packed = lasting.get(key);
  if (packed === undefined) {
    packed = encoding === 'br' ? brotliAsync(json, LASTING_BROTLI_OPTIONS) : gzipAsync(json, { level: constants.Z_BEST_COMPRESSION });
    packed.catch(() => lasting.delete(key));
    lasting.set(key, packed);
    for (const oldest of lasting.keys()) {
      if (lasting.size <= LASTING_KEPT) break;
      lasting.delete(oldest);
    }
  }
  return packed;
}

export async function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  value: unknown,
  options: { lasting?: boolean } = {},
): Promise<FastifyReply> {
  const json = JSON.stringify(value);
  void reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding');
  if (json.length < WORTH_COMPRESSING) return reply.send(json);
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
  if (encoding === null) return reply.send(json);
  const body = options.lasting
    ? await compressLasting(json, encoding)
    : encoding === 'br'
      ? await brotliAsync(json, BROTLI_OPTIONS)
      : await gzipAsync(json);
  return reply.header('content-encoding', encoding).send(body);
}
