/** An in-process server on an in-memory database with the demo school, for `app.inject`. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { migrate, openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { ensureDemoSchool } from '../../src/server/demo-school.ts';
import type { Op } from '../../src/shared/protocol.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  kioskId: string;
  close: () => Promise<void>;
}

export async function startTestApp(options: { publicDir?: string } = {}): Promise<TestApp> {
  const db = openDatabase({ kind: 'sqlite', file: ':memory:' });
  await migrate(db);
  await ensureDemoSchool(db);
  const app = await buildApp({ db, ...options });
  const kiosk = await db.selectFrom('kiosks').select('id').executeTakeFirstOrThrow();
  return {
    app,
    db,
    kioskId: kiosk.id,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

/** How many rows a table holds. */
export async function countRows(db: Db, table: 'ops' | 'attendance' | 'notes'): Promise<number> {
  const { n } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

let opCounter = 0;

/** A fresh ULID-shaped op id; monotonic within a test run. */
export function opId(): string {
  opCounter++;
  return `01JD${opCounter.toString(32).toUpperCase().padStart(22, '0')}`.replace(/[ILOU]/g, 'Z');
}

export function checkIn(seq: number, studentId: string, at: number, id = opId()): Op {
  return { seq, opId: id, kind: 'check-in', studentId, at, session: 'day', base: 0 };
}
