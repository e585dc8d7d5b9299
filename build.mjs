// Builds Doorline into dist/:
//   dist/public/   what the browser loads (pages, ui/*.js, sw.js with its precache manifest)
//   dist/server/   the Node server
//   dist/sw-build/ the bundled worker before Workbox injects the manifest (kept out of
//                  dist/public so it is never precached, and injected fresh every time)
// `node build.mjs --watch` rebuilds on every change.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { injectManifest } from 'workbox-build';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const publicOut = path.join(dist, 'public');
const swBuild = path.join(dist, 'sw-build', 'sw.js');
const watch = process.argv.includes('--watch');

const browser = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['chrome109', 'firefox115', 'safari16'],
  // Without this Workbox ships its development logging.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

const builds = {
  ui: {
    ...browser,
    entryPoints: { kiosk: 'src/ui/kiosk.ts', 'sign-in': 'src/ui/sign-in.ts', admin: 'src/ui/admin.ts', roll: 'src/ui/roll.ts', office: 'src/ui/office.ts' },
    outdir: path.join(publicOut, 'ui'),
    format: 'esm',
    tsconfig: 'src/ui/tsconfig.json',
  },
  sw: {
    ...browser,
    entryPoints: ['sw/sw.ts'],
    outfile: swBuild,
    format: 'iife',
    sourcemap: false,
    tsconfig: 'sw/tsconfig.json',
  },
  server: {
    entryPoints: ['src/server/main.ts'],
    outfile: path.join(dist, 'server', 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: 'src/server/tsconfig.json',
    logLevel: 'warning',
  },
};

async function copyPublic() {
  await fs.cp(path.join(root, 'public'), publicOut, { recursive: true });
}

async function injectPrecache() {
  const { count, size, warnings } = await injectManifest({
    swSrc: swBuild,
    swDest: path.join(publicOut, 'sw.js'),
    globDirectory: publicOut,
    globPatterns: ['**/*.{html,js,css,svg,webmanifest}'],
    globIgnores: ['sw.js', '**/*.map'],
  });
  for (const warning of warnings) console.warn(`workbox: ${warning}`);
  return { count, size };
}

async function buildOnce() {
  const started = Date.now();
  await fs.rm(dist, { recursive: true, force: true });
  await copyPublic();
  await Promise.all(Object.values(builds).map((options) => esbuild.build(options)));
  const { count, size } = await injectPrecache();
  console.log(`Built dist/ in ${Date.now() - started} ms (${count} files precached, ${(size / 1024).toFixed(1)} KiB).`);
}

async function watchAll() {
  await fs.rm(dist, { recursive: true, force: true });
  await copyPublic();
  let pending = Promise.resolve();
  // Every rebuild of the UI or the worker changes what the worker must precache.
  const reinject = () => {
    pending = pending.then(injectPrecache).then(
      ({ count }) => console.log(`Rebuilt; ${count} files precached.`),
      (error) => console.error('Precache injection failed:', error.message),
    );
  };
  const onEnd = { name: 'reinject', setup: (build) => build.onEnd((result) => result.errors.length === 0 && reinject()) };
  const contexts = await Promise.all([
    esbuild.context({ ...builds.ui, plugins: [onEnd] }),
    esbuild.context({ ...builds.sw, plugins: [onEnd] }),
    esbuild.context(builds.server),
  ]);
  await Promise.all(contexts.map((context) => context.watch()));
  const { watch: watchFiles } = await import('node:fs');
  watchFiles(path.join(root, 'public'), { recursive: true }, () => copyPublic().then(reinject));
  console.log('Watching src/, sw/ and public/; restart the server to pick up server changes.');
}

await (watch ? watchAll() : buildOnce());
