/** `GET /api/roll-call`: today's emergency roll call and its list, for any staff member of the session's school. */
import type { FastifyInstance } from 'fastify';
import { STAFF_ROLES } from '../../shared/account-protocol.ts';
import { expectRecord } from '../../shared/guard.ts';
import type { Auth } from '../auth/principal.ts';
import { sendJson } from '../compressed-json.ts';
import { serverRollCall } from '../roll-calls.ts';
import { findSchool } from '../school-queries.ts';

export function rollCallRoutes(app: FastifyInstance, auth: Auth): void {
  app.get('/api/roll-call', async (request, reply) => {
    const staff = await auth.requireStaff(request, STAFF_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], [], 'invalid-query');
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, await serverRollCall(auth.db, await findSchool(auth.db, staff.schoolId), auth.now()));
  });
}
