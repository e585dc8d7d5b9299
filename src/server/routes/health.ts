import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/open-database.ts';

export const APP_VERSION = '0.1.0';

export function healthRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/health', async (_request, reply) => {
    await sql`select 1`.execute(db);
    void reply.header('cache-control', 'no-store');
    return { status: 'ok', version: APP_VERSION, database: 'sqlite', time: Date.now() };
  });
}
