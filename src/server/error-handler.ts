/** The one place where anything thrown on the server becomes an HTTP answer. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DoorlineError, errorBody, type ErrorCode } from '../shared/error-codes.ts';

/** Fastify's own errors (body parsing, routing) mapped onto our catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-json',
  FST_ERR_BAD_URL: 'not-found',
  FST_ERR_ASYNC_CONSTRAINT: 'invalid-body',
};

const BY_STATUS: Record<number, ErrorCode> = {
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'body-too-large',
  415: 'unsupported-media-type',
};

function toDoorlineError(error: unknown): DoorlineError {
  if (error instanceof DoorlineError) return error;
  const e = error as Partial<FastifyError>;
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new DoorlineError(mapped);
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return new DoorlineError(BY_STATUS[status] ?? 'invalid-body');
  return new DoorlineError('internal');
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const doorlineError = toDoorlineError(error);
  if (doorlineError.code === 'internal') request.log.error({ err: error }, 'request failed');
  // Refusals that say when to come back (busy, too many attempts) say it in the header clients and proxies read.
  const retryAfter = doorlineError.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter > 0)
    void reply.header('retry-after', String(Math.ceil(retryAfter)));
  void reply.status(doorlineError.status).header('cache-control', 'no-store').send(errorBody(doorlineError));
}
