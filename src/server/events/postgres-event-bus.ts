/**
 * The event bus between processes on one PostgreSQL database: one channel,
 * every message tagged with its school. Each process holds one dedicated
 * connection that LISTENs (a pooled one would be handed to queries); a
 * publish is a NOTIFY through the pool, heard by every process, this one too.
 *
 *   connecting ──LISTEN ok──▶ listening ──error/end──▶ waiting (backoff) ──▶ connecting
 *   any ──close()──▶ closed
 *
 * Coming back to listening after a drop tells every local listener `gap`.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { LIVE_EVENTS_VERSION, readLiveEvents, type LiveEvent } from '../../shared/live-events.ts';
import type { Db } from '../db/open-database.ts';
import type { EventBus, EventListener } from './event-bus.ts';
import { MemoryEventBus } from './memory-event-bus.ts';

export const EVENTS_CHANNEL = 'doorline_events';
/** PostgreSQL refuses payloads of 8000 bytes or more; ours are a few hundred. */
const MAX_PAYLOAD_BYTES = 7500;
const RETRY_MS = { first: 200, max: 10_000 };

export class PostgresEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = RETRY_MS.first;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly db: Db,
    private readonly connectionString: string,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  async start(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'doorline-events' });
    client.on('notification', (message) => {
      if (message.channel === EVENTS_CHANNEL && message.payload !== undefined) this.heard(message.payload);
    });
    client.on('error', () => this.dropped(client));
    client.on('end', () => this.dropped(client));
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.retryMs = RETRY_MS.first;
  }

  private heard(payload: string): void {
    let message: unknown;
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { v, school, events } = message as Record<string, unknown>;
    if (v !== LIVE_EVENTS_VERSION || typeof school !== 'string') return;
    this.local.publish(school, readLiveEvents(events));
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    this.log('doorline: lost the PostgreSQL connection that hears other processes; reconnecting');
    this.retry();
  }

  private retry(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed) return;
      this.listen().then(
        () => this.local.gapForAll(),
        () => {
          const failed = this.client;
          this.client = null;
          void failed?.end().catch(() => undefined);
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MS.max);
          this.retry();
        },
      );
    }, this.retryMs);
  }

  publish(schoolId: string, events: readonly LiveEvent[]): void {
    if (events.length === 0 || this.closed) return;
    let payload = JSON.stringify({ v: LIVE_EVENTS_VERSION, school: schoolId, events });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      // Too much to say in one message: say "pull everything" instead.
      const seq = Math.max(0, ...events.map((e) => ('seq' in e ? e.seq : 0)));
      payload = JSON.stringify({ v: LIVE_EVENTS_VERSION, school: schoolId, events: [{ v: LIVE_EVENTS_VERSION, kind: 'catch-up', seq }] });
    }
    sql`select pg_notify(${EVENTS_CHANNEL}, ${payload})`.execute(this.db).catch((error: unknown) => {
      this.log(`doorline: could not announce an event to other processes: ${(error as Error).message}`);
      this.local.publish(schoolId, events);
    });
  }

  subscribe(schoolId: string, listener: EventListener): () => void {
    return this.local.subscribe(schoolId, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await this.local.close();
    await client?.end().catch(() => undefined);
  }
}
