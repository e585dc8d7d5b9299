/**
 * The worker tests' one IndexedDB fixture: a fresh fake-indexeddb database
 * per test, closed and deleted after it, so no test sees another's rows.
 */
import { afterEach, beforeEach } from 'vitest';
import { openOutboxDb, type OutboxDb } from '../../sw/outbox-db.ts';

export interface WorkerDbFixture {
  /** This test's database. */
  readonly db: OutboxDb;
  /** Closes this test's database and opens it again, as a worker restarted over the same profile does. */
  reopen(): OutboxDb;
}

let made = 0;

/** Call once at the top of a test file; `setup` runs after the database opens, before each test. */
export function useWorkerDb(setup?: (db: OutboxDb) => Promise<void> | void): WorkerDbFixture {
  let name = '';
  let current: OutboxDb | null = null;
  beforeEach(async () => {
    name = `doorline-test-${process.pid}-${++made}`;
    current = openOutboxDb(name);
    await setup?.(current);
  });
  afterEach(async () => {
    current?.close();
    current = null;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
  });
  return {
    get db(): OutboxDb {
      if (!current) throw new Error('The worker database is open only inside a test');
      return current;
    },
    reopen(): OutboxDb {
      current?.close();
      current = openOutboxDb(name);
      return current;
    },
  };
}
