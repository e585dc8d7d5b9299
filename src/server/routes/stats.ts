/**
 * `GET /api/stats?from=&to=`: the sync statistics per device and school day
 * (sync-stats.ts), as JSON. An admin reads their school's; a monitoring tool
 * holding METRICS_TOKEN (as for `/api/metrics`) reads every school's.
 */
import type { FastifyInstance } from 'fastify';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import type { SyncStats } from '../../shared/stats-protocol.ts';
import { ADMIN_ROLES, type Auth } from '../auth/principal.ts';
import { sendJson } from '../compressed-json.ts';
import { readSyncStats } from '../sync-stats.ts';
import { rangeOf } from './exports.ts';
import { metricsTokenCheck } from './metrics.ts';

/** A year of days and a little more, as a report reads. */
const MAX_STATS_DAYS = 400;

export function statsRoutes(app: FastifyInstance, auth: Auth, metricsToken: string | null): void {
  const checkToken = metricsTokenCheck(metricsToken);
  app.get('/api/stats', async (request, reply) => {
    // A bearer token here is the monitoring tool's; anyone else is an admin signed in.
    let schoolId: string | null = null;
    if (request.headers.authorization !== undefined) checkToken(request);
    else schoolId = (await auth.requireStaff(request, ADMIN_ROLES)).schoolId;
    const { from, to } = rangeOf(request.query, MAX_STATS_DAYS);
    const stats: SyncStats = {
      v: PROTOCOL_VERSION,
      type: 'sync-stats',
      from,
      to,
      days: await readSyncStats(auth.db, { schoolId, from, to }),
    };
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, stats);
  });
}
