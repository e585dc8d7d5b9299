/** Serves the built app: pages, scripts, styles and the service worker. */
import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { StaffRole } from '../../shared/account-protocol.ts';
import type { Auth } from '../auth/principal.ts';

/**
 * Pages reachable by a clean URL, each a file in the built app, and who may
 * open it. A page for staff sends anyone else to the sign-in page. (Once the
 * service worker controls a browser it serves pages from its cache; each
 * page's script then checks the session itself, so the API stays the real gate.)
 */
const PAGES: Record<string, { file: string; roles?: readonly StaffRole[] }> = {
  '/': { file: 'index.html' },
  '/kiosk': { file: 'kiosk.html' },
  '/sign-in': { file: 'sign-in.html' },
  '/roll': { file: 'roll.html', roles: ['teacher', 'office', 'admin'] },
  '/office': { file: 'office.html', roles: ['office', 'admin'] },
  '/admin': { file: 'admin.html', roles: ['admin'] },
};

export async function appShellRoutes(app: FastifyInstance, publicDir: string, auth: Auth): Promise<void> {
  if (!fs.existsSync(publicDir)) {
    app.log.warn(`No built app at ${publicDir}: run "npm run build". The API still works.`);
    return;
  }
  await app.register(fastifyStatic, {
    root: publicDir,
    index: false,
    cacheControl: false,
    // The precache manifest versions every file; revalidating keeps updates prompt.
    setHeaders: (res, filePath) => {
      void res.header('cache-control', 'no-cache');
      if (filePath.endsWith('sw.js')) void res.header('service-worker-allowed', '/');
    },
  });
  for (const [url, page] of Object.entries(PAGES)) {
    app.get(url, async (request, reply) => {
      if (page.roles) {
        try {
          await auth.requireStaff(request, page.roles);
        } catch (error) {
          if (!(error instanceof DoorlineError)) throw error;
          const reason = error.code === 'forbidden' ? '&reason=forbidden' : error.code === 'password-change-required' ? '&reason=password' : '';
          // Back to the page as asked, query included (`request.url` is a path on this server).
          return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}${reason}`, 303);
        }
      }
      return reply.header('cache-control', 'no-cache').sendFile(page.file);
    });
  }
}
