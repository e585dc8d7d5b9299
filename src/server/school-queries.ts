/** Reads about schools, kiosks and rosters that several routes share. */
import type { Kysely } from 'kysely';
import { DoorlineError } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import { PROTOCOL_VERSION, type KioskConfig, type Roster } from '../shared/protocol.ts';
import type { Database, School } from './db/schema.ts';

type Reader = Kysely<Database>;

export async function findKiosk(db: Reader, kioskId: string): Promise<{ school: School; kiosk: { id: string; name: string } }> {
  const row = await db
    .selectFrom('kiosks')
    .innerJoin('schools', 'schools.id', 'kiosks.school_id')
    .select([
      'kiosks.id as kiosk_id',
      'kiosks.name as kiosk_name',
      'schools.id',
      'schools.name',
      'schools.time_zone',
      'schools.bell_time',
      'schools.roster_version',
      'schools.created_at',
    ])
    .where('kiosks.id', '=', kioskId)
    .executeTakeFirst();
  if (!row) throw new DoorlineError('kiosk-not-found', { kioskId });
  const { kiosk_id, kiosk_name, ...school } = row;
  return { school, kiosk: { id: kiosk_id, name: kiosk_name } };
}

/**
 * The kiosk a browser runs as. Until pairing exists every browser that opens
 * /kiosk runs as the first school's first kiosk (the demo school's main entrance).
 */
export async function defaultKioskConfig(db: Reader): Promise<KioskConfig> {
  const kiosk = await db.selectFrom('kiosks').select('id').orderBy('created_at').orderBy('id').executeTakeFirst();
  if (!kiosk) throw new DoorlineError('kiosk-not-found', {}, 'No kiosk is set up on this server yet.');
  return kioskConfig(db, kiosk.id);
}

export async function kioskConfig(db: Reader, kioskId: string): Promise<KioskConfig> {
  const { school, kiosk } = await findKiosk(db, kioskId);
  return {
    v: PROTOCOL_VERSION,
    type: 'kiosk-config',
    school: { id: school.id, name: school.name, timeZone: school.time_zone, bellTime: school.bell_time },
    kiosk,
    rosterVersion: String(school.roster_version),
    syncLimits: { maxBodyBytes: LIMITS.maxBodyBytes, maxOps: LIMITS.maxOpsPerBatch },
  };
}

export async function roster(db: Reader, kioskId: string): Promise<Roster> {
  const { school } = await findKiosk(db, kioskId);
  const rows = await db
    .selectFrom('students')
    .select(['student_number', 'name', 'homeroom'])
    .where('school_id', '=', school.id)
    .orderBy('student_number')
    .execute();
  return {
    v: PROTOCOL_VERSION,
    type: 'roster',
    version: String(school.roster_version),
    studentIds: rows.map((r) => r.student_number),
    names: rows.map((r) => r.name),
    homerooms: rows.map((r) => r.homeroom),
  };
}
