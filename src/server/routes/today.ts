/** `GET /api/today`: the office's day at a glance, and a student's recent days; for the session's school only. */
import type { FastifyInstance } from 'fastify';
import { expectRecord, expectString } from '../../shared/guard.ts';
import { STUDENT_ID_PATTERN } from '../../shared/protocol-guards.ts';
import { OFFICE_ROLES, type Auth } from '../auth/principal.ts';
import { sendJson } from '../compressed-json.ts';
import { schoolToday, studentHistory } from '../today.ts';

export function todayRoutes(app: FastifyInstance, auth: Auth): void {
  app.get('/api/today', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], [], 'invalid-query');
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, await schoolToday(auth.db, staff.schoolId, auth.now()));
  });

  app.get('/api/today/student', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', ['studentId'], [], 'invalid-query');
    expectString(query.studentId, '$query.studentId', { max: 64, pattern: STUDENT_ID_PATTERN }, 'invalid-query');
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, await studentHistory(auth.db, staff.schoolId, query.studentId, auth.now()));
  });
}
