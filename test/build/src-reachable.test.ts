/**
 * Every module under src/ is part of the product: reachable from the CLI (src/cli.ts)
 * or the library (src/index.ts), statically or through a lazy import(). A module only
 * tests import (a builder, a fixture) belongs in test/support/ (STYLE habit 10). And
 * arrows point one way: no import cycle, however long, and the layers of STYLE's
 * layout keep to their side (the pure planner reads no cluster or history module, a
 * use case returns numbers and text for the shell to render).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'src');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return modules(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The module a relative specifier names (`./x.js` is `./x.ts` or `./x.tsx`). */
function resolveSpecifier(from: string, spec: string, known: Set<string>): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/** Every module under src/ with the modules it names (types included). */
function importGraph(): Map<string, Set<string>> {
  const all = new Set(modules(SRC));
  return new Map([...all].map((f) => [f, new Set([...readFileSync(f, 'utf8').matchAll(IMPORT)].map((m) => resolveSpecifier(f, m[1]!, all)).filter((t): t is string => t !== null))]));
}

/** The groups of modules that reach each other (strongly connected components of two or more), each sorted. */
function importCycles(imports: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of imports.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const v of imports.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** `src/plan/diff.ts` → `plan`; a module at the top of src/ → its file name. */
const layerOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0]!;

/**
 * Which layers may import a layer: the renderers and the Ink views are the shell's (the CLI,
 * the commands, the library's exports); plan/ decides from plain data (plan/inputs.ts), so it
 * reads no cluster, history or executor module, not even for a type.
 */
const MAY_IMPORT: Record<string, (from: string) => boolean> = {
  render: (from) => ['cli.ts', 'index.ts', 'commands', 'render', 'ui'].includes(from),
  ui: (from) => ['cli.ts', 'index.ts', 'commands', 'ui'].includes(from),
  cluster: (from) => from !== 'plan',
  history: (from) => from !== 'plan',
  apply: (from) => from !== 'plan',
  operations: (from) => from !== 'plan',
};

describe('src/', () => {
  it('holds only modules the CLI or the library reach: nothing there is imported by tests alone', () => {
    const all = new Set(modules(SRC));
    const reached = new Set<string>();
    const queue = [path.join(SRC, 'cli.ts'), path.join(SRC, 'index.ts')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = resolveSpecifier(file, m[1]!, all);
        if (target && !reached.has(target)) queue.push(target);
      }
    }
    expect([...all].filter((f) => !reached.has(f)).map((f) => path.relative(ROOT, f)).sort()).toEqual([]);
  });

  it('has no import cycle (types included): no module reaches itself through its imports, however long the way', () => {
    const imports = importGraph();
    expect(importCycles(imports).map((cycle) => cycle.map((f) => path.relative(ROOT, f)).join(' -> '))).toEqual([]);
  });

  it('has no wrong-way arrow between layers: render/ and ui/ only from the shell, plan/ reads no cluster, history, apply or operations module', () => {
    const wrong = [...importGraph()].flatMap(([from, targets]) =>
      [...targets]
        .filter((to) => layerOf(to) !== layerOf(from) && MAY_IMPORT[layerOf(to)]?.(layerOf(from)) === false)
        .map((to) => `${path.relative(ROOT, from)} -> ${path.relative(ROOT, to)}`),
    );
    expect(wrong).toEqual([]);
  });
});
