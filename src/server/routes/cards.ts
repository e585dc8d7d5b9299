/** The students an admin prints ID cards for: one homeroom or the whole school, leavers left out. */
import type { FastifyInstance } from 'fastify';
import type { CardList } from '../../shared/cards-protocol.ts';
import { expectRecord, expectString } from '../../shared/guard.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { ADMIN_ROLES, type Auth } from '../auth/principal.ts';
import { sendJson } from '../compressed-json.ts';
import { byHomeroom } from '../../shared/homeroom-order.ts';

export function cardRoutes(app: FastifyInstance, auth: Auth): void {
  app.get('/api/cards', async (request, reply) => {
    const staff = await auth.requireStaff(request, ADMIN_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], ['homeroom'], 'invalid-query');
    // Empty asks for the whole school, as the page's "Whole school" choice sends it.
    if (query.homeroom !== undefined) expectString(query.homeroom, '$query.homeroom', { min: 0, max: 64 }, 'invalid-query');
    const homeroom = query.homeroom === undefined || query.homeroom === '' ? null : query.homeroom;
    const current = auth.db.selectFrom('students').where('school_id', '=', staff.schoolId).where('left_at', 'is', null);
    const [rooms, students] = await Promise.all([
      current.select('homeroom').distinct().orderBy('homeroom').execute(),
      (homeroom === null ? current : current.where('homeroom', '=', homeroom))
        .select(['student_number', 'name', 'homeroom'])
        .orderBy('homeroom')
        .orderBy('name')
        .orderBy('student_number')
        .execute(),
    ]);
    const list: CardList = {
      v: PROTOCOL_VERSION,
      type: 'cards',
      homerooms: rooms.map((r) => r.homeroom).sort(byHomeroom),
      homeroom,
      students: students
        .map((s) => ({ studentId: s.student_number, name: s.name, homeroom: s.homeroom }))
        .sort((a, b) => byHomeroom(a.homeroom, b.homeroom)),
    };
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, list);
  });
}
