/**
 * Serves the built app: pages, scripts, styles and the service worker.
 *
 * build.mjs writes a brotli (.br) and a gzip (.gz) copy next to each text
 * file (where smaller): a browser that takes brotli gets the .br, else one
 * that takes gzip the .gz, else the file (Accept-Encoding); always under the
 * file's own type, and every answer says it varies by Accept-Encoding. The
 * copies are never served under their own names.
 */
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
  '/cards': { file: 'cards.html', roles: ['admin'] },
};

/**
 * Scripts, style sheets and images with a hash of their content in their name
 * (build.mjs's FINGERPRINTED): a name never changes content, so a browser
 * keeps them a year without asking. Everything else is revalidated, which
 * keeps updates prompt; the worker's precache manifest versions it.
 */
const FINGERPRINTED = /\.[0-9A-Z]{8}\.(?:js|css|svg|wasm)(?:\.map)?$/;
const COMPRESSED_COPY = /\.(?:br|gz)$/;

export async function appShellRoutes(app: FastifyInstance, publicDir: string, auth: Auth): Promise<void> {
  if (!fs.existsSync(publicDir)) {
    app.log.warn(`No built app at ${publicDir}: run "npm run build". The API still works.`);
    return;
  }
  await app.register(fastifyStatic, {
    root: publicDir,
    index: false,
    cacheControl: false,
    // On a 64 kbit/s line every header is paid per file: the ETag alone revalidates, and nothing here is worth a range.
    lastModified: false,
    acceptRanges: false,
    preCompressed: true,
    allowedPath: (pathname) => !COMPRESSED_COPY.test(pathname),
    // `filePath` is the copy sent: kiosk.html.br for kiosk.html.
    setHeaders: (res, filePath) => {
      const file = filePath.replace(COMPRESSED_COPY, '');
      void res.header('cache-control', FINGERPRINTED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (file.endsWith('sw.js')) void res.header('service-worker-allowed', '/');
    },
  });
  for (const [url, page] of Object.entries(PAGES)) {
    app.get(url, async (request, reply) => {
      if (page.roles) {
        try {
          await auth.requireStaff(request, page.roles);
        } catch (error) {
          if (!(error instanceof DoorlineError)) throw error;
          const reason =
            error.code === 'forbidden' ? '&reason=forbidden' : error.code === 'password-change-required' ? '&reason=password' : '';
          // Back to the page as asked, query included (`request.url` is a path on this server).
          return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}${reason}`, 303);
        }
      }
      return reply.header('cache-control', 'no-cache').sendFile(page.file);
    });
  }
}
