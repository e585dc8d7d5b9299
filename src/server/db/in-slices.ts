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

type Plain = string | number;

export interface InListQuery {
  table: keyof Database;
  columns: readonly string[];
  /** What every row meets: a column equal to a value, or in a short list of values. */
  where: ReadonlyArray<readonly [column: string, value: Plain | readonly Plain[]]>;
  /** The long list, asked for a slice at a time. */
  in: readonly [column: string, values: readonly Plain[]];
}

/** Select texts by dialect and shape, as for inserts: Kysely would build every slice's 500 value nodes again. */
const selectTexts = new Map<string, string>();

function selectText(postgres: boolean, query: InListQuery, sliceLength: number): string {
  const conditions: Array<readonly [string, number]> = [
    ...query.where.map(([column, value]) => [column, typeof value === 'object' ? value.length : -1] as const),
    [query.in[0], sliceLength],
  ];
  const shape = [postgres ? 'pg' : 'sqlite', query.table, query.columns.join(','), ...conditions.map(([c, n]) => `${c}:${n}`)].join(
    '\u0000',
  );
  const found = selectTexts.get(shape);
  if (found !== undefined) return found;
  let n = 0;
  const mark = (): string => (postgres ? `$${++n}` : '?');
  const where = conditions.map(([column, length]) =>
    length < 0 ? `${quoted(column)} = ${mark()}` : `${quoted(column)} in (${Array.from({ length }, mark).join(', ')})`,
  );
  const text = `select ${query.columns.map(quoted).join(', ')} from ${quoted(query.table)} where ${where.join(' and ')}`;
  if (selectTexts.size >= KEPT_TEXTS) selectTexts.delete(selectTexts.keys().next().value as string);
  selectTexts.set(shape, text);
  return text;
}

/**
 * The rows of `query`, its long list asked for a slice at a time (inSlices),
 * each slice's text built once for its shape and its values bound as given.
 */
export async function selectInSlices<R>(db: Executor, query: InListQuery): Promise<R[]> {
  if (query.where.some(([, value]) => typeof value === 'object' && value.length === 0)) return [];
  const postgres = databaseKind(db) === 'postgres';
  const fixed = query.where.flatMap(([, value]) => (typeof value === 'object' ? value : [value]));
  return inSlices(query.in[1], async (slice) => {
    const result = await db.executeQuery<R>(CompiledQuery.raw(selectText(postgres, query, slice.length), [...fixed, ...slice]));
    return result.rows;
  });
}

const isPlain = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';

/**
 * The slice's columns and values in column order when every row names the
 * same columns with plain values; otherwise null, and Kysely builds the
 * statement (it knows defaults for missing columns and how to bind the rest).
 * With `declared` columns, those are the ones written and rows are not
 * compared key by key (a batch's 2,400 rows each paid for a list of its keys).
 */
function plainRows(rows: readonly object[], declared?: readonly string[]): { columns: readonly string[]; values: unknown[] } | null {
  const first = rows[0];
  if (first === undefined) return null;
  const columns = declared ?? Object.keys(first);
  const width = columns.length;
  const values: unknown[] = new Array(rows.length * width);
  let at = 0;
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    if (declared === undefined && Object.keys(record).length !== width) return null;
    for (let c = 0; c < width; c++) {
      const value = record[columns[c] as string];
      if (!isPlain(value)) return null;
      values[at++] = value;
    }
  }
  return { columns, values };
}

/**
 * Inserts `rows` into `table`, a bounded number per statement. `columns`:
 * the columns to write, when every row has them all (the ingest's own rows);
 * a row without one of them goes through Kysely like any other.
 */
export async function insertInSlices<T extends keyof Database>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  columns?: ReadonlyArray<keyof Insertable<Database[T]> & string>,
): Promise<void> {
  const postgres = databaseKind(db) === 'postgres';
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const slice = rows.slice(i, i + ROWS_PER_INSERT);
    const plain = plainRows(slice as readonly object[], columns);
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
