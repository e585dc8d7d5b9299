/** Row counts and a checksum of every table: two equal fingerprints mean nothing in the database changed. */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { databaseKind, type Db } from '../../src/server/db/open-database.ts';

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

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const query =
    databaseKind(db) === 'sqlite'
      ? sql<{ name: string }>`select name from pragma_table_info(${table})`
      : sql<{
          name: string;
        }>`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${table}`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

/** Every fingerprinted table's columns: an upgrade test fingerprints only those a release had. */
export async function tableColumns(db: Db, tables: readonly string[] = TABLES): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) out[table] = await columnsOf(db, table);
  return out;
}

/**
 * With `schoolId`, only that school's rows (tables without a school column count whole).
 * With `columns`, only those columns of each table (columns added since are left out).
 * Rows are compared as a set, in no stored order: the databases keep different ones.
 */
export async function databaseFingerprint(
  db: Db,
  options: { schoolId?: string; columns?: Record<string, string[]> } = {},
): Promise<Record<string, { rows: number; sha256: string }>> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const table of TABLES) {
    const scoped = options.schoolId !== undefined && (await columnsOf(db, table)).includes('school_id');
    const rows = scoped
      ? (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where school_id = ${options.schoolId}`.execute(db)).rows
      : (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    const kept = options.columns?.[table];
    const lines = rows.map((row) => JSON.stringify(kept ? Object.fromEntries(kept.map((column) => [column, row[column]])) : row)).sort();
    out[table] = { rows: rows.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
  }
  return out;
}
