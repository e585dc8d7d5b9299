/**
 * better-sqlite3 behind Kysely, with its prepared statements kept. Kysely's
 * SQLite driver prepares every query it runs, so a batch's hundred-odd
 * statements were compiled by SQLite each time; the hot path repeats the
 * same few texts, and a statement prepared once serves every later run.
 *
 * Safe because the driver runs one query at a time on its one connection and
 * `all`/`run` finish before they return. A statement being iterated is busy
 * until the iterator ends, so a stream gets a statement of its own. SQLite
 * prepares a kept statement again by itself after a schema change.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct query texts kept; the ingest's hot path uses a few dozen. */
const KEPT_STATEMENTS = 256;

export function withStatementCache(database: SQLite.Database, kept = KEPT_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(text: string): SqliteStatement {
      const found = statements.get(text);
      if (found) {
        // Most recently used last: the first key is the one to let go.
        statements.delete(text);
        statements.set(text, found);
        return found;
      }
      const prepared = database.prepare(text);
      const statement: SqliteStatement = {
        reader: prepared.reader,
        all: (parameters) => prepared.all(parameters),
        run: (parameters) => prepared.run(parameters),
        iterate: (parameters) => database.prepare(text).iterate(parameters) as IterableIterator<unknown>,
      };
      if (statements.size >= kept) statements.delete(statements.keys().next().value as string);
      statements.set(text, statement);
      return statement;
    },
  };
}
