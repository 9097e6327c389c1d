/**
 * `esm reset --confirm <cluster-name>`: the seed's es_dangerous_reset. Drops every
 * esm-managed index of the prefix and forgets masters and instances in the state
 * (the journal is kept); the command then plans and applies from the manifests.
 */
import { isOwnInstance } from '../plan/naming.js';
import { RefusedError } from '../errors.js';
import type { Session } from './session.js';

/** Refuses (exit 4) unless `confirm` is the name of the cluster the session talks to. */
export async function assertResetConfirmed(s: Session, confirm: string | undefined): Promise<string> {
  const cluster = await s.cluster();
  const { clusterName } = await cluster.info();
  if (confirm !== clusterName) {
    const given = confirm === undefined ? 'no --confirm was given' : `--confirm "${confirm}" is not its name`;
    throw new RefusedError(
      `refusing to reset: this drops every esm-managed index${s.prefix ? ` with prefix "${s.prefix}"` : ''} on cluster "${clusterName}" (${s.config.url}), and ${given}. ` +
        `To go ahead, run: esm reset --confirm ${clusterName}`,
    );
  }
  return clusterName;
}

export interface ResetResult {
  dropped: string[];
}

/** Drops every managed index of the prefix and clears masters and instances in the state; one `reset` action. */
export async function resetManaged(s: Session): Promise<ResetResult> {
  const cluster = await s.cluster();
  const snapshot = await cluster.snapshot(s.prefix);
  const dropped = snapshot.indices.filter((i) => isOwnInstance(s.prefix, i)).map((i) => i.name);
  await s.record({ action: 'reset' }, async () => {
    if (dropped.length) await cluster.deleteIndices(dropped, { ignoreMissing: true });
    const store = await s.store();
    store.replaceAll({ masters: [], instances: [] });
  });
  return { dropped };
}
