/** The office's conflicts and a record's history; the change feed and the roll for every device. */
import type { FastifyInstance } from 'fastify';
import { DAY_SESSION } from '../../shared/attendance-model.ts';
import { STAFF_ROLES } from '../../shared/account-protocol.ts';
import { expectOneOf, expectRecord, expectString } from '../../shared/guard.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { DEVICE_ID_PATTERN, SESSION_PATTERN, STUDENT_ID_PATTERN } from '../../shared/protocol-guards.ts';
import { DEVICE_ID_HEADER } from '../../shared/sync-headers.ts';
import { sessionsOf } from '../../shared/sessions.ts';
import type { ConflictList, RecordHistory } from '../../shared/office-protocol.ts';
import { OFFICE_ROLES, type Auth } from '../auth/principal.ts';
import { changePage, serverRoll } from '../change-feed.ts';
import { homeroomsOf } from '../auth/staff-admin.ts';
import { noteVisit } from '../ingest.ts';
import { deviceReport } from './sync.ts';
import { sendJson } from '../compressed-json.ts';
import { assertResolveRequest, listConflicts, recordHistory, resolveConflicts } from '../conflicts.ts';
import { findSchool, schoolPeriods } from '../school-queries.ts';
import { bodyOf } from '../request-body.ts';
import type { Announcer } from '../events/announce.ts';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function officeRoutes(app: FastifyInstance, auth: Auth, announcer: Announcer): void {
  app.get('/api/conflicts', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], ['status'], 'invalid-query');
    const status = query.status ?? 'open';
    expectOneOf(status, '$query.status', ['open', 'resolved'] as const, 'invalid-query');
    const list: ConflictList = { v: PROTOCOL_VERSION, type: 'conflicts', conflicts: await listConflicts(auth.db, staff.schoolId, status) };
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, list);
  });

  app.post('/api/conflicts/resolve', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const body = bodyOf(request);
    assertResolveRequest(body);
    const result = await resolveConflicts(auth.db, staff, body, auth.now());
    await announcer.announce(staff.schoolId, { records: true, conflictsResolved: result.results.length });
    void reply.header('cache-control', 'no-store');
    return result;
  });

  app.get('/api/records/history', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', ['studentId', 'date', 'session'], [], 'invalid-query');
    expectString(query.studentId, '$query.studentId', { max: 64, pattern: STUDENT_ID_PATTERN }, 'invalid-query');
    expectString(query.date, '$query.date', { max: 10, pattern: DATE_PATTERN }, 'invalid-query');
    expectString(query.session, '$query.session', { max: 32, pattern: SESSION_PATTERN }, 'invalid-query');
    const history: RecordHistory = {
      v: PROTOCOL_VERSION,
      type: 'history',
      studentId: query.studentId,
      date: query.date,
      session: query.session,
      entries: await recordHistory(auth.db, staff.schoolId, { studentId: query.studentId, date: query.date, session: query.session }),
    };
    void reply.header('cache-control', 'no-store');
    return history;
  });

  app.get('/api/changes', async (request, reply) => {
    const principal = await auth.requireSender(request, STAFF_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', ['cursor'], [], 'invalid-query');
    expectString(query.cursor, '$query.cursor', { min: 0, max: 15, pattern: /^\d*$/ }, 'invalid-query');
    const school = await findSchool(auth.db, principal.schoolId);
    // A staff browser names its device so its own marks are not sent back; naming another only hides that one's echoes from oneself.
    const named = request.headers[DEVICE_ID_HEADER];
    const device =
      principal.kind === 'device' ? principal.deviceId : typeof named === 'string' && DEVICE_ID_PATTERN.test(named) ? named : null;
    // A pull is also a visit: the admin's list shows the device's state as of now, queue included.
    if (principal.kind === 'device') {
      await noteVisit(auth.db, principal.deviceId, deviceReport(request), auth.now());
      await announcer.announce(principal.schoolId, { deviceId: principal.deviceId });
    }
    void reply.header('cache-control', 'no-store');
    return sendJson(
      request,
      reply,
      await changePage(auth.db, school, query.cursor === '' ? null : Number(query.cursor), auth.now(), device),
    );
  });

  app.get('/api/roll', async (request, reply) => {
    const staff = await auth.requireStaff(request, STAFF_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], ['group', 'session'], 'invalid-query');
    if (query.group !== undefined) expectString(query.group, '$query.group', { max: 64 }, 'invalid-query');
    const session = query.session ?? DAY_SESSION;
    const school = await findSchool(auth.db, staff.schoolId);
    expectOneOf(session, '$query.session', sessionsOf(await schoolPeriods(auth.db, school)), 'invalid-query');
    void reply.header('cache-control', 'no-store');
    // Nothing chosen yet: a teacher's roll opens on their own first homeroom.
    const group = query.group ?? (await homeroomsOf(auth.db, staff.staffId, staff.schoolId))[0] ?? null;
    return sendJson(request, reply, await serverRoll(auth.db, school, group, session, auth.now()));
  });
}
