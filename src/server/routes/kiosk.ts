/** What a device reads before it can mark anyone: its school, its kiosk (if it is one) and the roster. */
import type { FastifyInstance } from 'fastify';
import { sendJson } from '../compressed-json.ts';
import type { Auth } from '../auth/principal.ts';
import { deviceConfig, roster } from '../school-queries.ts';

export function kioskRoutes(app: FastifyInstance, auth: Auth): void {
  app.get('/api/kiosk-config', async (request, reply) => {
    const principal = await auth.requireSender(request);
    void reply.header('cache-control', 'no-cache');
    return deviceConfig(auth.db, principal.schoolId, principal.kind === 'device' ? principal.kioskId : null);
  });

  app.get('/api/roster', async (request, reply) => {
    const principal = await auth.requireSender(request);
    void reply.header('cache-control', 'no-cache');
    return sendJson(request, reply, await roster(auth.db, principal.schoolId), { lasting: true });
  });
}
