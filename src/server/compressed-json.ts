/** JSON answers gzip-compressed when they are worth it and the client takes gzip: rosters and feeds cross slow links. */
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
/** Below this a gzip header and the CPU cost more than they save. */
const WORTH_COMPRESSING = 1024;

export async function sendJson(request: FastifyRequest, reply: FastifyReply, value: unknown): Promise<FastifyReply> {
  const json = JSON.stringify(value);
  void reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding');
  const accepts = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (!accepts || json.length < WORTH_COMPRESSING) return reply.send(json);
  return reply.header('content-encoding', 'gzip').send(await gzipAsync(json));
}
