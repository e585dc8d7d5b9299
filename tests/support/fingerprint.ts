/** Row counts and a checksum of every table: two equal fingerprints mean nothing in the database changed. */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/server/db/open-database.ts';

const TABLES = [
  'schools',
  'students',
  'kiosks',
  'devices',
  'ops',
  'attendance',
  'notes',
  'staff',
  'staff_schools',
  'staff_sessions',
  'pairing_codes',
  'conflicts',
  'audit_log',
  'changes',
] as const;

/** With `schoolId`, only that school's rows (tables without a school column count whole). */
export async function databaseFingerprint(
  db: Db,
  options: { schoolId?: string } = {},
): Promise<Record<string, { rows: number; sha256: string }>> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const table of TABLES) {
    const columns = (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map((r) => r.name);
    const scoped = options.schoolId !== undefined && columns.includes('school_id');
    const rows = scoped
      ? (
          await sql<
            Record<string, unknown>
          >`select * from ${sql.table(table)} where school_id = ${options.schoolId} order by rowid`.execute(db)
        ).rows
      : (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by rowid`.execute(db)).rows;
    out[table] = { rows: rows.length, sha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  }
  return out;
}
