/**
 * JSON answers compressed when they are worth it: rosters and feeds cross
 * slow links. Brotli to a client that takes it (a fifth smaller than gzip on
 * a roster), else gzip, else as it is. Quality 5: a tenth of the time of
 * brotli's best for nearly all of its gain, since each answer is compressed
 * as it is asked for.
 */
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
/** Below this a compression header and the CPU cost more than they save. */
const WORTH_COMPRESSING = 1024;
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };

export async function sendJson(request: FastifyRequest, reply: FastifyReply, value: unknown): Promise<FastifyReply> {
  const json = JSON.stringify(value);
  void reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding');
  if (json.length < WORTH_COMPRESSING) return reply.send(json);
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(await brotliAsync(json, BROTLI_OPTIONS));
  if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(await gzipAsync(json));
  return reply.send(json);
}
