/**
 * `GET /api/events`: a server-sent event stream of the principal's school.
 * The first event is `ready` (or `catch-up` when the page comes back with an
 * id older than the school's newest change: it missed something); the id of
 * every numbered event is that change number, so the browser's own
 * reconnection sends it back as Last-Event-ID. A page that opens a new
 * EventSource passes it as `?since=`.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import { expectRecord, expectString } from '../../shared/guard.ts';
import { LIVE_EVENTS_VERSION, type LiveEvent } from '../../shared/live-events.ts';
import type { Auth } from '../auth/principal.ts';
import { newestSeq } from '../change-feed.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Metrics } from '../metrics.ts';

/** Under the minute most proxies allow an idle response. */
export const HEARTBEAT_MS = 20_000;
/** What the browser waits before reconnecting by itself. */
const RETRY_MS = 3_000;

function frame(event: LiveEvent): string {
  const id = 'seq' in event ? `id: ${event.seq}\n` : '';
  return `${id}data: ${JSON.stringify(event)}\n\n`;
}

function resumeFrom(value: unknown, where: string): number | null {
  if (value === undefined) return null;
  expectString(value, where, { max: 15, pattern: /^\d+$/ }, where.startsWith('$query') ? 'invalid-query' : 'invalid-header');
  return Number(value);
}

export function eventRoutes(app: FastifyInstance, auth: Auth, bus: EventBus, metrics: Metrics, heartbeatMs = HEARTBEAT_MS): void {
  const open = new Set<PassThrough>();
  // Fastify waits for open responses before it closes: end the streams first.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  app.get('/api/events', async (request, reply) => {
    const principal = await auth.requireSender(request);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], ['since'], 'invalid-query');
    const header = request.headers['last-event-id'];
    if (Array.isArray(header)) throw new DoorlineError('invalid-header', { header: 'last-event-id' });
    const since = resumeFrom(header, 'last-event-id') ?? resumeFrom(query.since, '$query.since');
    const { schoolId } = principal;

    // A stream is meant to stay open: the server's idle timeout (app.ts) is for requests, not for this.
    // (An in-process test request has no real socket to exempt.)
    if (typeof request.raw.socket.setTimeout === 'function') request.raw.socket.setTimeout(0);
    const stream = new PassThrough();
    open.add(stream);
    const write = (event: LiveEvent) => void stream.write(frame(event));
    const catchUp = () =>
      void newestSeq(auth.db, schoolId).then(
        (seq) => write({ v: LIVE_EVENTS_VERSION, kind: 'catch-up', seq }),
        () => stream.end(),
      );
    // Listening before the first read: nothing between the two is lost.
    const unsubscribe = bus.subscribe(schoolId, { events: (events) => events.forEach(write), gap: catchUp });
    const heartbeat = setInterval(() => void stream.write(': still here\n\n'), heartbeatMs);
    const closed = metrics.eventStreamOpened();
    const finish = () => {
      closed();
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(stream);
    };
    stream.on('close', finish);
    request.raw.on('close', () => stream.end());

    const seq = await newestSeq(auth.db, schoolId);
    stream.write(`retry: ${RETRY_MS}\n\n`);
    write({ v: LIVE_EVENTS_VERSION, kind: since !== null && since !== seq ? 'catch-up' : 'ready', seq });
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream);
  });
}
