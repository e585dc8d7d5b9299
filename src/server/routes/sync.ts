/**
 * `POST /api/sync` (a device's batch, as compact binary or as JSON for
 * integrators) and `POST /api/marks` (one mark from a page no worker controls yet).
 */
import type { FastifyInstance } from 'fastify';
import { decodeBatch } from '../../shared/batch-codec.ts';
import { DoorlineError } from '../../shared/error-codes.ts';
import { LIMITS } from '../../shared/limits.ts';
import { assertMarkInput, assertSyncRequest } from '../../shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type MarkAnswer } from '../../shared/protocol.ts';
import type { Db } from '../db/open-database.ts';
import { ingestBatch, ingestDirectMark, type SyncBatch } from '../ingest.ts';
import { BatchBody } from '../request-body.ts';

export function syncRoutes(app: FastifyInstance, db: Db): void {
  app.post('/api/sync', async (request, reply) => {
    const body: unknown = request.body;
    if (body === undefined) throw new DoorlineError('empty-body');
    let batch: SyncBatch;
    if (body instanceof BatchBody) batch = decodeBatch(body.bytes, { maxOps: LIMITS.maxOpsPerBatch });
    else {
      assertSyncRequest(body);
      batch = body;
    }
    void reply.header('cache-control', 'no-store');
    return ingestBatch(db, batch);
  });

  app.post('/api/marks', async (request, reply) => {
    const body: unknown = request.body;
    if (body === undefined) throw new DoorlineError('empty-body');
    assertMarkInput(body);
    const result = await ingestDirectMark(db, body);
    if (result.outcome.status === 'rejected') throw new DoorlineError(result.outcome.code, { opId: body.opId, studentId: body.studentId });
    const answer: MarkAnswer = {
      v: PROTOCOL_VERSION,
      type: 'mark-answer',
      opId: body.opId,
      queued: false,
      studentId: body.studentId,
      student: result.student,
      at: body.at,
      localTime: result.localTime,
      late: result.late,
    };
    void reply.status(result.duplicate ? 200 : 201).header('cache-control', 'no-store');
    return answer;
  });
}
