/**
 * src/shared is the one model every realm imports, so it must read as a tree:
 * no circle of imports (types included, which the linter's cycle rule skips)
 * and no module passing on another module's names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const shared = fileURLToPath(new URL('../../src/shared/', import.meta.url));
const modules = fs.readdirSync(shared).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const source = (file: string) => fs.readFileSync(path.join(shared, file), 'utf8');

/** Every relative module a file names in an import or export, type-only ones included. */
function importsOf(file: string): string[] {
  const found = [...source(file).matchAll(/^(?:import|export)\s[^;]*?from\s+'\.\/([^']+)'/gms)].map((m) => m[1] as string);
  return [...new Set(found)];
}

function cycles(): string[][] {
  const graph = new Map(modules.map((m) => [m, importsOf(m)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, trail: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      found.push([...trail.slice(trail.indexOf(node)), node]);
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const m of modules) visit(m, []);
  return found;
}

describe('the shared model', () => {
  it('finds every module it reads imports from', () => {
    expect(modules.length).toBeGreaterThan(10);
    for (const m of modules) for (const target of importsOf(m)) expect(modules, `${m} imports ${target}`).toContain(target);
  });

  it('has no circle of imports, types included', () => {
    expect(cycles()).toEqual([]);
  });

  it('takes the record model from a leaf that imports nothing', () => {
    expect(importsOf('attendance-model.ts')).toEqual([]);
  });

  it('never passes on names another module declared', () => {
    const reexports = modules.flatMap((m) => {
      const text = source(m);
      const imported = new Set(
        [...text.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)].flatMap((x) =>
          (x[1] as string).split(',').map(
            (n) =>
              n
                .replace(/\btype\b/, '')
                .trim()
                .split(/\s+as\s+/)
                .at(-1) as string,
          ),
        ),
      );
      const fromOthers = [...text.matchAll(/^export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s+from\s/gm)].map((x) => `${m}: ${x[0]}`);
      const passedOn = [...text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\};?$/gm)]
        .flatMap((x) => (x[1] as string).split(',').map((n) => n.replace(/\btype\b/, '').trim()))
        .filter((n) => imported.has(n))
        .map((n) => `${m}: ${n}`);
      return [...fromOthers, ...passedOn];
    });
    expect(reexports).toEqual([]);
  });
});
