/**
 * Whether a cluster can ever make an instance green (SPEC §13): a replica is never
 * placed on the node that holds its primary, nor beside another copy of its shard,
 * so `number_of_replicas` replicas need that many data nodes more than one. Pure.
 */
import { canonicalSettings } from '../fingerprint/index.js';

export interface ReplicaNeed {
  /** The replicas of each shard the settings ask for, at least (the lower bound of `auto_expand_replicas`). */
  replicas: number;
  /** `auto_expand_replicas` is set: the engine fits the replicas to the data nodes (up to its upper bound). */
  autoExpand: boolean;
}

/** What the settings ask for (the engine's default, 1 replica, when they say nothing). */
export function replicaNeed(settings: Record<string, unknown>): ReplicaNeed {
  const s = canonicalSettings(settings);
  const auto = s['auto_expand_replicas'];
  if (typeof auto === 'string' && auto !== 'false') {
    const low = Number.parseInt(auto.split('-')[0] ?? '0', 10);
    return { replicas: Number.isFinite(low) ? low : 0, autoExpand: true };
  }
  const n = Number.parseInt(String(s['number_of_replicas'] ?? '1'), 10);
  return { replicas: Number.isFinite(n) && n >= 0 ? n : 1, autoExpand: false };
}

/**
 * The health an instance with these settings can reach on a cluster of `dataNodes`
 * data nodes: green when every replica can be placed (or the count is unknown), yellow
 * (every primary active) when some never can.
 */
export function reachableHealth(settings: Record<string, unknown>, dataNodes: number | null | undefined): 'green' | 'yellow' {
  if (dataNodes === null || dataNodes === undefined) return 'green';
  return replicaNeed(settings).replicas <= dataNodes - 1 ? 'green' : 'yellow';
}
