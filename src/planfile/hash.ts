/** The `base` hashes of a plan: what, in the cluster, a plan depends on. */
import { createHash } from 'node:crypto';
import type { ClusterSnapshot } from '../cluster/types.js';
import type { LiveCompanions } from '../cluster/companions.js';
import { stableJson } from '../fingerprint/canonical-value.js';

/**
 * Hash of the managed part of the cluster: index names, their aliases and their
 * `_meta.esm` (fingerprint, fill and update marks), and the companion objects when they
 * were read. Document counts are left out: applications write all the time, and that
 * does not make a plan stale.
 */
export function clusterHash(snapshot: ClusterSnapshot, companions?: LiveCompanions): string {
  const indices = snapshot.indices
    .map((i) => ({ name: i.name, aliases: [...i.aliases].sort(), meta: i.meta }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const aliases = Object.keys(snapshot.aliases)
    .sort()
    .map((a) => [a, [...(snapshot.aliases[a] ?? [])].sort()]);
  const live = companions
    ? { pipelines: companions.pipelines, indexTemplates: companions.indexTemplates, componentTemplates: companions.componentTemplates, scripts: companions.scripts, synonymSets: companions.synonymSets }
    : undefined;
  return sha256(stableJson({ prefix: snapshot.prefix, indices, aliases, ...(live ? { companions: live } : {}) }));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
