/**
 * `GET /api/metrics`: this process's counters in Prometheus's text format, for
 * a scraper holding METRICS_TOKEN. With no token configured the endpoint is
 * not there at all (404, like any unknown address).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { Metrics } from '../metrics.ts';

/** Digests are compared, so the comparison takes the same time whatever the lengths. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  const expected = token === null ? null : digest(`Bearer ${token}`);
  app.get('/api/metrics', async (request, reply) => {
    if (expected === null) throw new DoorlineError('not-found', { method: request.method, url: '/api/metrics' });
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !timingSafeEqual(digest(header), expected)) throw new DoorlineError('metrics-token-invalid');
    void reply.header('content-type', metrics.contentType).header('cache-control', 'no-store');
    return metrics.text();
  });
}
