/**
 * `GET /api/metrics`: this process's counters in Prometheus's text format, for
 * a scraper holding METRICS_TOKEN. With no token configured the endpoint is
 * not there at all (404, like any unknown address).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { Metrics } from '../metrics.ts';

/** Digests are compared, so the comparison takes the same time whatever the lengths. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Refuses a request that does not carry the metrics token (`/api/stats` takes it too). */
export function metricsTokenCheck(token: string | null): (request: FastifyRequest) => void {
  const expected = token === null ? null : digest(`Bearer ${token}`);
  return (request) => {
    const header = request.headers.authorization;
    if (expected === null || typeof header !== 'string' || !timingSafeEqual(digest(header), expected))
      throw new DoorlineError('metrics-token-invalid');
  };
}

export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  const checkToken = metricsTokenCheck(token);
  app.get('/api/metrics', async (request, reply) => {
    if (token === null) throw new DoorlineError('not-found', { method: request.method, url: '/api/metrics' });
    checkToken(request);
    void reply.header('content-type', metrics.contentType).header('cache-control', 'no-store');
    return metrics.text();
  });
}
