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
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import type { StaffRole } from '../../shared/account-protocol.ts';
import { ADMIN_ROLES, type Auth } from '../auth/principal.ts';

/**
 * Pages reachable by a clean URL, each a file in the built app, and who may
 * open it. A page for staff sends anyone else to the sign-in page. (Once the
 * service worker controls a browser it serves pages from its cache; each
 * page's script then checks the session itself, so the API stays the real gate.)
 */
const PAGES: Record<string, { file: string; roles?: readonly StaffRole[]; beforeSchool?: true }> = {
  '/': { file: 'index.html' },
  '/kiosk': { file: 'kiosk.html' },
  '/sign-in': { file: 'sign-in.html' },
  '/roll': { file: 'roll.html', roles: ['teacher', 'office', 'admin'] },
  '/roll-call': { file: 'roll-call.html', roles: ['teacher', 'office', 'admin'] },
  '/office': { file: 'office.html', roles: ['office', 'admin'] },
  '/students': { file: 'students.html', roles: ['office', 'admin'] },
  '/reports': { file: 'reports.html', roles: ['office', 'admin'] },
  '/staff': { file: 'staff.html', roles: ['admin'] },
  '/admin': { file: 'admin.html', roles: ['admin'] },
  // The one page an admin with no school yet can open: where they create it (and admins add more schools).
  '/setup': { file: 'setup.html', roles: ['admin'], beforeSchool: true },
  '/school': { file: 'school.html', roles: ['admin'] },
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
const SOURCE_MAP = /\.map$/;

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
  // Source maps show the code as written: for an admin debugging the school's own server, not for anyone who asks.
  app.addHook('onRequest', async (request) => {
    if (!SOURCE_MAP.test(request.url.split('?')[0] ?? '')) return;
    try {
      await auth.requireStaff(request, ADMIN_ROLES);
    } catch (error) {
      if (!(error instanceof DoorlineError)) throw error;
      throw new DoorlineError('not-found', { method: request.method, url: request.url.split('?')[0] });
    }
  });
  for (const [url, page] of Object.entries(PAGES)) {
    const serve = async (request: FastifyRequest, reply: FastifyReply, check: boolean) => {
      if (page.roles && check) {
        try {
          await (page.beforeSchool ? auth.requireAccount(request, page.roles) : auth.requireStaff(request, page.roles));
        } catch (error) {
          if (!(error instanceof DoorlineError)) throw error;
          if (error.code === 'no-school') return reply.redirect('/setup', 303);
          const reason =
            error.code === 'forbidden' ? '&reason=forbidden' : error.code === 'password-change-required' ? '&reason=password' : '';
          // Back to the page as asked, query included (`request.url` is a path on this server).
          return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}${reason}`, 303);
        }
      }
      return reply.header('cache-control', 'no-cache').sendFile(page.file);
    };
    app.get(url, (request, reply) => serve(request, reply, true));
    // The file's own name opened in the address bar is the page, and gets the page's check. The worker fetches
    // the same file to keep it for offline use (not a navigation); it gets the file, and each page's script checks
    // the session itself, so the API stays the real gate.
    if (page.roles) app.get(`/${page.file}`, (request, reply) => serve(request, reply, request.headers['sec-fetch-mode'] === 'navigate'));
  }
}
