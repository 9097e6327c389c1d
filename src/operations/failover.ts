/**
 * A tuned fill (`translog.durability: async`, no replicas) has its bulk requests
 * acknowledged before the translog is synced: a node that dies loses what its
 * primaries had not synced yet, and nothing tells the client. When the node comes
 * back, its primaries are allocated again with a higher primary term; while it is
 * away, the index is red. So a fill that wants to record what it wrote (a checkpoint,
 * the fill itself) first checks that no primary of the instance failed over since
 * it began and that none is missing (SPEC §13: a node that leaves mid-fill).
 */
import type { Cluster } from '../cluster/index.js';

export interface FailoverGuard {
  /** Why the instance's acknowledged writes may be lost (a primary failed over, or is missing), or null when none can be. */
  problem(): Promise<string | null>;
}

export async function failoverGuard(cluster: Cluster, index: string): Promise<FailoverGuard> {
  const before = await cluster.primaryTerms(index);
  return {
    async problem() {
      const [now, health] = await Promise.all([cluster.primaryTerms(index), cluster.indexHealth(index)]);
      const moved = failedOver(before, now);
      if (moved.length === 0 && health.status !== 'red') return null;
      const what =
        moved.length > 0
          ? `primary shard${moved.length === 1 ? '' : 's'} ${moved.join(', ')} of ${index} ${moved.length === 1 ? 'was' : 'were'} allocated again while it was filled (a node left)`
          : `a primary shard of ${index} is unavailable (its node left)`;
      return `${what}: documents acknowledged before the translog was synced (durability async while filling) may be lost, so the fill is not recorded as complete. Run esm apply again once every node is back: the fill resumes from its last durable checkpoint, or starts again`;
    },
  };
}

/** The shards whose primary term rose from `before` to `now` (a primary allocated again after a failure). */
export function failedOver(before: readonly number[], now: readonly number[]): number[] {
  return now.flatMap((t, shard) => (t > (before[shard] ?? t) ? [shard] : []));
}
