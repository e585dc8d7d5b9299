// `npm run bench [-- name ...]`: runs the named benchmarks (all when none is named).
// Each prints one JSON line per result on stdout. Benchmarks are TypeScript;
// esbuild bundles each one so it can share code with the tests and the app.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${available.join(', ')}.`);
  process.exit(2);
}

for (const name of asked.length > 0 ? asked : available) {
  const outfile = path.join(root, 'dist', 'bench', `${name}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(here, `${name}.bench.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  console.error(`bench: ${name}`);
  const module = await import(pathToFileURL(outfile).href);
  await module.run();
}
