/** Builds the HTTP application around an open database; `main.ts` listens, tests inject. */
import Fastify, { type FastifyInstance } from 'fastify';
import { DoorlineError } from '../shared/error-codes.ts';
import { LIMITS } from '../shared/limits.ts';
import { SignIn } from './auth/accounts.ts';
import { Auth, checkOrigin } from './auth/principal.ts';
import type { Db } from './db/open-database.ts';
import { handleError } from './error-handler.ts';
import { acceptBodies } from './request-body.ts';
import { appShellRoutes } from './routes/app-shell.ts';
import { deviceRoutes } from './routes/devices.ts';
import { healthRoutes } from './routes/health.ts';
import { kioskRoutes } from './routes/kiosk.ts';
import { officeRoutes } from './routes/office.ts';
import { sessionRoutes } from './routes/session.ts';
import { syncRoutes } from './routes/sync.ts';
import { addSecurityHeaders } from './security-headers.ts';

export interface AppOptions {
  db: Db;
  /** The built app to serve; omitted in API-only tests. */
  publicDir?: string;
  logLevel?: string;
  /** The server's clock; tests move it to expire sessions and codes. */
  now?: () => number;
  /** Whose X-Forwarded-For (and -Proto, -Host) to believe: nobody's unless set (see config.ts). */
  trustProxy?: boolean | string;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel ?? 'silent' },
    bodyLimit: LIMITS.maxBodyBytes,
    // Behind a school's proxy the client's address is in X-Forwarded-For; believed only from a proxy named in the configuration.
    trustProxy: options.trustProxy ?? false,
  });
  const auth = new Auth(options.db, options.now ?? Date.now);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request) => {
    throw new DoorlineError('not-found', { method: request.method, url: request.url.split('?')[0] });
  });
  addSecurityHeaders(app);
  checkOrigin(app);
  acceptBodies(app);
  healthRoutes(app, options.db);
  sessionRoutes(app, auth, new SignIn(options.db, auth.now));
  deviceRoutes(app, auth);
  kioskRoutes(app, auth);
  syncRoutes(app, auth);
  officeRoutes(app, auth);
  if (options.publicDir) await appShellRoutes(app, options.publicDir, auth);
  return app;
}
