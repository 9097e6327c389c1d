/**
 * Masters that read another master (`source: {type: reindex, from: <master>}`)
 * depend on it: it is planned and applied first (SPEC §3, §7). A cycle of such
 * sources can never be applied and is a validation error.
 */
import type { Problem } from '../errors.js';
import type { Declared } from './declared.js';
import type { Manifest } from './types.js';

/** The master a manifest reads from, or null (`from: active` reads the master's own alias). */
export function reindexesFrom(m: Pick<Manifest, 'spec'>): string | null {
  const s = m.spec.source;
  return s?.type === 'reindex' && s.from !== 'active' ? s.from : null;
}

/** Every dependency cycle, each as its masters in order (`a → b → a` is ['a', 'b']), found from the lowest name. */
export function dependencyCycles(edges: ReadonlyMap<string, string>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  for (const start of [...edges.keys()].sort()) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !done.has(at) && !path.includes(at)) {
      path.push(at);
      at = edges.get(at);
    }
    if (at !== undefined && path.includes(at)) cycles.push(path.slice(path.indexOf(at)));
    for (const n of path) done.add(n);
  }
  return cycles;
}

export function cycleWords(cycle: readonly string[]): string {
  return [...cycle, cycle[0]!].join(' → ');
}

/** `esm validate`: one problem per master of a cycle, at its `spec.source.from`. */
export function dependencyProblems(declared: readonly Declared[]): Problem[] {
  const edges = new Map<string, string>();
  const byName = new Map<string, Declared>();
  for (const d of declared) {
    const name = at(d.data, 'metadata', 'name');
    const from = at(d.data, 'spec', 'source', 'from');
    if (typeof name !== 'string' || byName.has(name)) continue;
    byName.set(name, d);
    if (at(d.data, 'spec', 'source', 'type') === 'reindex' && typeof from === 'string' && from !== 'active') edges.set(name, from);
  }
  const problems: Problem[] = [];
  for (const cycle of dependencyCycles(edges)) {
    for (const name of cycle) {
      const from = edges.get(name)!;
      problems.push(
        byName
          .get(name)!
          .problemAt(
            ['spec', 'source', 'from'],
            `spec.source.from "${from}" makes a dependency cycle (${cycleWords(cycle)}): a master cannot be reindexed from a master that is reindexed from it`,
          ),
      );
    }
  }
  return problems;
}

function at(v: unknown, ...path: string[]): unknown {
  for (const step of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}
