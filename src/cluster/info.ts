/**
 * What a cluster is: its name, engine, version and optional modules. Elasticsearch's
 * test distribution has no `GET /`, so the name comes from `_cluster/health` and the
 * rest from `_nodes/plugins` (one request for version, modules and plugins).
 */
import type { ClusterSnapshot } from './types.js';
import type { Conn } from './conn.js';
import { isStatus } from './retry.js';

export interface ClusterInfo {
  clusterName: string;
  /** The engine's version (the lowest of the nodes). */
  version: string;
  /** The registered engine: `elasticsearch`, `opensearch`. */
  engine: string;
}

export type Capabilities = ClusterSnapshot['capabilities'];

export interface NodeFacts {
  version: string;
  capabilities: Capabilities;
}

type NodesPlugins = { nodes?: Record<string, { version?: string; modules?: Array<{ name?: string }>; plugins?: Array<{ name?: string }> }> };

/**
 * Version (the lowest of the nodes) and capabilities (what every node has, as a module
 * or as an installed plugin: an assembled OpenSearch node may carry reindex as a
 * plugin) from `_nodes/plugins` (pure).
 */
export function parseNodeFacts(body: NodesPlugins): NodeFacts {
  const nodes = Object.values(body.nodes ?? {});
  const versions = nodes.map((n) => n.version).filter((v): v is string => typeof v === 'string');
  const version = versions.sort(compareVersions)[0] ?? 'unknown';
  const everyNodeHas = (module: string) =>
    nodes.length > 0 && nodes.every((n) => [...(n.modules ?? []), ...(n.plugins ?? [])].some((m) => m.name === module || m.name === `${module}-client`));
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
    const body = await conn.request('reading node versions and modules', {
      method: 'GET',
      path: '/_nodes/plugins',
      querystring: { filter_path: 'nodes.*.version,nodes.*.modules.name,nodes.*.plugins.name' },
    });
    return parseNodeFacts(body as NodesPlugins);
  } catch (err) {
    if (isStatus(err, 403)) return parseNodeFacts({});
    throw err;
  }
}

export async function readClusterName(conn: Conn): Promise<string> {
  const body = await conn.request<{ cluster_name: string }>('reading cluster health', {
    method: 'GET',
    path: '/_cluster/health',
    querystring: { filter_path: 'cluster_name' },
  });
  return body.cluster_name;
}
