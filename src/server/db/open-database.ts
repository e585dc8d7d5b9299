/**
 * Opens the configured database (SQLite in a file, or PostgreSQL through a
 * pool) behind one Kysely query layer, and brings its schema up to date.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DialectAdapter,
  type MigrationProvider,
} from 'kysely';
import pg from 'pg';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { DatabaseConfig } from '../config.ts';
import { MIGRATIONS } from './migrations.ts';
import { withStatementCache } from './statement-cache.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type DatabaseKind = DatabaseConfig['kind'];

const INT8_OID = 20;
/** How long a new PostgreSQL connection may take before start-up (or a request) gives up. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * pg reads int8 (bigint) as a string, since it can exceed 2^53. Every bigint
 * here is an epoch-millisecond time, a sequence number or a count, far below
 * that: read as numbers, as SQLite gives them.
 */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** The URL each PostgreSQL handle was opened with: the event bus opens its own listening connection there. */
const postgresUrls = new WeakMap<Db, string>();

export function postgresUrlOf(db: Db): string | undefined {
  return postgresUrls.get(db);
}

export function openDatabase(config: DatabaseConfig): Db {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.pool,
      types: pgTypes,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'doorline',
    });
    // An idle connection the server drops (a restart, a failover) is replaced on the next query; unheard, it would end the process.
    pool.on('error', (error) => console.error(`doorline: an idle PostgreSQL connection to ${config.shown} failed: ${error.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    postgresUrls.set(db, config.url);
    return db;
  }
  const memory = config.file === ':memory:';
  if (!memory) fs.mkdirSync(path.dirname(path.resolve(config.file)), { recursive: true });
  const sqlite = new SQLite(config.file);
  // WAL lets readers (the office's screens) run while a batch is being written.
  if (!memory) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/** Which database `db` (or a transaction of it) runs on. */
export function databaseKind(db: { getExecutor: () => { readonly adapter: DialectAdapter } }): DatabaseKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Opens the database and proves it answers, so that a wrong URL, a server
 * that is down or a refused password stops start-up with one line that
 * names the server and the reason (`database-unreachable`), not a stack trace
 * at the first request.
 */
export async function connectDatabase(config: DatabaseConfig): Promise<Db> {
  const db = openDatabase(config);
  if (config.kind === 'sqlite') return db;
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw unreachable(config.url, config.shown, error);
  }
  return db;
}

function unreachable(url: string, shown: string, error: unknown): DoorlineError {
  const target = new URL(url);
  const host = `${target.hostname}:${target.port || '5432'}`;
  const user = decodeURIComponent(target.username) || process.env.PGUSER || 'the current user';
  const database = decodeURIComponent(target.pathname.slice(1)) || user;
  const e = error as { code?: string; message?: string };
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused (is PostgreSQL running and listening there?)',
    ENOTFOUND: `the host name "${target.hostname}" is not known`,
    EAI_AGAIN: `the host name "${target.hostname}" could not be looked up`,
    ETIMEDOUT: 'the server did not answer in time',
    EHOSTUNREACH: 'there is no route to that host',
    '28P01': `the password for user "${user}" was refused`,
    '28000': `user "${user}" may not connect: ${e.message ?? 'refused'}`,
    '3D000': `the database "${database}" does not exist (create it with: createdb -h ${target.hostname} "${database}")`,
  };
  const timedOut = /timeout/i.test(e.message ?? '');
  const reason =
    (e.code !== undefined ? reasons[e.code] : undefined) ??
    (timedOut ? `the server did not answer within ${CONNECT_TIMEOUT_MS / 1000} s` : (e.message ?? String(error)));
  return new DoorlineError(
    'database-unreachable',
    { host, url: shown, reason: e.code ?? null },
    `cannot use PostgreSQL at ${host} (${shown}): ${reason}.`,
  );
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Any fixed number: every Doorline process takes this one lock while it migrates and seeds. */
const START_UP_LOCK = 0x646f6f72;

/**
 * Runs `prepare` (migrations, the demo school, the first admin) as the only
 * process doing so: on PostgreSQL, several processes starting together wait
 * on one session-level advisory lock and the ones that follow find the work
 * done. `prepare` gets a handle on the lock's own connection, so a pool of
 * one still suffices. On SQLite one process owns the file; it runs as is.
 */
export async function underStartUpLock<T>(db: Db, prepare: (db: Db) => Promise<T>): Promise<T> {
  if (databaseKind(db) === 'sqlite') return prepare(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${START_UP_LOCK})`.execute(connection);
    try {
      return await prepare(connection);
    } finally {
      await sql`select pg_advisory_unlock(${START_UP_LOCK})`.execute(connection);
    }
  });
}

/**
 * Brings the schema up to date, under the start-up lock (a session holding
 * it already takes it again at once). Kysely's migrator takes an advisory
 * lock of its own as well, but only after creating its bookkeeping tables;
 * this one covers the whole run.
 */
export async function migrate(db: Db): Promise<void> {
  await underStartUpLock(db, runMigrations);
}

async function runMigrations(db: Db): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
}
