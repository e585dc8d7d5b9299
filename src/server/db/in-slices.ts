import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** Lists larger than this are queried in slices, well under SQLite's bound-variable limit. */
const IN_LIST_SLICE = 500;
/**
 * SQLite binds at most 32,766 variables a statement (PostgreSQL 65,535); this
 * many rows of the widest table here (ops, 25 columns) stay far below it.
 */
const ROWS_PER_INSERT = 200;

/** Runs an `in (…)` query over `items` a slice at a time and joins the rows. */
export async function inSlices<T, R>(items: readonly T[], run: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += IN_LIST_SLICE) out.push(...(await run(items.slice(i, i + IN_LIST_SLICE))));
  return out;
}

/** Inserts `rows` into `table`, a bounded number per statement. */
export async function insertInSlices<T extends keyof Database>(
  db: Kysely<Database> | Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + ROWS_PER_INSERT) as never)
      .execute();
  }
}
