/** How outputs name the cluster they read (SPEC §10): `cluster esm-test (OpenSearch 2.19.6)`. */
import { engineLabel } from '../cluster/engines.js';
import type { ClusterIdentity } from '../plan/types.js';

export function clusterWords(c: ClusterIdentity): string {
  return `cluster ${c.name} (${engineLabel(c.engine)} ${c.version})`;
}
