import { CompiledQuery, type Insertable, type Kysely, type Transaction } from 'kysely';
import { databaseKind } from './open-database.ts';
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

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Insert texts by dialect, table, columns and row count. Kysely parses every
 * value of a multi-row insert into nodes and compiles them back to text, which
 * cost more than SQLite's own work on a batch's 2,400 rows; the text depends
 * only on this shape, so it is built once and the values are bound as they are.
 */
const insertTexts = new Map<string, string>();
const KEPT_TEXTS = 256;

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function insertText(postgres: boolean, table: string, columns: readonly string[], rows: number): string {
  const shape = `${postgres ? 'pg' : 'sqlite'}\u0000${table}\u0000${columns.join('\u0000')}\u0000${rows}`;
  const found = insertTexts.get(shape);
  if (found !== undefined) return found;
  let n = 0;
  const tuple = (): string => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  const tuples = Array.from({ length: rows }, tuple).join(', ');
  const text = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${tuples}`;
  if (insertTexts.size >= KEPT_TEXTS) insertTexts.delete(insertTexts.keys().next().value as string);
  insertTexts.set(shape, text);
  return text;
}

const isPlain = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';

/**
 * The slice's columns and values in column order when every row names the
 * same columns with plain values; otherwise null, and Kysely builds the
 * statement (it knows defaults for missing columns and how to bind the rest).
 */
function plainRows(rows: readonly object[]): { columns: string[]; values: unknown[] } | null {
  const first = rows[0];
  if (first === undefined) return null;
  const columns = Object.keys(first);
  const values: unknown[] = [];
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    if (Object.keys(record).length !== columns.length) return null;
    for (const column of columns) {
      const value = record[column];
      if (!isPlain(value)) return null;
      values.push(value);
    }
  }
  return { columns, values };
}

/** Inserts `rows` into `table`, a bounded number per statement. */
export async function insertInSlices<T extends keyof Database>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  const postgres = databaseKind(db) === 'postgres';
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const slice = rows.slice(i, i + ROWS_PER_INSERT);
    const plain = plainRows(slice as readonly object[]);
    if (plain) {
      await db.executeQuery(CompiledQuery.raw(insertText(postgres, table, plain.columns, slice.length), plain.values));
      continue;
    }
    await db
      .insertInto(table)
      .values(slice as never)
      .execute();
  }
}
