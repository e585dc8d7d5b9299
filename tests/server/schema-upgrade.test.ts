import { Migrator, sql, type MigrationProvider } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { SESSION_COOKIE } from '../../src/server/auth/principal.ts';
import { newSecret, sha256 } from '../../src/server/auth/secrets.ts';
import { MIGRATIONS } from '../../src/server/db/migrations.ts';
import { databaseKind, migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { createTestDatabase, dropTestDatabase } from '../support/postgres-admin.ts';
import { DEMO_ACCOUNTS, DEMO_SCHOOL, demoRoster, ensureDemoAccounts } from '../../src/server/demo-school.ts';
import { insertInSlices } from '../../src/server/db/in-slices.ts';
import { createPairingCode } from '../../src/server/pairing.ts';
import { databases, postgresForThisFile, type TestDatabase } from '../support/databases.ts';
import { databaseFingerprint, tableColumns } from '../support/fingerprint.ts';

/** The last migration of the release before keys led with the day. */
const RELEASED = '0007-failed-attempts';
const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
const ORIGIN = 'http://localhost:80';
const MONDAY = Date.parse('2026-11-23T07:50:00Z');
const DAY_MS = 86_400_000;

let db: Db | null = null;
let close: (() => Promise<void>) | null = null;

/**
 * Today's code cannot run on the released schema, so a week of a school's life is written through today's app on
 * a database of its own, and then copied into a database at the released schema with only the tables and columns
 * the release had: the database the release would have left, give or take what it never stored.
 */
async function lifeDatabase(kind: TestDatabase): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const life = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrate(life);
    return { db: life, drop: () => life.destroy() };
  }
  const { name, url } = await createTestDatabase();
  const life = openDatabase({ kind: 'postgres', url, shown: url, pool: 3 });
  await migrate(life);
  return {
    db: life,
    drop: async () => {
      await life.destroy();
      await dropTestDatabase(name);
    },
  };
}

async function releasedDatabase(kind: TestDatabase): Promise<Db> {
  const released =
    kind === 'sqlite'
      ? openDatabase({ kind: 'sqlite', file: ':memory:' })
      : openDatabase({ kind: 'postgres', url: (await postgresForThisFile()).url, shown: 'test', pool: 3 });
  const { error } = await new Migrator({ db: released, provider }).migrateTo(RELEASED);
  expect(error).toBeUndefined();
  return released;
}

/** Parents before children, so every reference holds as each table is copied. */
const COPY_ORDER = [
  'schools',
  'students',
  'kiosks',
  'staff',
  'staff_schools',
  'staff_sessions',
  'devices',
  'pairing_codes',
  'ops',
  'attendance',
  'notes',
  'conflicts',
  'audit_log',
  'changes',
  'failed_attempts',
  'known_sign_in_addresses',
];

async function tablesOf(database: Db): Promise<string[]> {
  const query =
    databaseKind(database) === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`
      : sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'`;
  return (await query.execute(database)).rows.map((r) => r.name);
}

/** Every row of `from` that the released schema of `to` can hold, with only the columns it has. */
async function copyIntoReleased(from: Db, to: Db): Promise<void> {
  const columns = await tableColumns(to, await tablesOf(to));
  const unknown = Object.keys(columns).filter((table) => !COPY_ORDER.includes(table));
  expect(unknown).toEqual([]);
  for (const table of COPY_ORDER) {
    const kept = columns[table];
    if (!kept) continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(from);
    if (rows.length === 0) continue;
    const projected = rows.map((row) => Object.fromEntries(kept.map((column) => [column, row[column] ?? null])));
    await insertInSlices(to, table as 'schools', projected as never[]);
  }
  if (databaseKind(to) === 'postgres') {
    // Rows copied with their numbers: the identity sequences go on from the highest.
    await sql`select setval(pg_get_serial_sequence('audit_log', 'id'), coalesce((select max(id) from audit_log), 1))`.execute(to);
    await sql`select setval(pg_get_serial_sequence('changes', 'seq'), coalesce((select max(seq) from changes), 1))`.execute(to);
  }
}

/** The demo school as the released version seeded it: only the columns and tables it had. */
async function releasedDemoSchool(database: Db): Promise<void> {
  const schoolId = 'released-school';
  await database
    .insertInto('schools')
    .values({
      id: schoolId,
      name: DEMO_SCHOOL.name,
      time_zone: DEMO_SCHOOL.timeZone,
      bell_time: DEMO_SCHOOL.bellTime,
      roster_version: 1,
      created_at: MONDAY,
    })
    .execute();
  await insertInSlices(database, 'students', demoRoster(schoolId, MONDAY));
  await database
    .insertInto('kiosks')
    .values({ id: 'released-kiosk', school_id: schoolId, name: DEMO_SCHOOL.kioskName, created_at: MONDAY })
    .execute();
}

async function appOn(database: Db) {
  const app = await buildApp({ db: database, now: () => MONDAY + 5 * DAY_MS });
  // Sessions written as the released version wrote them: sign-in itself may need tables the released schema lacks.
  const signIn = async (role: 'teacher' | 'office') => {
    const account = DEMO_ACCOUNTS.find((a) => a.role === role);
    const staff = await database
      .selectFrom('staff')
      .select('id')
      .where('email', '=', account?.email ?? '')
      .executeTakeFirstOrThrow();
    const school = await database
      .selectFrom('staff_schools')
      .select('school_id')
      .where('staff_id', '=', staff.id)
      .executeTakeFirstOrThrow();
    const cookie = newSecret('dls');
    await database
      .insertInto('staff_sessions')
      .values({
        id_hash: sha256(cookie),
        staff_id: staff.id,
        school_id: school.school_id,
        created_at: MONDAY,
        expires_at: MONDAY + 30 * DAY_MS,
      })
      .execute();
    return { cookie: `${SESSION_COOKIE}=${cookie}`, origin: ORIGIN };
  };
  return { app, teacher: await signIn('teacher'), office: await signIn('office') };
}

describe.each(databases())('on %s', (kind) => {
  afterEach(async () => {
    await close?.();
    close = null;
    db = null;
  });

  it('keeps every row of a released database through the new keys, and the app works on them', async () => {
    const life = await lifeDatabase(kind);
    db = life.db;
    await releasedDemoSchool(db);
    await ensureDemoAccounts(db, MONDAY);
    let { app, teacher, office } = await appOn(db);
    close = async () => {
      await app.close();
      await life.drop();
    };
    const kiosk = await db.selectFrom('kiosks').select(['id', 'school_id']).executeTakeFirstOrThrow();
    const { code } = await createPairingCode(db, {
      schoolId: kiosk.school_id,
      kioskId: kiosk.id,
      createdBy: 'test',
      now: MONDAY + 5 * DAY_MS,
    });
    const paired = await app.inject({
      method: 'POST',
      url: '/api/pair',
      payload: { v: 1, code, deviceId: 'upgrade-test-kiosk-device-0000000001', appVersion: '0.2.0' },
    });
    expect(paired.statusCode).toBe(200);
    const token = (paired.json() as { token: string }).token;
    const students = Array.from({ length: 40 }, (_, i) => String(100001 + i));
    let kioskSeq = 0;
    let staffSeq = 0;
    const sync = (headers: Record<string, string>, deviceId: string, ops: Record<string, unknown>[], seq: () => number) =>
      app.inject({
        method: 'POST',
        url: '/api/sync',
        headers,
        payload: {
          v: 1,
          type: 'sync',
          deviceId,
          kioskId: deviceId.startsWith('upgrade') ? kiosk.id : 'staff-browser',
          ops: ops.map((op) => ({ seq: seq(), ...op })),
        },
      });
    const asKiosk = { authorization: `Bearer ${token}` };
    for (let day = 0; day < 5; day++) {
      const at = MONDAY + day * DAY_MS;
      const scans = students
        .slice(0, 30)
        .map((studentId, i) => ({ kind: 'check-in', studentId, at: at + i * 1000, session: 'day', base: 0 }));
      const notes = [{ kind: 'note', studentId: '100002', text: `Day ${day}: forgot a card`, at, session: 'day', base: 0 }];
      expect((await sync(asKiosk, 'upgrade-test-kiosk-device-0000000001', [...scans, ...notes], () => ++kioskSeq)).statusCode).toBe(200);
      // The teacher and the office mark the same absent student differently, neither having seen the other: a conflict.
      const roll = students
        .slice(30)
        .map((studentId) => ({ kind: 'status', studentId, status: 'absent', at: at + 3_600_000, session: 'day', base: 0 }));
      expect((await sync(teacher, 'teacher-tablet-01', roll, () => ++staffSeq)).statusCode).toBe(200);
      const late = [{ kind: 'status', studentId: '100035', status: 'late', at: at + 3_700_000, session: 'day', base: 0 }];
      const answer = await sync(office, 'office-desk-0001', late, () => ++staffSeq);
      expect(answer.json().receipts[0]).toMatchObject({ status: 'conflict' });
    }
    const conflicts = (await app.inject({ url: '/api/conflicts', headers: office })).json().conflicts as { id: string; date: string }[];
    expect(conflicts).toHaveLength(5);
    const resolved = await app.inject({
      method: 'POST',
      url: '/api/conflicts/resolve',
      headers: office,
      payload: {
        v: 1,
        resolutions: [
          { conflictId: conflicts.find((c) => c.date === '2026-11-23')?.id, choices: { status: { take: 'local' } }, note: 'Came in late.' },
        ],
      },
    });
    expect(resolved.statusCode).toBe(200);

    // Columns added since the release are left out of the comparison; every row and every value it held must stay.
    await app.close();
    const upgraded = await releasedDatabase(kind);
    await copyIntoReleased(db, upgraded);
    await life.drop();
    db = upgraded;
    close = async () => {
      await app.close();
      await upgraded.destroy();
    };
    const released = await tableColumns(db);
    const before = await databaseFingerprint(db, { columns: released });
    expect(before.attendance?.rows).toBe(5 * 40);
    expect(before.notes?.rows).toBe(5);
    // A device that pulled the feed before the upgrade holds the release's newest number as its cursor.
    const held = await db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('school_id', '=', 'released-school')
      .executeTakeFirstOrThrow();
    const heldCursor = Number(held.seq);
    expect(heldCursor).toBeGreaterThan(0);
    await migrate(db);
    expect(await databaseFingerprint(db, { columns: released })).toEqual(before);
    const homerooms = await db.selectFrom('homerooms').select('name').orderBy('name').execute();
    expect(homerooms).toHaveLength(12);
    // The fixed periods every school kept before set-up stay its timetable, so its period registers stay on the roll.
    const periods = await db
      .selectFrom('school_periods')
      .select('name')
      .where('school_id', '=', 'released-school')
      .orderBy('position')
      .execute();
    expect(periods.map((p) => p.name)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);

    ({ app, teacher, office } = await appOn(db));
    // A replay is still answered from the kept ops, a record from the kept history merges, and the roll reads the kept records.
    kioskSeq = 0;
    const replay = await sync(
      asKiosk,
      'upgrade-test-kiosk-device-0000000001',
      [{ kind: 'check-in', studentId: students[0], at: MONDAY, session: 'day', base: 0 }],
      () => ++kioskSeq,
    );
    expect(replay.json().receipts[0]).toMatchObject({ status: 'duplicate', original: { status: 'applied' } });
    const absentWithoutScan = await sync(
      teacher,
      'teacher-tablet-02',
      [{ kind: 'status', studentId: '100001', status: 'absent', at: MONDAY + 3_600_000, session: 'day', base: 0 }],
      () => ++staffSeq,
    );
    expect(absentWithoutScan.json().receipts[0]).toMatchObject({ status: 'merged' });
    const history = (
      await app.inject({ url: '/api/records/history?studentId=100035&date=2026-11-23&session=day', headers: office })
    ).json();
    expect(history.entries.map((e: { action: string }) => e.action)).toEqual(['mark', 'conflict', 'resolve']);
    const roll = (await app.inject({ url: '/api/roll?session=P3', headers: teacher })).json();
    expect(roll.sessions).toEqual(['day', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
    const left = (await app.inject({ url: '/api/conflicts', headers: office })).json().conflicts;
    expect(left).toHaveLength(4);
    // That cursor still pulls exactly what came after it, numbered on from there.
    const leaving = await sync(
      asKiosk,
      'upgrade-test-kiosk-device-0000000001',
      [{ kind: 'check-out', studentId: '100003', at: MONDAY + 4 * DAY_MS + 3_600_000, session: 'day', base: 0 }],
      () => 1000 + ++kioskSeq,
    );
    expect(leaving.json().receipts[0]).toMatchObject({ status: 'applied' });
    const after = (await app.inject({ url: `/api/changes?cursor=${heldCursor}`, headers: office })).json();
    expect(after.changes).toContainEqual(
      expect.objectContaining({ kind: 'record', studentId: '100003', checkOutAt: MONDAY + 4 * DAY_MS + 3_600_000 }),
    );
    expect(Number(after.cursor) - heldCursor).toBe(after.changes.length);
    expect(await databaseFingerprint(db, { columns: released })).not.toEqual(before);
  });
});
