/**
 * How far an index is from green (SPEC §13: activation waits until the instance is
 * green): its shard copies by state, from `_cluster/health/<index>`, and — when some
 * stay unassigned — the engine's own words for why, from `_cluster/allocation/explain`.
 */
import { indexPath, type Conn } from './conn.js';

export type HealthStatus = 'green' | 'yellow' | 'red';

export interface IndexHealth {
  status: HealthStatus;
  /** Shard copies (primaries and replicas) by state. */
  activePrimaryShards: number;
  activeShards: number;
  initializingShards: number;
  relocatingShards: number;
  unassignedShards: number;
  /** Data nodes in the cluster now. */
  dataNodes: number;
}

interface HealthBody {
  status?: string;
  active_primary_shards?: number;
  active_shards?: number;
  initializing_shards?: number;
  relocating_shards?: number;
  unassigned_shards?: number;
  number_of_data_nodes?: number;
}

/** The health of one index (no waiting on the server: callers poll and report as they go). */
export async function indexHealth(conn: Conn, index: string, signal?: AbortSignal): Promise<IndexHealth> {
  const b = await conn.request<HealthBody>(`reading the health of ${index}`, { method: 'GET', path: `/_cluster/health${indexPath(index)}` }, { signal });
  const status: HealthStatus = b.status === 'green' || b.status === 'yellow' ? b.status : 'red';
  return {
    status,
    activePrimaryShards: b.active_primary_shards ?? 0,
    activeShards: b.active_shards ?? 0,
    initializingShards: b.initializing_shards ?? 0,
    relocatingShards: b.relocating_shards ?? 0,
    unassignedShards: b.unassigned_shards ?? 0,
    dataNodes: b.number_of_data_nodes ?? 0,
  };
}

type ShardRow = { shard?: string; prirep?: string; state?: string };
type Explain = {
  allocate_explanation?: string;
  unassigned_info?: { reason?: string; details?: string };
  node_allocation_decisions?: Array<{ node_name?: string; deciders?: Array<{ explanation?: string }> }>;
};

/**
 * Why a shard copy of `index` is unassigned, in the engine's words (its first unassigned
 * copy, primaries first), or null when none is or the engine does not say. Best effort.
 */
export async function unassignedReason(conn: Conn, index: string): Promise<string | null> {
  try {
    const rows = await conn.request<ShardRow[]>(`listing the shards of ${index}`, {
      method: 'GET',
      path: `/_cat/shards${indexPath(index)}`,
      querystring: { format: 'json', h: 'shard,prirep,state' },
    });
    const unassigned = rows.filter((r) => r.state === 'UNASSIGNED').sort((a, b) => (a.prirep === 'p' ? -1 : 0) - (b.prirep === 'p' ? -1 : 0));
    const first = unassigned[0];
    if (!first) return null;
    const primary = first.prirep === 'p';
    const e = await conn.request<Explain>(`explaining the allocation of ${index}`, {
      method: 'POST',
      path: '/_cluster/allocation/explain',
      body: { index, shard: Number(first.shard), primary },
    });
    const decider = e.node_allocation_decisions?.flatMap((d) => (d.deciders ?? []).map((x) => ({ node: d.node_name, why: x.explanation }))).find((x) => x.why);
    const parts = [
      `${primary ? 'primary' : 'a replica of'} shard ${first.shard}${unassigned.length > 1 ? ` (and ${unassigned.length - 1} more cop${unassigned.length === 2 ? 'y' : 'ies'})` : ''} is unassigned`,
      e.unassigned_info?.reason ? `since ${e.unassigned_info.reason}${e.unassigned_info.details ? ` (${e.unassigned_info.details})` : ''}` : null,
      e.allocate_explanation ?? null,
      decider ? `e.g. on ${decider.node ?? 'a node'}: ${decider.why}` : null,
    ];
    return parts.filter((p): p is string => p !== null).join('; ');
  } catch {
    return null;
  }
}

/** The primary term of each shard of `index`, from the cluster state's metadata. */
export async function primaryTerms(conn: Conn, index: string): Promise<number[]> {
  const b = await conn.request<{ metadata?: { indices?: Record<string, { primary_terms?: Record<string, number> | number[] }> } }>(
    `reading the primary terms of ${index}`,
    { method: 'GET', path: `/_cluster/state/metadata${indexPath(index)}`, querystring: { filter_path: 'metadata.indices.*.primary_terms' } },
  );
  const terms = Object.values(b.metadata?.indices ?? {})[0]?.primary_terms;
  if (!terms) return [];
  return Array.isArray(terms) ? terms : Object.keys(terms).sort((a, b) => Number(a) - Number(b)).map((k) => terms[k]!);
}
