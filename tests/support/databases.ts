/**
 * The databases every storage-touching server test runs on: SQLite always,
 * PostgreSQL when the run found it (see postgres-global-setup.ts). A file
 * wraps its tests in `describe.each(databases())('on %s', (database) => …)`.
 */
import { afterAll, inject } from 'vitest';
import { createTestDatabase, dropTestDatabase } from './postgres-admin.ts';

export type TestDatabase = 'sqlite' | 'postgres';

export function databases(): TestDatabase[] {
  return inject('postgres') ? ['sqlite', 'postgres'] : ['sqlite'];
}

let fileDatabase: Promise<{ name: string; url: string }> | null = null;

/** This test file's own PostgreSQL database, made on first use; `fresh` is true only then. */
export async function postgresForThisFile(): Promise<{ url: string; fresh: boolean }> {
  const fresh = fileDatabase === null;
  fileDatabase ??= createTestDatabase();
  return { url: (await fileDatabase).url, fresh };
}

/** Registered from the server project's setup file: the file's database goes when the file is done. */
export function dropFileDatabaseAfterAll(): void {
  afterAll(async () => {
    if (fileDatabase === null) return;
    const { name } = await fileDatabase;
    fileDatabase = null;
    await dropTestDatabase(name);
  });
}
