/** What a kiosk reads before it can check anyone in: its school, its kiosk and the roster. */
import type { FastifyInstance } from 'fastify';
import { expectRecord, expectString } from '../../shared/guard.ts';
import { LIMITS } from '../../shared/limits.ts';
import { DEVICE_ID_PATTERN } from '../../shared/protocol-guards.ts';
import { sendJson } from '../compressed-json.ts';
import type { Db } from '../db/open-database.ts';
import { defaultKioskConfig, roster } from '../school-queries.ts';

export function kioskRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/kiosk-config', async (_request, reply) => {
    void reply.header('cache-control', 'no-cache');
    return defaultKioskConfig(db);
  });

  app.get('/api/roster', async (request, reply) => {
    const query: unknown = request.query;
    expectRecord(query, '$query', ['kioskId'], [], 'invalid-query');
    expectString(query.kioskId, '$query.kioskId', { max: LIMITS.maxDeviceIdLength, pattern: DEVICE_ID_PATTERN }, 'invalid-query');
    void reply.header('cache-control', 'no-cache');
    return sendJson(request, reply, await roster(db, query.kioskId));
  });
}
