/**
 * The PostgreSQL server the contract suite runs on, reached through its admin
 * connection (DOORLINE_TEST_POSTGRES_URL, default the local server's
 * `postgres` database as user `postgres`). Each test file gets a database of
 * its own on it, made from nothing and dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env.DOORLINE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `host:port` of the admin URL, for messages. */
export function postgresHost(url = POSTGRES_ADMIN_URL): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

/** Runs `statements` on the admin connection, one client used and closed. */
export async function onAdminConnection(statements: (client: pg.Client) => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    await statements(client);
  } finally {
    await client.end();
  }
}

/** Null when the server answers; otherwise why not. */
export async function postgresProblem(): Promise<string | null> {
  try {
    await onAdminConnection((client) => client.query('select 1').then(() => undefined), 3_000);
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  }
}

/** A new, empty database's URL. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `doorline_test_${randomBytes(6).toString('hex')}`;
  await onAdminConnection((client) => client.query(`create database ${name}`).then(() => undefined));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops it, closing any connection a test left open. */
export async function dropTestDatabase(name: string): Promise<void> {
  await onAdminConnection((client) => client.query(`drop database if exists ${name} with (force)`).then(() => undefined));
}
