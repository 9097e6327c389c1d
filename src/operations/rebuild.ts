/**
 * `esm state rebuild`: the state file's masters and instances, rebuilt from what
 * the cluster holds — the instances' `_meta.esm` and the masters' aliases. The
 * journal of actions is kept (and gains a `state_rebuild` action). A corrupt
 * state file is refused when the store opens, before anything is written.
 */
import type { ClusterSnapshot } from '../cluster/types.js';
import type { StateData } from '../history/types.js';
import { masterState } from '../plan/instances.js';
import { EMPTY_HISTORY, managedMasters } from './list.js';
import type { Session } from './session.js';

export interface RebuiltMaster {
  name: string;
  alias: string;
  active: string | null;
  instances: string[];
  /** Why no instance was recorded as active although the alias exists (e.g. it points at several). */
  conflicts: string[];
}

export interface RebuildResult {
  masters: RebuiltMaster[];
  /** What the state file held before: masters and (not dropped) instances. */
  before: { masters: number; instances: number };
}

/** The state as the cluster tells it (pure). `now` stands in for a missing creation time. */
export function stateFromCluster(prefix: string, snapshot: ClusterSnapshot, now: string): { data: StateData; masters: RebuiltMaster[] } {
  const data: StateData = { masters: [], instances: [] };
  const masters: RebuiltMaster[] = [];
  for (const name of managedMasters(prefix, snapshot)) {
    const st = masterState(name, prefix, snapshot, EMPTY_HISTORY);
    const managed = st.instances.filter((i) => i.index.meta !== null);
    for (const inst of managed) {
      const meta = inst.index.meta!;
      data.instances.push({
        name: inst.name,
        master: name,
        number: inst.number,
        fingerprint: meta.fingerprint,
        createdAt: meta.createdAt || now,
        commit: meta.commit,
        filledAt: meta.filledAt ?? null,
        lastUpdateAt: meta.lastUpdateAt ?? null,
      });
    }
    const active = st.active?.index.meta ? st.active.name : null;
    data.masters.push({ name, alias: st.alias, activeInstance: active });
    masters.push({ name, alias: st.alias, active, instances: managed.map((i) => i.name), conflicts: st.conflicts });
  }
  return { data, masters };
}

export async function rebuildState(s: Session): Promise<RebuildResult> {
  // Open the store first: a corrupt or foreign file is refused before the cluster is even asked.
  const store = await s.store();
  const view = store.view();
  const before = { masters: view.masters.length, instances: view.instances.filter((i) => !i.dropped).length };
  const cluster = await s.cluster();
  const snapshot = await cluster.snapshot(s.prefix);
  const { data, masters } = stateFromCluster(s.prefix, snapshot, s.now().toISOString());
  await s.record({ action: 'state_rebuild' }, async () => store.replaceAll(data));
  return { masters, before };
}
