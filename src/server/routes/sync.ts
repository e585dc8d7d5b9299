/**
 * `POST /api/sync` (a device's batch, as compact binary or as JSON for
 * integrators) and `POST /api/marks` (one mark from a page no worker controls yet).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeBatch } from '../../shared/batch-codec.ts';
import { DoorlineError } from '../../shared/error-codes.ts';
import { LIMITS } from '../../shared/limits.ts';
import { APP_VERSION_PATTERN, assertMarkInput, assertSyncRequest } from '../../shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type MarkAnswer } from '../../shared/protocol.ts';
import { APP_VERSION_HEADER, CURSOR_HEADER, DEVICE_CLOCK_HEADER, HEALTH_HEADER, QUEUE_HEADER } from '../../shared/sync-headers.ts';
import { changePage } from '../change-feed.ts';
import { sendJson } from '../compressed-json.ts';
import { findSchool } from '../school-queries.ts';
import type { Auth, Principal } from '../auth/principal.ts';
import { ingestBatch, ingestDirectMark, type DeviceHealth, type DeviceReport, type Sender, type SyncBatch } from '../ingest.ts';
import { BatchBody, bodyOf } from '../request-body.ts';
import { writtenBy, type Announcer } from '../events/announce.ts';
import type { Metrics } from '../metrics.ts';
import { logDevice } from '../request-log.ts';

function senderOf(principal: Principal, deviceId: string | null): Sender {
  return principal.kind === 'device'
    ? { kind: 'kiosk', schoolId: principal.schoolId, deviceId: principal.deviceId, kioskId: principal.kioskId, name: principal.kioskName }
    : { kind: 'staff', schoolId: principal.schoolId, deviceId, staffId: principal.staffId, role: principal.role, name: principal.name };
}

/** The device's own report from the sync headers; a malformed one is refused like a malformed body. */
export function deviceReport(request: FastifyRequest): DeviceReport {
  const report: DeviceReport = {};
  const app = request.headers[APP_VERSION_HEADER];
  if (app !== undefined) {
    if (typeof app !== 'string' || !APP_VERSION_PATTERN.test(app))
      throw new DoorlineError('invalid-header', { header: APP_VERSION_HEADER });
    report.appVersion = app;
  }
  const queue = request.headers[QUEUE_HEADER];
  if (queue !== undefined) {
    const match = typeof queue === 'string' ? /^(\d{1,9});(\d{1,15})$/.exec(queue) : null;
    if (!match) throw new DoorlineError('invalid-header', { header: QUEUE_HEADER, expected: '<waiting ops>;<oldest, epoch ms or 0>' });
    report.queueDepth = Number(match[1]);
    report.oldestWaitingAt = Number(match[2]) === 0 ? undefined : Number(match[2]);
    if (report.oldestWaitingAt === undefined) delete report.oldestWaitingAt;
  }
  return report;
}

const FAILURE = '[a-z][a-z0-9-]{0,39}@\\d{13}';
const HEALTH_PATTERN = new RegExp(`^(\\d{1,3});(good|fair|poor|offline);(\\d{0,16});((?:${FAILURE})(?:,${FAILURE}){0,2})?$`);

/** A batch's health report (sync-headers.ts HEALTH_HEADER); absent from an older worker. */
function deviceHealth(request: FastifyRequest): DeviceHealth | undefined {
  const header = request.headers[HEALTH_HEADER];
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? HEALTH_PATTERN.exec(header) : null;
  if (!match || Number(match[1]) > 100)
    throw new DoorlineError('invalid-header', {
      header: HEALTH_HEADER,
      expected: '<score 0-100>;<good|fair|poor|offline>;<bytes left or empty>;<up to 3 code@epoch ms, by commas>',
    });
  return {
    linkScore: Number(match[1]),
    linkLabel: match[2] as DeviceHealth['linkLabel'],
    storageFree: match[3] === '' ? null : Number(match[3]),
    failures: match[4] === undefined ? [] : match[4].split(','),
  };
}

/**
 * A batch's report. A worker that sends its health counts only what stays once the batch is through; an older
 * one (no health header) counted the batch's ops too, which the server has now, so they are taken off.
 */
function batchReport(request: FastifyRequest, batch: SyncBatch): DeviceReport {
  const report = deviceReport(request);
  const health = deviceHealth(request);
  if (health) return { ...report, health };
  if (report.queueDepth === undefined) return report;
  return { ...report, queueDepth: Math.max(0, report.queueDepth - batch.ops.length) };
}

/** The body's length as it came over the wire (compressed, if it was). */
function bodyBytes(request: FastifyRequest): number {
  const length = Number(request.headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

/**
 * Ours minus the device's clock as it sent (the upload's own time is not
 * taken off: on the slowest link that is seconds, and lateness is judged in minutes).
 */
function clockOffset(request: FastifyRequest, now: number): number | null {
  const header = request.headers[DEVICE_CLOCK_HEADER];
  if (header === undefined) return null;
  if (typeof header !== 'string' || !/^\d{13}$/.test(header))
    throw new DoorlineError('invalid-header', { header: DEVICE_CLOCK_HEADER, expected: 'epoch milliseconds' });
  return now - Number(header);
}

export function syncRoutes(app: FastifyInstance, auth: Auth, announcer: Announcer, metrics: Metrics): void {
  app.post('/api/sync', { onRequest: auth.before('sender') }, async (request, reply) => {
    const principal = await auth.requireSender(request);
    const body = bodyOf(request);
    let batch: SyncBatch;
    if (body instanceof BatchBody) batch = decodeBatch(body.bytes, { maxOps: LIMITS.maxOpsPerBatch });
    else {
      assertSyncRequest(body);
      batch = body;
    }
    const report = batchReport(request, batch);
    const now = auth.now();
    const cursor = request.headers[CURSOR_HEADER];
    if (cursor !== undefined && (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor)))
      throw new DoorlineError('invalid-header', { header: CURSOR_HEADER, expected: 'a change-feed cursor' });
    const sender = senderOf(principal, batch.deviceId);
    const answer = await ingestBatch(auth.db, sender, batch, report, now, clockOffset(request, now), bodyBytes(request));
    logDevice(request, batch.deviceId);
    metrics.countReceipts(answer.receipts);
    metrics.deviceReported(batch.deviceId, report.queueDepth);
    await announcer.announce(principal.schoolId, {
      ...writtenBy(answer.receipts),
      ...(principal.kind === 'device' ? { deviceId: principal.deviceId } : {}),
    });
    // The answer brings back what changed since the device's cursor: no separate pull on a slow link.
    if (cursor !== undefined)
      answer.changes = await changePage(auth.db, await findSchool(auth.db, principal.schoolId), Number(cursor), now, batch.deviceId);
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, answer);
  });

  app.post('/api/marks', { onRequest: auth.before('sender') }, async (request, reply) => {
    const principal = await auth.requireSender(request);
    const body = bodyOf(request);
    assertMarkInput(body);
    const result = await ingestDirectMark(auth.db, senderOf(principal, null), body, auth.now());
    metrics.countOutcome(result.duplicate ? 'duplicate' : result.outcome.status);
    if (result.outcome.status === 'rejected') throw new DoorlineError(result.outcome.code, { opId: body.opId, studentId: body.studentId });
    if (!result.duplicate)
      await announcer.announce(principal.schoolId, {
        records: result.outcome.status !== 'conflict',
        conflictsOpened: result.outcome.status === 'conflict' ? 1 : 0,
      });
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
