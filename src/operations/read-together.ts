/**
 * What a read-only command reads, all in flight together: the cluster snapshot, the
 * state (sql.js, unless there is no state file) and git start while the manifests parse. A problem in the
 * manifests is reported first, whatever else fails; the rest is awaited after.
 */
import { existsSync } from 'node:fs';
import type { ClusterSnapshot } from '../cluster/types.js';
import type { GitInfo } from '../git/info.js';
import type { Manifest } from '../manifest/types.js';
import type { Session, StateView } from './session.js';

export interface ReadTogether<Store extends boolean> {
  manifests: Manifest[];
  snapshot: ClusterSnapshot;
  store: Store extends true ? StateView : null;
  git: GitInfo | null;
}

export async function readTogether<Store extends boolean>(
  s: Session,
  want: { store: Store; git: boolean; /** No manifests directory means no manifests (`list --es-only`). */ manifestsIfPresent?: boolean },
): Promise<ReadTogether<Store>> {
  // The cluster first: its round trips then run while the rest is read and parsed here.
  const snapshot = s.cluster().then((c) => c.snapshot(s.prefix));
  const git = want.git ? s.git() : Promise.resolve(null);
  const store = want.store ? s.stateView() : Promise.resolve(null);
  const manifests = want.manifestsIfPresent && !existsSync(s.config.manifestsDir) ? Promise.resolve([]) : s.manifests();
  for (const p of [snapshot, store, git]) p.catch(() => undefined);
  const loaded = await manifests;
  const [snap, st, g] = await Promise.all([snapshot, store, git]);
  return { manifests: loaded, snapshot: snap, store: st as ReadTogether<Store>['store'], git: g };
}
