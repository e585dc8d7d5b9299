/**
 * The demo school a fresh install starts with: a name, a time zone, a bell,
 * about 600 students in homerooms, and one kiosk at the main entrance. The
 * roster is generated from a fixed seed, so every install gets the same one.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './db/open-database.ts';
import type { NewStudent } from './db/schema.ts';
import { mulberry32 } from '../shared/seeded-random.ts';

export const DEMO_SCHOOL = {
  name: 'Riverside Community School',
  timeZone: 'Europe/London',
  bellTime: '08:00',
  kioskName: 'Main entrance',
  studentCount: 600,
  /** Student IDs run from here upwards; the first belongs to Ada Lovelace. */
  firstStudentNumber: 100001,
} as const;

const FIRST_NAMES = [
  'Amara', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Grace', 'Hamza', 'Isla', 'Jonah', 'Kemi', 'Leo',
  'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yusuf',
  'Zara', 'Aoife', 'Bilal', 'Carmen', 'Dmitri', 'Esme', 'Femi', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena',
];
const LAST_NAMES = [
  'Adeyemi', 'Brennan', 'Chen', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ibrahim', 'Jones',
  'Kowalski', 'Li', 'Murphy', 'Nakamura', 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Singh', 'Taylor',
  'Usman', 'Virtanen', 'Walsh', 'Xu', 'Yilmaz', 'Zielinski', 'Ahmed', 'Byrne', 'Costa', 'Novak',
];
const HOMEROOMS = ['7A', '7B', '8A', '8B', '9A', '9B', '10A', '10B', '11A', '11B', '12A', '12B'];

export function demoRoster(schoolId: string, now: number): NewStudent[] {
  const random = mulberry32(20260901);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: DEMO_SCHOOL.studentCount }, (_, i) => ({
    id: randomUUID(),
    school_id: schoolId,
    student_number: String(DEMO_SCHOOL.firstStudentNumber + i),
    name: i === 0 ? 'Ada Lovelace' : `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
    homeroom: HOMEROOMS[i % HOMEROOMS.length] as string,
    created_at: now,
  }));
}

export interface SeedResult {
  created: boolean;
  schoolName: string;
  kioskName: string;
  studentCount: number;
}

/** Creates the demo school when the database has no school yet; otherwise leaves everything as it is. */
export async function ensureDemoSchool(db: Db, now = Date.now()): Promise<SeedResult> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('schools').select(['id', 'name']).orderBy('created_at').executeTakeFirst();
    if (existing) {
      const { count } = await trx
        .selectFrom('students')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('school_id', '=', existing.id)
        .executeTakeFirstOrThrow();
      const kiosk = await trx.selectFrom('kiosks').select('name').where('school_id', '=', existing.id).executeTakeFirst();
      return { created: false, schoolName: existing.name, kioskName: kiosk?.name ?? '', studentCount: Number(count) };
    }
    const schoolId = randomUUID();
    await trx
      .insertInto('schools')
      .values({ id: schoolId, name: DEMO_SCHOOL.name, time_zone: DEMO_SCHOOL.timeZone, bell_time: DEMO_SCHOOL.bellTime, roster_version: 1, created_at: now })
      .execute();
    const students = demoRoster(schoolId, now);
    for (let i = 0; i < students.length; i += 200) {
      await trx.insertInto('students').values(students.slice(i, i + 200)).execute();
    }
    await trx.insertInto('kiosks').values({ id: randomUUID(), school_id: schoolId, name: DEMO_SCHOOL.kioskName, created_at: now }).execute();
    return { created: true, schoolName: DEMO_SCHOOL.name, kioskName: DEMO_SCHOOL.kioskName, studentCount: students.length };
  });
}
