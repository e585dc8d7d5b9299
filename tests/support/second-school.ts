/** A second school beside the demo school, with its own people, kiosk and data, for the tenancy and fuzz suites. */
import { randomUUID } from 'node:crypto';
import { createStaff } from '../../src/server/auth/accounts.ts';
import type { Db } from '../../src/server/db/open-database.ts';
import { createPairingCode } from '../../src/server/pairing.ts';
import { insertHillside } from './hillside.ts';
import { ORIGIN, type TestApp } from './test-app.ts';

export interface OtherSchool {
  schoolId: string;
  kioskId: string;
  deviceId: string;
  token: string;
  /** Cookie and Origin headers for each role of this school. */
  as: Record<'teacher' | 'office' | 'admin', Record<string, string>>;
}

const PASSWORD = 'hillside-password';

export async function addSecondSchool(t: TestApp): Promise<OtherSchool> {
  const db: Db = t.db;
  const schoolId = randomUUID();
  const kioskId = randomUUID();
  const now = t.clock.now;
  await insertHillside(db, { schoolId, kioskId, now, timeZone: 'America/New_York' });
  const as = {} as OtherSchool['as'];
  for (const role of ['teacher', 'office', 'admin'] as const) {
    await createStaff(db, { email: `${role}@hillside.example`, name: `Hillside ${role}`, role, password: PASSWORD, schoolIds: [schoolId] });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN },
      payload: { v: 1, email: `${role}@hillside.example`, password: PASSWORD },
    });
    as[role] = { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', origin: ORIGIN };
  }
  const deviceId = 'hillside-gate-device-01';
  const { code } = await createPairingCode(db, { schoolId, kioskId, createdBy: 'test', now });
  const paired = await t.app.inject({ method: 'POST', url: '/api/pair', payload: { v: 1, code, deviceId, appVersion: '0.2.0' } });
  return { schoolId, kioskId, deviceId, token: (paired.json() as { token: string }).token, as };
}
