/** Students by hand (office and admin): search, add, change, mark as left and bring back, each in the admin log. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { expectOneOf, expectRecord, expectString } from '../../shared/guard.ts';
import {
  assertNewStudent,
  assertStudentChange,
  expectStudentId,
  type StudentAnswer,
  type StudentList,
} from '../../shared/people-protocol.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { OFFICE_ROLES, type Auth, type StaffPrincipal } from '../auth/principal.ts';
import type { AdminActor } from '../admin-log.ts';
import type { Announcer } from '../events/announce.ts';
import { bodyOf } from '../request-body.ts';
import { addStudent, changeStudent, findStudents, schoolHomerooms, setStudentLeft } from '../students.ts';

function actorOf(staff: StaffPrincipal): AdminActor {
  return { staffId: staff.staffId, name: staff.name, schoolId: staff.schoolId };
}

function studentIdParam(request: FastifyRequest): string {
  const params: unknown = request.params;
  expectRecord(params, '$params', ['studentId'], [], 'invalid-query');
  expectStudentId(params.studentId, '$params.studentId', 'invalid-query');
  return params.studentId;
}

export function studentRoutes(app: FastifyInstance, auth: Auth, announcer: Announcer): void {
  const { db } = auth;

  app.get('/api/students', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], ['q', 'include'], 'invalid-query');
    const q = query.q ?? '';
    expectString(q, '$query.q', { min: 0, max: 100 }, 'invalid-query');
    if (query.include !== undefined) expectOneOf(query.include, '$query.include', ['left'], 'invalid-query');
    const found = await findStudents(db, staff.schoolId, q.trim(), query.include === 'left');
    const list: StudentList = { v: PROTOCOL_VERSION, type: 'students', ...found, homerooms: await schoolHomerooms(db, staff.schoolId) };
    void reply.header('cache-control', 'no-store');
    return list;
  });

  app.post('/api/students', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const body = bodyOf(request);
    assertNewStudent(body);
    const student = await addStudent(db, actorOf(staff), body, auth.now());
    await announcer.announce(staff.schoolId, { roster: true });
    void reply.status(201).header('cache-control', 'no-store');
    const answer: StudentAnswer = { v: PROTOCOL_VERSION, type: 'student', student };
    return answer;
  });

  app.post('/api/students/:studentId', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const studentId = studentIdParam(request);
    const body = bodyOf(request);
    assertStudentChange(body);
    const student = await changeStudent(db, actorOf(staff), studentId, body, auth.now());
    await announcer.announce(staff.schoolId, { roster: true });
    void reply.header('cache-control', 'no-store');
    const answer: StudentAnswer = { v: PROTOCOL_VERSION, type: 'student', student };
    return answer;
  });

  for (const [action, left] of [
    ['leave', true],
    ['return', false],
  ] as const) {
    app.post(`/api/students/:studentId/${action}`, async (request, reply) => {
      const staff = await auth.requireStaff(request, OFFICE_ROLES);
      const studentId = studentIdParam(request);
      const student = await setStudentLeft(db, actorOf(staff), studentId, left, auth.now());
      await announcer.announce(staff.schoolId, { roster: true });
      void reply.header('cache-control', 'no-store');
      const answer: StudentAnswer = { v: PROTOCOL_VERSION, type: 'student', student };
      return answer;
    });
  }
}
