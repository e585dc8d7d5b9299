/** `GET /api/today`: the office's day at a glance, for the session's school only. */
import type { FastifyInstance } from 'fastify';
import { expectRecord } from '../../shared/guard.ts';
import { OFFICE_ROLES, type Auth } from '../auth/principal.ts';
import { sendJson } from '../compressed-json.ts';
import { schoolToday } from '../today.ts';

export function todayRoutes(app: FastifyInstance, auth: Auth): void {
  app.get('/api/today', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], [], 'invalid-query');
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, await schoolToday(auth.db, staff.schoolId, auth.now()));
  });
}
