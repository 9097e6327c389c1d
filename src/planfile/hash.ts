/** The `base` hashes of a plan: what, in the cluster, a plan depends on. */
import { createHash } from 'node:crypto';
import type { ClusterSnapshot } from '../cluster/types.js';
import { stableJson } from '../fingerprint/canonical-value.js';

/**
 * Hash of the managed part of the cluster: index names, their aliases and their
 * `_meta.esm` (fingerprint, fill and update marks). Document counts are left out:
 * applications write all the time, and that does not make a plan stale.
 */
export function clusterHash(snapshot: ClusterSnapshot): string {
  const indices = snapshot.indices
    .map((i) => ({ name: i.name, aliases: [...i.aliases].sort(), meta: i.meta }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const aliases = Object.keys(snapshot.aliases)
    .sort()
    .map((a) => [a, [...(snapshot.aliases[a] ?? [])].sort()]);
  return sha256(stableJson({ prefix: snapshot.prefix, indices, aliases }));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
