/** Staff sign-in, the current session and the school it acts for, sign-out and password changes. */
import type { FastifyInstance } from 'fastify';
import { assertPasswordChange, assertSignInInput, STAFF_ROLES, type SessionInfo } from '../../shared/account-protocol.ts';
import { DoorlineError } from '../../shared/error-codes.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import type { SignIn } from '../auth/accounts.ts';
import { sessionCookie, type AccountPrincipal, type Auth } from '../auth/principal.ts';
import { assertSchoolSwitch } from '../../shared/school-settings.ts';
import { schoolInfo, staffSchools } from '../school-queries.ts';
import { homeroomsOf } from '../auth/staff-admin.ts';
import { bodyOf } from '../request-body.ts';

export function sessionRoutes(app: FastifyInstance, auth: Auth, accounts: SignIn): void {
  const describe = async (principal: AccountPrincipal): Promise<SessionInfo> => ({
    v: PROTOCOL_VERSION,
    type: 'session',
    staff: { id: principal.staffId, name: principal.name, email: principal.email, role: principal.role },
    school: principal.schoolId === null ? null : await schoolInfo(auth.db, principal.schoolId),
    schools: await staffSchools(auth.db, principal.staffId),
    mustChangePassword: principal.mustChangePassword,
    expiresAt: principal.expiresAt,
    homerooms: principal.schoolId === null ? [] : await homeroomsOf(auth.db, principal.staffId, principal.schoolId),
  });

  app.post('/api/session', async (request, reply) => {
    const body = bodyOf(request);
    assertSignInInput(body);
    try {
      const { cookie, expiresAt } = await accounts.signIn(body, request.ip);
      void reply.header('set-cookie', sessionCookie(cookie, request, Math.floor((expiresAt - auth.now()) / 1000)));
      const { principal } = await auth.session(cookie);
      if (!principal) throw new DoorlineError('not-signed-in');
      void reply.header('cache-control', 'no-store');
      return await describe(principal);
    } catch (error) {
      if (error instanceof DoorlineError && error.code === 'too-many-attempts') {
        void reply.header('retry-after', String(error.details?.retryAfterSeconds ?? 900));
      }
      throw error;
    }
  });

  app.get('/api/session', async (request, reply) => {
    const principal = await auth.requireAccount(request, STAFF_ROLES, { allowPasswordChange: true });
    void reply.header('cache-control', 'no-store');
    return describe(principal);
  });

  app.delete('/api/session', async (request, reply) => {
    const principal = await auth.principal(request);
    if (principal?.kind === 'staff') await accounts.signOut(principal.sessionHash);
    void reply.header('set-cookie', sessionCookie('', request, 0)).status(204);
    return reply.send();
  });

  app.post('/api/account/password', async (request, reply) => {
    const principal = await auth.requireAccount(request, STAFF_ROLES, { allowPasswordChange: true });
    const body = bodyOf(request);
    assertPasswordChange(body);
    await accounts.changePassword(principal.staffId, principal.sessionHash, body.currentPassword, body.newPassword);
    return reply.status(204).send();
  });

  // Acting for another of one's schools: the same session, from its next request on.
  app.post('/api/session/school', async (request, reply) => {
    const principal = await auth.requireAccount(request, STAFF_ROLES);
    const body = bodyOf(request);
    assertSchoolSwitch(body);
    const mine = await staffSchools(auth.db, principal.staffId);
    if (!mine.some((school) => school.id === body.schoolId)) throw new DoorlineError('school-not-found', { schoolId: body.schoolId });
    await accounts.actFor(principal.sessionHash, body.schoolId);
    void reply.header('cache-control', 'no-store');
    return describe({ ...principal, schoolId: body.schoolId });
  });
}
