/**
 * The demo school a fresh install starts with: a name, a time zone, a bell,
 * six periods and weekends off, about 600 students in homerooms, and one kiosk at the main entrance. The
 * roster is generated from a fixed seed, so every install gets the same one.
 */
import { randomUUID } from 'node:crypto';
import { createStaff } from './auth/accounts.ts';
import { hashPassword, oneTimePassword } from './auth/password.ts';
import { createPairingCode } from './pairing.ts';
import { insertInSlices } from './db/in-slices.ts';
import type { Db } from './db/open-database.ts';
import type { NewStudent } from './db/schema.ts';
import { mulberry32 } from '../shared/seeded-random.ts';

export const DEMO_SCHOOL = {
  name: 'Riverside Community School',
  timeZone: 'Europe/London',
  bellTime: '08:00',
  dayStart: '07:30',
  /** Six lessons, morning break after the second and lunch after the fourth. */
  periods: [
    { name: 'P1', startsAt: '08:10', endsAt: '09:00' },
    { name: 'P2', startsAt: '09:05', endsAt: '09:55' },
    { name: 'P3', startsAt: '10:15', endsAt: '11:05' },
    { name: 'P4', startsAt: '11:10', endsAt: '12:00' },
    { name: 'P5', startsAt: '13:00', endsAt: '13:50' },
    { name: 'P6', startsAt: '13:55', endsAt: '14:45' },
  ],
  /** Saturday and Sunday. */
  weekdaysOff: [6, 7],
  kioskName: 'Main entrance',
  studentCount: 600,
  /** Student IDs run from here upwards; the first belongs to Ada Lovelace. */
  firstStudentNumber: 100001,
} as const;

const FIRST_NAMES = [
  'Amara',
  'Ben',
  'Chloe',
  'Dev',
  'Elif',
  'Finn',
  'Grace',
  'Hamza',
  'Isla',
  'Jonah',
  'Kemi',
  'Leo',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Yusuf',
  'Zara',
  'Aoife',
  'Bilal',
  'Carmen',
  'Dmitri',
  'Esme',
  'Femi',
  'Hana',
  'Ivan',
  'Jia',
  'Kofi',
  'Lena',
];
const LAST_NAMES = [
  'Adeyemi',
  'Brennan',
  'Chen',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ibrahim',
  'Jones',
  'Kowalski',
  'Li',
  'Murphy',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quinn',
  'Rossi',
  'Singh',
  'Taylor',
  'Usman',
  'Virtanen',
  'Walsh',
  'Xu',
  'Yilmaz',
  'Zielinski',
  'Ahmed',
  'Byrne',
  'Costa',
  'Novak',
];
const HOMEROOMS = ['7A', '7B', '8A', '8B', '9A', '9B', '10A', '10B', '11A', '11B', '12A', '12B'];

/** The demo's students, the same on every install. */
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
      .values({
        id: schoolId,
        name: DEMO_SCHOOL.name,
        time_zone: DEMO_SCHOOL.timeZone,
        bell_time: DEMO_SCHOOL.bellTime,
        day_start: DEMO_SCHOOL.dayStart,
        weekdays_off: DEMO_SCHOOL.weekdaysOff.join(','),
        roster_version: 1,
        created_at: now,
      })
      .execute();
    await trx
      .insertInto('school_periods')
      .values(
        DEMO_SCHOOL.periods.map((p, position) => ({
          school_id: schoolId,
          name: p.name,
          starts_at: p.startsAt,
          ends_at: p.endsAt,
          position,
        })),
      )
      .execute();
    const students = demoRoster(schoolId, now);
    await insertInSlices(trx, 'students', students);
    await insertInSlices(
      trx,
      'homerooms',
      HOMEROOMS.map((name) => ({ school_id: schoolId, name, created_at: now })),
    );
    await trx
      .insertInto('kiosks')
      .values({ id: randomUUID(), school_id: schoolId, name: DEMO_SCHOOL.kioskName, created_at: now })
      .execute();
    return { created: true, schoolName: DEMO_SCHOOL.name, kioskName: DEMO_SCHOOL.kioskName, studentCount: students.length };
  });
}

/** The demo school's people. Their passwords are made at the first start and printed once (main.ts). */
export const DEMO_ACCOUNTS = [
  { email: 'teacher@riverside.example', name: 'Grace Hopper', role: 'teacher' },
  { email: 'office@riverside.example', name: 'Katherine Johnson', role: 'office' },
  { email: 'admin@riverside.example', name: 'Alan Turing', role: 'admin' },
] as const;

export type DemoRole = (typeof DEMO_ACCOUNTS)[number]['role'];

/** A demo account made just now, with the password it was given: to be shown once. */
export interface NewDemoAccount {
  email: string;
  role: DemoRole;
  password: string;
}

/** Passwords given by the caller repeat (tests seed hundreds of databases with the same ones): one hash of each serves them all. */
const givenHashes = new Map<string, Promise<string>>();

/**
 * Adds any missing demo account to the demo school, with the password
 * `passwords` gives its role or else a generated one (a demo reachable from
 * the school's network must not open to a password printed in a README).
 */
export async function ensureDemoAccounts(
  db: Db,
  now = Date.now(),
  passwords: Partial<Record<DemoRole, string>> = {},
): Promise<NewDemoAccount[]> {
  const school = await db.selectFrom('schools').select('id').where('name', '=', DEMO_SCHOOL.name).orderBy('created_at').executeTakeFirst();
  if (!school) return [];
  const made: NewDemoAccount[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const exists = await db.selectFrom('staff').select('id').where('email', '=', account.email).executeTakeFirst();
    if (exists) continue;
    const given = passwords[account.role];
    const password = given ?? oneTimePassword();
    let passwordHash: Promise<string>;
    if (given === undefined) passwordHash = hashPassword(password);
    else {
      passwordHash = givenHashes.get(given) ?? hashPassword(given);
      givenHashes.set(given, passwordHash);
    }
    await createStaff(db, { ...account, password, schoolIds: [school.id], passwordHash: await passwordHash }, now);
    made.push({ email: account.email, role: account.role, password });
  }
  return made;
}

/** A fresh pairing code for the demo school's kiosk, printed at start-up: it lasts as long as any other (pairing.ts). */
export async function demoPairingCode(db: Db, now = Date.now()): Promise<{ code: string; kioskName: string } | null> {
  const kiosk = await db
    .selectFrom('kiosks')
    .innerJoin('schools', 'schools.id', 'kiosks.school_id')
    .select(['kiosks.id', 'kiosks.name', 'kiosks.school_id'])
    .where('schools.name', '=', DEMO_SCHOOL.name)
    .orderBy('kiosks.created_at')
    .executeTakeFirst();
  if (!kiosk) return null;
  const { code } = await createPairingCode(db, {
    schoolId: kiosk.school_id,
    kioskId: kiosk.id,
    createdBy: 'start-up',
    now,
  });
  return { code, kioskName: kiosk.name };
}
