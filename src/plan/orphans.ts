/** Masters the cluster or the state file knows but no manifest declares: reported, never deleted. */
import type { PlanHistory, PlanSnapshot } from './inputs.js';
import { isOwnInstance } from './naming.js';
import type { PlanWarning } from './types.js';

export function orphanWarnings(declared: Set<string>, prefix: string, snapshot: PlanSnapshot, history: PlanHistory): PlanWarning[] {
  const inCluster = new Map<string, string[]>();
  for (const index of snapshot.indices) {
    const meta = index.meta;
    // Only this environment's indices: with a shared cluster, `qa1_movies-1` also says `master: movies`.
    if (!meta || declared.has(meta.master) || !isOwnInstance(prefix, index)) continue;
    inCluster.set(meta.master, [...(inCluster.get(meta.master) ?? []), index.name]);
  }
  const inState = new Set<string>();
  for (const m of history.masters) {
    if (declared.has(m.name)) continue;
    const live = m.activeInstance !== null || history.instances.some((i) => i.master === m.name && !i.dropped);
    if (live) inState.add(m.name);
  }
  const names = [...new Set([...inCluster.keys(), ...inState])].sort();
  return names.map((master) => {
    const indices = (inCluster.get(master) ?? []).sort();
    const where = [
      indices.length ? `its indices ${indices.join(', ')} are in the cluster` : '',
      inState.has(master) ? 'the state file records it' : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      code: 'orphan',
      master,
      message: `no manifest declares master ${master}, but ${where}; apply never deletes them (use esm drop to remove them)`,
    };
  });
}
