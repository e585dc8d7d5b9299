/** The one place where anything thrown on the server becomes an HTTP answer. */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DoorlineError, errorBody, type ErrorCode } from '../shared/error-codes.ts';
import { messageOf } from '../shared/error-messages.ts';
import { EVERY_ANSWER_HEADERS } from './security-headers.ts';

/** Fastify's own errors (body parsing, routing) mapped onto our catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-json',
  FST_ERR_BAD_URL: 'not-found',
  FST_ERR_MAX_PARAM_LENGTH: 'url-too-long',
  FST_ERR_ASYNC_CONSTRAINT: 'invalid-body',
};

const BY_STATUS: Record<number, ErrorCode> = {
  404: 'not-found',
  405: 'method-not-allowed',
  408: 'request-timeout',
  413: 'body-too-large',
  414: 'url-too-long',
  415: 'unsupported-media-type',
};

/**
 * The database's answer when its disk is full: SQLite's SQLITE_FULL (better-sqlite3's
 * `code`), PostgreSQL's SQLSTATE 53100 (disk_full, pg's `code`). The transaction
 * has rolled back, so nothing is half-written; the device sends it again later.
 */
const STORAGE_FULL = new Set(['SQLITE_FULL', '53100']);
/** How long a device waits before sending again to a server whose disk is full: someone must free space. */
const STORAGE_FULL_RETRY_SECONDS = 60;

function toDoorlineError(error: unknown, request: FastifyRequest): DoorlineError {
  if (error instanceof DoorlineError) return error;
  const e = error as Partial<FastifyError>;
  if (typeof e.code === 'string' && STORAGE_FULL.has(e.code))
    return new DoorlineError('storage-full', { retryAfterSeconds: STORAGE_FULL_RETRY_SECONDS });
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new DoorlineError(mapped);
  // A file name longer than any file system takes (NAME_MAX, 255) names no file: the address is too long, not forbidden.
  if (e.code === 'FST_STATIC_FORBIDDEN_PATH')
    return new DoorlineError(
      request.url
        .split('?')[0]
        ?.split('/')
        .some((part) => part.length > 255)
        ? 'url-too-long'
        : 'file-refused',
    );
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const byStatus = BY_STATUS[status];
    if (byStatus) return new DoorlineError(byStatus);
    // Outside the API only the app's files are served: a refusal there is about the address, not a body.
    return new DoorlineError(request.url.startsWith('/api/') ? 'invalid-body' : 'file-refused');
  }
  return new DoorlineError('internal');
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const doorlineError = toDoorlineError(error, request);
  if (doorlineError.code === 'internal') request.log.error({ err: error }, 'request failed');
  // Someone must free space: said where the person running the server looks.
  if (doorlineError.code === 'storage-full') request.log.error({ err: error }, 'the database disk is full');
  // Refusals that say when to come back (busy, too many attempts) say it in the header clients and proxies read.
  const retryAfter = doorlineError.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter > 0)
    void reply.header('retry-after', String(Math.ceil(retryAfter)));
  // Errors Fastify meets before routing skip the hooks that add these; they are set here for every refusal.
  void reply.headers(EVERY_ANSWER_HEADERS);
  void reply
    .status(doorlineError.status)
    .header('cache-control', 'no-store')
    .send(errorBody(doorlineError, messageOf(doorlineError)));
}

/**
 * A request Node's HTTP parser could not take (headers too large, too slow, not HTTP):
 * answered on the bare socket, since no request object exists, then the connection closed.
 */
export function handleClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A connection reset leaves nothing to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers-too-large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request-timeout'
        : 'malformed-request';
  const refusal = new DoorlineError(code);
  const body = JSON.stringify(errorBody(refusal, messageOf(refusal)));
  const headers = Object.entries({
    'content-type': 'application/json; charset=utf-8',
    ...EVERY_ANSWER_HEADERS,
    'cache-control': 'no-store',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}
