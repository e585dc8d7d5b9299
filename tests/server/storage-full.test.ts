import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databases, type TestDatabase } from '../support/databases.ts';
import { checkIn, countRows, startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const at = Date.parse('2026-12-01T07:55:00Z');
const batch = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => checkIn(from + i, String(100001 + from + i), at + (from + i) * 1000));

/**
 * The disk fills: on SQLite the database may grow no further (`max_page_count`
 * at its size, which SQLite answers SQLITE_FULL); on PostgreSQL a trigger
 * answers every insert of an op as a full disk does (SQLSTATE 53100).
 */
async function fillTheDisk(app: TestApp, database: TestDatabase): Promise<void> {
  if (database === 'sqlite') {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(app.db);
    await sql.raw(`pragma max_page_count = ${rows[0]?.page_count ?? 1}`).execute(app.db);
    return;
  }
  await sql`create function doorline_test_disk_full() returns trigger language plpgsql as $$
    begin raise exception 'could not extend file: No space left on device' using errcode = '53100'; end $$`.execute(app.db);
  await sql`create trigger doorline_test_disk_full before insert on ops for each row execute function doorline_test_disk_full()`.execute(
    app.db,
  );
}

async function freeSpace(app: TestApp, database: TestDatabase): Promise<void> {
  if (database === 'sqlite') {
    await sql`pragma max_page_count = 1073741823`.execute(app.db);
    return;
  }
  await sql`drop trigger doorline_test_disk_full on ops`.execute(app.db);
  await sql`drop function doorline_test_disk_full()`.execute(app.db);
}

describe.each(databases())('on %s', (database) => {
  it('answers a full disk 503 storage-full with Retry-After, keeps nothing half-written, and takes the batch once space returns', async () => {
    t = await startTestApp({ database });
    expect((await t.syncAsKiosk(batch(1, 5))).statusCode).toBe(200);
    const before = { ops: await countRows(t.db, 'ops'), attendance: await countRows(t.db, 'attendance') };

    await fillTheDisk(t, database);
    const refused = await t.syncAsKiosk(batch(100, 400));
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('storage-full');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect({ ops: await countRows(t.db, 'ops'), attendance: await countRows(t.db, 'attendance') }).toEqual(before);
    // Reads go on meanwhile.
    expect((await t.asKiosk('/api/roster')).statusCode).toBe(200);

    await freeSpace(t, database);
    expect((await t.syncAsKiosk(batch(100, 400))).statusCode).toBe(200);
    expect(await countRows(t.db, 'ops')).toBe(before.ops + 400);
  });
});
