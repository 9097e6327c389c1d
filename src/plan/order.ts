/**
 * The order masters are planned and applied in: a master whose source is a
 * reindex from another master comes after that master (SPEC §7); otherwise by
 * name. Pure.
 */
import { InvalidInputError } from '../errors.js';
import { cycleWords, dependencyCycles, reindexesFrom } from '../manifest/dependencies.js';
import type { Manifest } from '../manifest/types.js';

/** `manifests` sorted by name, reordered so that every master follows the one it reads from (when that one is in the list). */
export function dependencyOrder(manifests: readonly Manifest[]): Manifest[] {
  const byName = new Map(manifests.map((m) => [m.name, m]));
  const edges = new Map<string, string>();
  for (const m of manifests) {
    const from = reindexesFrom(m);
    if (from !== null && byName.has(from)) edges.set(m.name, from);
  }
  const cycle = dependencyCycles(edges)[0];
  if (cycle) {
    const m = byName.get(cycle[0]!)!;
    throw new InvalidInputError(`masters ${cycleWords(cycle)} reindex from each other: a dependency cycle cannot be applied`, [
      { file: m.origin.file, line: m.origin.line, col: m.origin.col, message: `dependency cycle ${cycleWords(cycle)}` },
    ]);
  }
  const out: Manifest[] = [];
  const placed = new Set<string>();
  const place = (m: Manifest) => {
    if (placed.has(m.name)) return;
    const from = edges.get(m.name);
    if (from !== undefined) place(byName.get(from)!);
    placed.add(m.name);
    out.push(m);
  };
  for (const m of manifests) place(m);
  return out;
}
