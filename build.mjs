// Builds Doorline into dist/:
//   dist/public/   what the browser loads: pages; scripts, styles and the icon with a hash of
//                  their content in their names (ui/kiosk.7GQ2KXPE.js, styles.3F9A01BC.css);
//                  sw.js with its precache manifests; and a brotli (.br) and a gzip (.gz) copy
//                  of each text file, which the server sends to a browser that takes them
//   dist/server/   the Node server
//   dist/sw-build/ the bundled worker before Workbox injects the manifests (kept out of
//                  dist/public so it is never precached, and injected fresh every time)
// `node build.mjs --watch` rebuilds on every change.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { minify } from 'terser';
import { getManifest, injectManifest } from 'workbox-build';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const publicOut = path.join(dist, 'public');
const swBuild = path.join(dist, 'sw-build', 'sw.js');
const watch = process.argv.includes('--watch');

/**
 * A file whose name carries a hash of its content. Such a name never changes
 * content, so the server lets browsers keep it for a year without asking
 * (src/server/routes/app-shell.ts matches the same names), and Workbox
 * precaches it without a revision, taking it from the browser's HTTP cache
 * when the page has just loaded it instead of downloading it again.
 */
const FINGERPRINTED = /\.[0-9A-Z]{8}\.(?:js|css|svg|wasm)$/;

/** Files the browser may load; the server sends each as its .br or .gz copy when those are smaller. */
const COMPRESSIBLE = /\.(?:html|js|css|svg|webmanifest|wasm)$/;

/**
 * What each device precaches. Every device takes `shared` as its worker
 * installs; a role's part only once the device opens one of that part's
 * pages (sw/precache.ts). So a kiosk never downloads the staff pages and a
 * teacher's tablet never the kiosk. Each part has its own injection point in
 * the worker; every precachable file must be in exactly one part.
 */
const PRECACHE_PARTS = [
  { name: 'shared', injectionPoint: 'self.__WB_MANIFEST', globPatterns: ['styles.*.css'] },
  { name: 'kiosk', injectionPoint: 'self.__KIOSK_MANIFEST', globPatterns: ['kiosk.html', 'ui/kiosk.*.js'] },
  // Every staff device: the pages a teacher opens (the emergency roll call too, so it opens offline), and the style sheet every staff page loads.
  {
    name: 'staff',
    injectionPoint: 'self.__STAFF_MANIFEST',
    globPatterns: ['index.html', 'sign-in.html', 'roll.html', 'roll-call.html', 'staff.*.css', 'ui/{sign-in,roll,roll-call}.*.js'],
  },
  // The office's day, its students and its reports: only on a device that opens one of them.
  {
    name: 'office',
    injectionPoint: 'self.__OFFICE_MANIFEST',
    globPatterns: ['office.html', 'students.html', 'reports.html', 'ui/{office,students,reports}.*.js'],
  },
  // An admin's pages: set-up, the school's settings, staff accounts, kiosks and the roster import.
  {
    name: 'admin',
    injectionPoint: 'self.__ADMIN_MANIFEST',
    globPatterns: ['admin.html', 'setup.html', 'school.html', 'staff.html', 'ui/{admin,setup,school-settings,staff}.*.js'],
  },
  // The barcode library is most of the cards page: only an admin who prints cards takes it.
  { name: 'cards', injectionPoint: 'self.__CARDS_MANIFEST', globPatterns: ['cards.html', 'cards.*.css', 'ui/cards.*.js'] },
  // A kiosk reading cards by camera takes the barcode reader and its WebAssembly the first time it loads them.
  { name: 'camera', injectionPoint: 'self.__CAMERA_MANIFEST', globPatterns: ['ui/kiosk-camera.*.js', 'ui/zxing_reader.*.wasm'] },
];
const PRECACHABLE = ['**/*.{html,js,css,svg,webmanifest,wasm}'];
// The web manifest and the icon are only for installing the app, which the browser does online, fetching them itself;
// pages carry the icon inside them. Precached, they cost a kiosk's first install a request and its answer.
const NEVER_PRECACHED = ['sw.js', '**/*.map', '**/*.br', '**/*.gz', 'icon.*.svg', 'manifest.webmanifest'];

/**
 * Each page carries its icon as a data: URL (the content policy allows data:
 * images), so no device asks for it as a file: one request fewer per page on
 * a line where every request costs its headers and a round trip.
 */
const PAGE_ICON = '"/icon.svg" type="image/svg+xml"';

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
    entryPoints: {
      kiosk: 'src/ui/kiosk.ts',
      'sign-in': 'src/ui/sign-in.ts',
      admin: 'src/ui/admin.ts',
      roll: 'src/ui/roll.ts',
      'roll-call': 'src/ui/roll-call.ts',
      office: 'src/ui/office.ts',
      setup: 'src/ui/setup.ts',
      'school-settings': 'src/ui/school-settings.ts',
      students: 'src/ui/students.ts',
      reports: 'src/ui/reports.ts',
      staff: 'src/ui/staff.ts',
      cards: 'src/ui/cards.ts',
      // Loaded by the kiosk page only when its kiosk reads cards by camera (src/ui/kiosk.ts).
      'kiosk-camera': 'src/ui/kiosk-camera.ts',
    },
    entryNames: '[name].[hash]',
    // The barcode reader's WebAssembly, imported as a file: written beside the scripts under a hashed name.
    loader: { '.wasm': 'file' },
    assetNames: '[name].[hash]',
    publicPath: '/ui/',
    metafile: true,
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
    // Dexie's build for current browsers (the targets above): the same API, 2 KiB less on a kiosk's first install.
    alias: { dexie: 'dexie/dist/modern/dexie.mjs' },
  },
  server: {
    // The server and the command line (`npm run doorline -- …`), which shares its database code.
    entryPoints: { main: 'src/server/main.ts', cli: 'src/server/cli.ts' },
    outdir: path.join(dist, 'server'),
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

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** `/ui/kiosk.js` → `/ui/kiosk.7GQ2KXPE.js`, from esbuild's account of what it wrote. */
function scriptNames(metafile) {
  const names = new Map();
  for (const [output, { entryPoint }] of Object.entries(metafile.outputs)) {
    const entry = Object.entries(builds.ui.entryPoints).find(([, source]) => source === entryPoint);
    if (entry) names.set(`/ui/${entry[0]}.js`, `/${path.relative(publicOut, path.resolve(root, output))}`);
  }
  return names;
}

/** Files copied under a hashed name, and files whose links to them (and to the scripts) are rewritten. */
const HASHED_COPY = /\.(?:css|svg)$/;
const LINKING = /\.(?:html|webmanifest)$/;

/**
 * Copies public/ into dist/public: each style sheet and image under a hashed
 * name, each page and the web manifest with their links pointed at the hashed
 * names. Files a watch rebuild left behind (older hashes) are removed, so they
 * are never precached.
 */
async function writePublic(metafile) {
  const renames = scriptNames(metafile);
  const entries = await fs.readdir(path.join(root, 'public'), { withFileTypes: true });
  const pages = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const from = path.join(root, 'public', entry.name);
    if (HASHED_COPY.test(entry.name)) {
      const body = await fs.readFile(from);
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 8).toUpperCase();
      const hashed = entry.name.replace(/\.(\w+)$/, `.${hash}.$1`);
      renames.set(`/${entry.name}`, `/${hashed}`);
      await fs.writeFile(path.join(publicOut, hashed), body);
    } else if (LINKING.test(entry.name)) {
      pages.push(entry.name);
    } else {
      await fs.copyFile(from, path.join(publicOut, entry.name));
    }
  }
  const referenced = new Set();
  // Only what a data: URL inside a double-quoted attribute needs escaped; the rest compresses better as it is.
  const svg = (await fs.readFile(path.join(root, 'public', 'icon.svg'), 'utf8')).trim().replaceAll('"', "'");
  const icon = `"data:image/svg+xml,${svg.replace(/[%#<>&\n\r\t]/g, encodeURIComponent)}" type="image/svg+xml"`;
  for (const name of pages) {
    let html = await fs.readFile(path.join(root, 'public', name), 'utf8');
    if (name.endsWith('.html')) html = html.replaceAll(PAGE_ICON, icon);
    for (const [plain, hashed] of renames) {
      const quoted = `"${plain}"`;
      if (!html.includes(quoted)) continue;
      html = html.replaceAll(quoted, `"${hashed}"`);
      referenced.add(plain);
    }
    await fs.writeFile(path.join(publicOut, name), html);
  }
  // A script, style sheet or image nothing links to would be precached and never used: a renamed file, most likely.
  const unused = [...renames.keys()].filter((plain) => !referenced.has(plain));
  if (unused.length > 0) throw new Error(`Nothing in public/ links to ${unused.join(', ')}`);
  await removeStale(publicOut, new Set([...renames.values()].filter((url) => !url.startsWith('/ui/')).map((url) => url.slice(1))));
}

/**
 * Removes from `dir` the hashed files (with their maps and compressed copies)
 * not named in `current`: what a watch rebuild left behind, which would
 * otherwise be precached. Each caller passes the files it has just written.
 */
async function removeStale(dir, current) {
  for (const name of await fs.readdir(dir).catch(() => [])) {
    const file = name.replace(/\.(?:br|gz)$/, '').replace(/\.map$/, '');
    if (FINGERPRINTED.test(file) && !current.has(file)) await fs.rm(path.join(dir, name), { force: true });
  }
}

/** The scripts (and the WebAssembly they import) esbuild has just written, by file name. */
const scriptFiles = (metafile) =>
  new Set(
    Object.keys(metafile.outputs)
      .map((output) => path.basename(output))
      .filter((name) => name.endsWith('.js') || name.endsWith('.wasm')),
  );

/**
 * A file's revision is the start of the SHA-256 of its content (Workbox's
 * own is an MD5, which a worker cannot compute): the worker can then take a
 * page the browser has just loaded from its HTTP cache, check it against the
 * manifest, and skip asking the server for it again (sw/precache.ts).
 */
async function contentRevisions(entries) {
  const manifest = await Promise.all(
    entries.map(async (entry) =>
      entry.revision === null
        ? entry
        : {
            ...entry,
            revision: createHash('sha256')
              .update(await fs.readFile(path.join(publicOut, entry.url)))
              .digest('hex')
              .slice(0, 32),
          },
    ),
  );
  return { manifest };
}

/**
 * Injects each precache part at its own point: from the bundle in dist/sw-build
 * through intermediate files there, the last pass writing dist/public/sw.js.
 */
async function injectPrecache() {
  const all = await getManifest({ globDirectory: publicOut, globPatterns: PRECACHABLE, globIgnores: [...NEVER_PRECACHED] });
  const placed = new Map(all.manifestEntries.map((entry) => [entry.url, []]));
  let source = await minifyWorker();
  const parts = {};
  for (const [index, part] of PRECACHE_PARTS.entries()) {
    const last = index === PRECACHE_PARTS.length - 1;
    const dest = last ? path.join(publicOut, 'sw.js') : path.join(dist, 'sw-build', `sw.${part.name}.js`);
    // Workbox adds to the ignore list it is given, so each call gets its own copy.
    const globs = () => ({
      globDirectory: publicOut,
      globPatterns: part.globPatterns,
      globIgnores: [...NEVER_PRECACHED],
      dontCacheBustURLsMatching: FINGERPRINTED,
      manifestTransforms: [contentRevisions],
    });
    for (const entry of (await getManifest(globs())).manifestEntries ?? []) placed.get(entry.url)?.push(part.name);
    const { count, size, warnings } = await injectManifest({
      ...globs(),
      swSrc: source,
      swDest: dest,
      injectionPoint: part.injectionPoint,
    });
    for (const warning of warnings) console.warn(`workbox: ${warning}`);
    parts[part.name] = { count, size };
    source = dest;
  }
  const misplaced = [...placed].filter(([, partsOf]) => partsOf.length !== 1);
  if (misplaced.length > 0)
    throw new Error(
      `Each file must be in exactly one precache part: ${misplaced.map(([url, p]) => `${url} (${p.join(', ') || 'none'})`).join('; ')}`,
    );
  return parts;
}

/**
 * The worker is most of a kiosk's first install (Dexie alone is over half of
 * it): a second pass with Terser over esbuild's output saves about 2 KiB on
 * the wire at 64 kbit/s. Property names are left alone, so the manifests'
 * injection points (`self.__WB_MANIFEST` …) survive for Workbox to find.
 */
async function minifyWorker() {
  const minified = path.join(dist, 'sw-build', 'sw.min.js');
  const { code } = await minify(await fs.readFile(swBuild, 'utf8'), {
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  await fs.writeFile(minified, code);
  return minified;
}

/** Writes a .br and a .gz copy next to each text file, each only where it is smaller than the file. */
async function compressPublic() {
  const files = [];
  for (const dir of ['', 'ui']) {
    for (const name of await fs.readdir(path.join(publicOut, dir)))
      if (COMPRESSIBLE.test(name)) files.push(path.join(publicOut, dir, name));
  }
  await Promise.all(
    files.map(async (file) => {
      const body = await fs.readFile(file);
      const [br, gz] = await Promise.all([
        brotli(body, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
        gzip(body, { level: zlib.constants.Z_BEST_COMPRESSION }),
      ]);
      for (const [suffix, packed] of [
        ['.br', br],
        ['.gz', gz],
      ]) {
        if (packed.length < body.length) await fs.writeFile(file + suffix, packed);
        else await fs.rm(file + suffix, { force: true });
      }
    }),
  );
}

/** Everything after the bundles: public files, the worker's manifests, the compressed copies. */
async function assemble(uiMetafile) {
  await writePublic(uiMetafile);
  const parts = await injectPrecache();
  await compressPublic();
  return parts;
}

const describeParts = (parts) =>
  Object.entries(parts)
    .map(([name, { count, size }]) => `${name} ${count} files, ${(size / 1024).toFixed(1)} KiB`)
    .join('; ');

async function buildOnce() {
  const started = Date.now();
  await fs.rm(dist, { recursive: true, force: true });
  await fs.mkdir(publicOut, { recursive: true });
  const [ui] = await Promise.all(Object.values(builds).map((options) => esbuild.build(options)));
  const parts = await assemble(ui.metafile);
  console.log(`Built dist/ in ${Date.now() - started} ms (precached: ${describeParts(parts)}).`);
}

async function watchAll() {
  await fs.rm(dist, { recursive: true, force: true });
  await fs.mkdir(publicOut, { recursive: true });
  let uiMetafile = null;
  let swBuilt = false;
  let pending = Promise.resolve();
  // Every rebuild of the UI or the worker changes the pages' links, what the worker must precache and the compressed copies.
  const reassemble = () => {
    if (!uiMetafile || !swBuilt) return;
    // The latest scripts when this turn comes, not when it was asked for.
    pending = pending
      .then(() => assemble(uiMetafile))
      .then(
        (parts) => console.log(`Rebuilt; precached: ${describeParts(parts)}.`),
        (error) => console.error('Assembling dist/public failed:', error.message),
      );
  };
  const onEnd = (record) => ({
    name: 'reassemble',
    setup: (build) =>
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        record(result);
        reassemble();
      }),
  });
  const contexts = await Promise.all([
    esbuild.context({
      ...builds.ui,
      plugins: [
        onEnd((result) => {
          uiMetafile = result.metafile;
          pending = pending.then(() => removeStale(path.join(publicOut, 'ui'), scriptFiles(result.metafile)));
        }),
      ],
    }),
    esbuild.context({ ...builds.sw, plugins: [onEnd(() => (swBuilt = true))] }),
    esbuild.context(builds.server),
  ]);
  await Promise.all(contexts.map((context) => context.watch()));
  const { watch: watchFiles } = await import('node:fs');
  watchFiles(path.join(root, 'public'), { recursive: true }, reassemble);
  console.log('Watching src/, sw/ and public/; restart the server to pick up server changes.');
}

await (watch ? watchAll() : buildOnce());
