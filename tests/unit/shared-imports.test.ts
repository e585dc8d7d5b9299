import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SHARED = path.resolve(import.meta.dirname, '../../src/shared');

/** Each shared module and the shared modules it imports (or re-exports from). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of fs.readdirSync(SHARED).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(SHARED, file), 'utf8');
    const targets = [...text.matchAll(/(?:import|export)[^;]*?from '\.\/([^']+)'/gs)].map((m) => m[1] as string);
    graph.set(file, targets);
  }
  return graph;
}

function cycleFrom(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'open') return [...trail.slice(trail.indexOf(file)), file];
    if (state.get(file) === 'done') return null;
    state.set(file, 'open');
    trail.push(file);
    for (const next of graph.get(file) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    trail.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const found = visit(file);
    if (found) return found;
  }
  return null;
}

describe('the shared modules', () => {
  it('import one another without a circle', () => {
    expect(cycleFrom(importGraph())).toBeNull();
  });

  it('take the record model from a leaf that imports nothing', () => {
    expect(importGraph().get('attendance-model.ts')).toEqual([]);
  });

  it('re-export nothing from another module', () => {
    for (const file of importGraph().keys()) {
      expect(fs.readFileSync(path.join(SHARED, file), 'utf8'), file).not.toMatch(/^export (type )?(\*|\{[^}]*\}) from /m);
    }
  });
});
