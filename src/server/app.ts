/** Builds the HTTP application around an open database; `main.ts` listens, tests inject. */
import Fastify, { type FastifyInstance } from 'fastify';
import { DoorlineError } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import { SignIn } from './auth/accounts.ts';
import { addBackPressure, type BackPressureOptions } from './back-pressure.ts';
import { Auth, checkOrigin, checkSenderBeforeBody } from './auth/principal.ts';
import { databaseKind, postgresUrlOf, type Db } from './db/open-database.ts';
import { handleClientError, handleError } from './error-handler.ts';
import { Announcer } from './events/announce.ts';
import type { EventBus } from './events/event-bus.ts';
import { MemoryEventBus } from './events/memory-event-bus.ts';
import { Metrics } from './metrics.ts';
import { PostgresEventBus } from './events/postgres-event-bus.ts';
import { acceptBodies } from './request-body.ts';
import { loggerOptions, RequestLog } from './request-log.ts';
import { appShellRoutes } from './routes/app-shell.ts';
import { cardRoutes } from './routes/cards.ts';
import { rollCallRoutes } from './routes/roll-call.ts';
import { todayRoutes } from './routes/today.ts';
import { deviceRoutes } from './routes/devices.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { kioskRoutes } from './routes/kiosk.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { statsRoutes } from './routes/stats.ts';
import { officeRoutes } from './routes/office.ts';
import { exportRoutes } from './routes/exports.ts';
import { schoolRoutes } from './routes/schools.ts';
import { pruneOnSchedule } from './retention.ts';
import { rosterImportRoutes } from './routes/roster-import.ts';
import { sessionRoutes } from './routes/session.ts';
import { staffRoutes } from './routes/staff.ts';
import { studentRoutes } from './routes/students.ts';
import { syncRoutes } from './routes/sync.ts';
import { addSecurityHeaders } from './security-headers.ts';

export interface AppOptions {
  db: Db;
  /** The built app to serve; omitted in API-only tests. */
  publicDir?: string;
  logLevel?: string;
  /** Where log lines go; standard output unless given (tests read them). */
  logStream?: { write: (line: string) => void };
  /** The bearer token `GET /api/metrics` asks for; without one the endpoint answers 404. */
  metricsToken?: string | null;
  /** The server's clock; tests move it to expire sessions and codes. */
  now?: () => number;
  /** Whose X-Forwarded-For (and -Proto, -Host) to believe: nobody's unless set (see config.ts). */
  trustProxy?: boolean | string;
  /** The origin people open (config.ts PUBLIC_URL); omitted only when listening on loopback. */
  publicOrigin?: string | null;
  /** How streams hear of writes; by default in memory on SQLite, over LISTEN/NOTIFY on PostgreSQL. Closed with the app. */
  events?: EventBus;
  /** Between two heartbeat comments on an event stream (tests shorten it). */
  eventHeartbeatMs?: number;
  /** When to refuse new writes as busy (back-pressure.ts); tests set tiny limits. */
  backPressure?: BackPressureOptions;
  /** How long a connection may take over its parts (SERVER_TIMEOUTS); tests shorten them. */
  timeouts?: Partial<ServerTimeouts>;
  /** How often to delete records older than each school keeps (retention.ts); never unless set. */
  pruneEveryMs?: number;
}

/** Milliseconds a client may take, so slow or stalled connections are closed instead of held. */
export interface ServerTimeouts {
  /** To send the whole request head: a slowloris client trickling headers is cut here. */
  headersMs: number;
  /** To send the whole request, body included: the largest body (1 MiB) at 64 kbit/s takes 131 s. */
  requestMs: number;
  /** Between two requests on a kept-alive connection: above the 60 s idle of common load balancers, so they close first. */
  keepAliveMs: number;
  /** Of silence on a socket at any point. The event stream writes a heartbeat well within it, and is exempt (events.ts). */
  idleMs: number;
  /** How often Node looks for requests past `headersMs` or `requestMs`. */
  checkEveryMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 180_000,
  keepAliveMs: 65_000,
  idleMs: 70_000,
  checkEveryMs: 1_000,
};

function busFor(db: Db): EventBus {
  const url = postgresUrlOf(db);
  if (databaseKind(db) === 'postgres' && url !== undefined) return new PostgresEventBus(db, url);
  return new MemoryEventBus();
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const timeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'silent', options.logStream),
    logController: new RequestLog(),
    bodyLimit: LIMITS.maxBodyBytes,
    http: { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.idleMs,
    // Requests Node or the router refuse before a route is found get the same answers as any other refusal.
    clientErrorHandler: handleClientError,
    frameworkErrors: handleError,
    // Behind a school's proxy the client's address is in X-Forwarded-For; believed only from a proxy named in the configuration.
    trustProxy: options.trustProxy ?? false,
    // Stopping (SIGTERM in a rolling restart), a request already on an open connection is served, with
    // `Connection: close`, rather than answered a bare 503: the kiosk behind the balancer sees no 5xx.
    return503OnClosing: false,
  });
  const auth = new Auth(options.db, options.now ?? Date.now);
  const bus = options.events ?? busFor(options.db);
  await bus.start();
  app.addHook('onClose', () => bus.close());
  const announcer = new Announcer(bus, options.db);
  const metrics = new Metrics();
  metrics.countRequests(app);
  // Stopping, every answer from now on closes its connection, those already under way included: a
  // keep-alive connection left idle after close() began would hold the process until its timeout.
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (stopping) void reply.header('connection', 'close');
    return payload;
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request) => {
    throw new DoorlineError('not-found', { method: request.method, url: request.url.split('?')[0] });
  });
  addSecurityHeaders(app);
  checkOrigin(app, options.publicOrigin ?? null);
  addBackPressure(app, options.backPressure);
  checkSenderBeforeBody(app, auth);
  acceptBodies(app);
  healthRoutes(app, options.db);
  sessionRoutes(app, auth, new SignIn(options.db, auth.now));
  deviceRoutes(app, auth, announcer);
  kioskRoutes(app, auth);
  syncRoutes(app, auth, announcer, metrics);
  officeRoutes(app, auth, announcer);
  schoolRoutes(app, auth, announcer);
  rosterImportRoutes(app, auth, announcer);
  eventRoutes(app, auth, bus, metrics, options.eventHeartbeatMs);
  studentRoutes(app, auth, announcer);
  staffRoutes(app, auth);
  cardRoutes(app, auth);
  metricsRoutes(app, metrics, options.metricsToken ?? null);
  statsRoutes(app, auth, options.metricsToken ?? null);
  todayRoutes(app, auth);
  rollCallRoutes(app, auth);
  exportRoutes(app, auth);
  if (options.pruneEveryMs !== undefined) pruneOnSchedule(app, options.db, auth.now, options.pruneEveryMs);
  if (options.publicDir) await appShellRoutes(app, options.publicDir, auth);
  return app;
}
