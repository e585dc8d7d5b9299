/** Staff accounts (admin): list, create, change, deactivate and reactivate, reset a password, each in the admin log. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { expectRecord, expectString } from '../../shared/guard.ts';
import {
  assertNewStaff,
  assertStaffChange,
  type OneTimePasswordAnswer,
  type StaffAnswer,
  type StaffList,
} from '../../shared/people-protocol.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { ADMIN_ROLES, type Auth, type StaffPrincipal } from '../auth/principal.ts';
import { changeStaffAccount, createStaffAccount, listStaff, resetStaffPassword, setStaffActive } from '../auth/staff-admin.ts';
import type { AdminActor } from '../admin-log.ts';
import { bodyOf } from '../request-body.ts';
import { schoolHomerooms } from '../students.ts';

const STAFF_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

function actorOf(staff: StaffPrincipal): AdminActor {
  return { staffId: staff.staffId, name: staff.name, schoolId: staff.schoolId };
}

function staffIdParam(request: FastifyRequest): string {
  const params: unknown = request.params;
  expectRecord(params, '$params', ['staffId'], [], 'invalid-query');
  expectString(params.staffId, '$params.staffId', { max: 64, pattern: STAFF_ID_PATTERN }, 'invalid-query');
  return params.staffId;
}

export function staffRoutes(app: FastifyInstance, auth: Auth): void {
  const { db } = auth;

  app.get('/api/staff', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const list: StaffList = {
      v: PROTOCOL_VERSION,
      type: 'staff',
      staff: await listStaff(db, admin.schoolId),
      homerooms: await schoolHomerooms(db, admin.schoolId),
    };
    void reply.header('cache-control', 'no-store');
    return list;
  });

  app.post('/api/staff', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const body = bodyOf(request);
    assertNewStaff(body);
    const made = await createStaffAccount(db, actorOf(admin), body, auth.now());
    const answer: OneTimePasswordAnswer = { v: PROTOCOL_VERSION, type: 'one-time-password', ...made };
    void reply.status(201).header('cache-control', 'no-store');
    return answer;
  });

  app.post('/api/staff/:staffId', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const staffId = staffIdParam(request);
    const body = bodyOf(request);
    assertStaffChange(body);
    const answer: StaffAnswer = {
      v: PROTOCOL_VERSION,
      type: 'staff-member',
      staff: await changeStaffAccount(db, actorOf(admin), staffId, body, auth.now()),
    };
    void reply.header('cache-control', 'no-store');
    return answer;
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/api/staff/:staffId/${action}`, async (request, reply) => {
      const admin = await auth.requireStaff(request, ADMIN_ROLES);
      const staffId = staffIdParam(request);
      const answer: StaffAnswer = {
        v: PROTOCOL_VERSION,
        type: 'staff-member',
        staff: await setStaffActive(db, actorOf(admin), staffId, active, auth.now()),
      };
      void reply.header('cache-control', 'no-store');
      return answer;
    });
  }

  app.post('/api/staff/:staffId/password-reset', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const staffId = staffIdParam(request);
    const answer: OneTimePasswordAnswer = {
      v: PROTOCOL_VERSION,
      type: 'one-time-password',
      ...(await resetStaffPassword(db, actorOf(admin), staffId, auth.now())),
    };
    void reply.header('cache-control', 'no-store');
    return answer;
  });
}
