/**
 * What a cluster is: its name, version and optional modules. The test distribution
 * has no `GET /`, so the name comes from `_cluster/health` and the rest from
 * `_nodes/plugins` (one request for version and modules).
 */
import type { ClusterSnapshot } from './types.js';
import type { Conn } from './conn.js';
import { isStatus } from './retry.js';

export interface ClusterInfo {
  clusterName: string;
  version: string;
}

export type Capabilities = ClusterSnapshot['capabilities'];

export interface NodeFacts {
  version: string;
  capabilities: Capabilities;
}

type NodesPlugins = { nodes?: Record<string, { version?: string; modules?: Array<{ name?: string }> }> };

/** Version (the lowest of the nodes) and capabilities (modules every node has) from `_nodes/plugins` (pure). */
export function parseNodeFacts(body: NodesPlugins): NodeFacts {
  const nodes = Object.values(body.nodes ?? {});
  const versions = nodes.map((n) => n.version).filter((v): v is string => typeof v === 'string');
  const version = versions.sort(compareVersions)[0] ?? 'unknown';
  const everyNodeHas = (module: string) =>
    nodes.length > 0 && nodes.every((n) => (n.modules ?? []).some((m) => m.name === module));
  const reindex = everyNodeHas('reindex');
  // `_reindex`, `_delete_by_query` and `_update_by_query` all live in the reindex module.
  return { version, capabilities: { reindex, deleteByQuery: reindex } };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Version and modules of the nodes. A user without the `monitor` cluster privilege
 * (403) gets version `unknown` and no optional capability: esm then takes the
 * client-side paths, which work everywhere.
 */
export async function readNodeFacts(conn: Conn): Promise<NodeFacts> {
  try {
    const body = await conn.call('reading node versions and modules', () =>
      conn.client.nodes.info({ metric: 'plugins', filter_path: ['nodes.*.version', 'nodes.*.modules.name'] }),
    );
    return parseNodeFacts(body as NodesPlugins);
  } catch (err) {
    if (isStatus(err, 403)) return parseNodeFacts({});
    throw err;
  }
}

export async function readClusterName(conn: Conn): Promise<string> {
  const body = await conn.call('reading cluster health', () => conn.client.cluster.health({ filter_path: ['cluster_name'] }));
  return body.cluster_name;
}
