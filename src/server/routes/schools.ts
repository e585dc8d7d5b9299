/**
 * Setting up schools: an admin creates one (the first admin of an empty
 * server before anything else), lists theirs, and reads and changes the
 * settings of the one their session acts for.
 */
import type { FastifyInstance } from 'fastify';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { assertRetentionInput } from '../../shared/retention.ts';
import { assertSchoolSettingsInput, type SchoolList } from '../../shared/school-settings.ts';
import { ADMIN_ROLES, type Auth } from '../auth/principal.ts';
import type { Announcer } from '../events/announce.ts';
import { bodyOf } from '../request-body.ts';
import { staffSchools } from '../school-queries.ts';
import { changeRetention, readRetention } from '../retention.ts';
import { changeSettings, createSchool, readSettings } from '../school-settings.ts';

export function schoolRoutes(app: FastifyInstance, auth: Auth, announcer: Announcer): void {
  app.get('/api/schools', async (request, reply) => {
    const admin = await auth.requireAccount(request, ADMIN_ROLES);
    const list: SchoolList = {
      v: PROTOCOL_VERSION,
      type: 'schools',
      current: admin.schoolId,
      schools: await staffSchools(auth.db, admin.staffId),
    };
    void reply.header('cache-control', 'no-store');
    return list;
  });

  // An admin with no school yet may reach this and nothing else; the new school is the one their session acts for after.
  app.post('/api/schools', async (request, reply) => {
    const admin = await auth.requireAccount(request, ADMIN_ROLES);
    const body = bodyOf(request);
    assertSchoolSettingsInput(body);
    const view = await createSchool(auth.db, admin, body, auth.now());
    void reply.header('cache-control', 'no-store').status(201);
    return view;
  });

  app.get('/api/school/settings', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    void reply.header('cache-control', 'no-store');
    return readSettings(auth.db, admin.schoolId);
  });

  app.post('/api/school/settings', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const body = bodyOf(request);
    assertSchoolSettingsInput(body);
    const { view, changed } = await changeSettings(auth.db, admin, body, auth.now());
    if (changed) await announcer.announce(admin.schoolId, { settings: true });
    void reply.header('cache-control', 'no-store');
    return view;
  });

  app.get('/api/school/retention', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    void reply.header('cache-control', 'no-store');
    return readRetention(auth.db, admin.schoolId, auth.now());
  });

  app.post('/api/school/retention', async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const body = bodyOf(request);
    assertRetentionInput(body);
    void reply.header('cache-control', 'no-store');
    return changeRetention(auth.db, admin, body, auth.now());
  });
}
