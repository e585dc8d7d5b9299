import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { APP_VERSION } from '../../shared/app-version.ts';
import { databaseKind, type Db } from '../db/open-database.ts';

export function healthRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/health', async (_request, reply) => {
    await sql`select 1`.execute(db);
    void reply.header('cache-control', 'no-store');
    return { status: 'ok', version: APP_VERSION, database: databaseKind(db), time: Date.now() };
  });
}
