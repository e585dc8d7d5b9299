/** The second school's rows, shared by the tenancy suites (second-school.ts) and the stall bench, which writes them beside a running server. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/server/db/open-database.ts';

/** Hillside Academy's school row, twenty students in homeroom H1 and its gate kiosk, written straight into `db`. */
export async function insertHillside(db: Db, school: { schoolId: string; kioskId: string; now: number; timeZone: string }): Promise<void> {
  const { schoolId, kioskId, now, timeZone } = school;
  await db
    .insertInto('schools')
    .values({ id: schoolId, name: 'Hillside Academy', time_zone: timeZone, bell_time: '08:30', roster_version: 1, created_at: now + 1 })
    .execute();
  await db
    .insertInto('students')
    .values(
      Array.from({ length: 20 }, (_, i) => ({
        id: randomUUID(),
        school_id: schoolId,
        student_number: String(200001 + i),
        name: `Hillside Student ${i + 1}`,
        homeroom: 'H1',
        created_at: now,
      })),
    )
    .execute();
  await db.insertInto('kiosks').values({ id: kioskId, school_id: schoolId, name: 'Hillside gate', created_at: now }).execute();
}
