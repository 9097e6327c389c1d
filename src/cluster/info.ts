/**
 * What a cluster is: its name, engine, version and optional modules. Elasticsearch's
 * test distribution has no `GET /`, so the name comes from `_cluster/health` and the
 * rest from `_nodes/plugins,thread_pool` (one request for version, modules, plugins and write threads).
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
  /** Threads of the `write` pool over every data node (null: not told): how many bulk requests the cluster works on at once. */
  writeThreads: number | null;
  /** Data nodes (roles `data`, `data_hot`, …; null: not told, e.g. without the `monitor` privilege). */
  dataNodes: number | null;
}

type NodesPlugins = {
  nodes?: Record<
    string,
    { version?: string; roles?: string[]; modules?: Array<{ name?: string }>; plugins?: Array<{ name?: string }>; thread_pool?: { write?: { size?: number } } }
  >;
};

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
  return { version, capabilities: { reindex, deleteByQuery: reindex }, writeThreads: writeThreadsOf(nodes), dataNodes: nodes.length === 0 ? null : dataNodesOf(nodes).length };
}

function dataNodesOf<N extends { roles?: string[] }>(nodes: N[]): N[] {
  return nodes.filter((n) => n.roles === undefined || n.roles.some((r) => r === 'data' || r.startsWith('data_')));
}

/** Sum of the write pool sizes of the data nodes (roles `data`, `data_hot`, …); null when a size is missing. */
function writeThreadsOf(nodes: NonNullable<NodesPlugins['nodes']>[string][]): number | null {
  const data = dataNodesOf(nodes);
  const sizes = data.map((n) => n.thread_pool?.write?.size);
  if (sizes.length === 0 || sizes.some((x) => typeof x !== 'number' || !(x > 0))) return null;
  return (sizes as number[]).reduce((a, b) => a + b, 0);
}

/**
 * Bulk requests in flight by default: one per write thread of the cluster (a request to
 * a one-shard instance keeps one thread busy), at least 2 so that one request is built
 * while the other is indexed, at most 8 (each holds up to 5 MB in this process).
 */
export function bulkConcurrencyFor(writeThreads: number | null): number {
  if (writeThreads === null) return 2;
  return Math.min(8, Math.max(2, writeThreads));
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
      path: '/_nodes/plugins,thread_pool',
      querystring: { filter_path: 'nodes.*.version,nodes.*.roles,nodes.*.modules.name,nodes.*.plugins.name,nodes.*.thread_pool.write.size' },
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
