/**
 * What one server process counts, for `GET /api/metrics` in Prometheus's text
 * format. Each process keeps its own registry: with WORKERS=N, each process
 * answers for itself (a scrape reaches one of them), and a dashboard sums
 * over the processes it scrapes.
 *
 * Labels are bounded: a route is its pattern (`/api/students/:id`, never the
 * address asked for) or `unmatched`, so a scanner trying addresses cannot
 * grow the registry; devices are summed, never a label.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReceiptRun } from '../shared/protocol.ts';

/** Seconds: a check-in is confirmed in tens of milliseconds; a batch over the slowest link takes seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What a device last said its outbox held. */
interface QueueReport {
  depth: number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'doorline_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'doorline_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly ops = new Counter({
    name: 'doorline_ops_ingested_total',
    help: 'Operations received from devices, by outcome (applied, merged, conflict, rejected, duplicate).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly queues = new Map<string, QueueReport>();
  private readonly eventClients = new Gauge({
    name: 'doorline_event_stream_clients',
    help: 'Open live-event streams (GET /api/events) on this process.',
    registers: [this.registry],
  });

  constructor() {
    const queues = this.queues;
    new Gauge({
      name: 'doorline_device_queued_ops',
      help: 'Operations waiting in device outboxes, as each device last reported to this process.',
      registers: [this.registry],
      collect() {
        let sum = 0;
        for (const report of queues.values()) sum += report.depth;
        this.set(sum);
      },
    });
    new Gauge({
      name: 'doorline_device_queued_ops_max',
      help: 'The longest device outbox, as last reported to this process.',
      registers: [this.registry],
      collect() {
        let max = 0;
        for (const report of queues.values()) max = Math.max(max, report.depth);
        this.set(max);
      },
    });
    new Gauge({
      name: 'doorline_devices_with_queued_ops',
      help: 'Devices whose last report to this process had operations waiting.',
      registers: [this.registry],
      collect() {
        let devices = 0;
        for (const report of queues.values()) if (report.depth > 0) devices++;
        this.set(devices);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts every answered request; the hook runs after the answer is sent, off the request's own time. */
  countRequests(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const method = request.method;
      this.requests.inc({ route, method, status: String(reply.statusCode) });
      this.latency.observe({ route, method }, reply.elapsedTime / 1000);
    });
  }

  /** One batch's receipts, by outcome. */
  countReceipts(runs: readonly ReceiptRun[]): void {
    for (const run of runs) this.ops.inc({ outcome: run.status }, run.n);
  }

  countOutcome(outcome: string): void {
    this.ops.inc({ outcome });
  }

  /** A device's report of its outbox; the newest replaces the last. */
  deviceReported(deviceId: string, queueDepth: number | undefined): void {
    if (queueDepth !== undefined) this.queues.set(deviceId, { depth: queueDepth });
  }

  /** An event stream opened; the returned function counts it closed, once. */
  eventStreamOpened(): () => void {
    this.eventClients.inc();
    let open = true;
    return () => {
      if (open) this.eventClients.dec();
      open = false;
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
