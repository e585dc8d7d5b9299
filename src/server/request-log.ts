/**
 * What a request's log line holds: one line per answered request, with the
 * method, the address without its query values (a search can carry a
 * student's name), the status, the response time and the sending device.
 * Never headers, so never a token, a cookie or an Authorization header; the
 * redaction paths hold them back too if a line ever carries headers.
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';

const devices = new WeakMap<FastifyRequest, string>();

/** Names the device a request came from in its log line. */
export function logDevice(request: FastifyRequest, deviceId: string | null): void {
  if (deviceId !== null) devices.set(request, deviceId);
}

/** The path, and each query parameter's name with its value left out. */
export function urlForLog(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}${names.length > 0 ? `?${names.map((name) => `${encodeURIComponent(name)}=`).join('&')}` : ''}`;
}

const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.token',
];

/** Fastify's logger (pino) at `level`, writing to `stream` (standard output unless given). */
export function loggerOptions(level: string, stream?: { write: (line: string) => void }): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACTED, censor: '[hidden]' },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: urlForLog(request.url), device: devices.get(request) ?? null }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
  };
}

/**
 * Each request logged once, when answered: Fastify's line on arrival is left
 * out, as it comes before the device is known.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
