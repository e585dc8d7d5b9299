/** Serves the built app: pages, scripts, styles and the service worker. */
import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Pages reachable by a clean URL, each a file in the built app. */
export const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/kiosk': 'kiosk.html',
};

export async function appShellRoutes(app: FastifyInstance, publicDir: string): Promise<void> {
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
  for (const [url, file] of Object.entries(PAGES)) {
    app.get(url, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile(file));
  }
}
