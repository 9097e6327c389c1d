/**
 * Whether an index was written between two moments, read without reading its documents:
 * its primaries' highest sequence numbers. Every index, update and delete of a document
 * takes the next sequence number of its shard; refreshes, flushes and merges take none.
 * So two equal marks (the same indices by UUID, the same shards, the same numbers) mean
 * that no document was written or deleted in between, and a mark whose numbers are all
 * -1 belongs to an index no document was ever written to (refreshed or not).
 */
import { indexPath, type Conn } from './conn.js';

/** `<uuid>/<shard>:<max_seq_no>` of every primary, sorted and comma-joined. */
export type WriteMark = string;

type ShardStats = { routing?: { primary?: boolean }; seq_no?: { max_seq_no?: number } };
type Stats = { indices?: Record<string, { uuid?: string; shards?: Record<string, ShardStats[]> }> };

/** The mark of an index (or of every index behind an alias), or null when the engine does not say. */
export async function writeMark(conn: Conn, index: string): Promise<WriteMark | null> {
  const res = await conn.request<Stats>(`reading the sequence numbers of ${index}`, {
    method: 'GET',
    path: indexPath(index, '/_stats/docs'),
    querystring: { level: 'shards', filter_path: 'indices.*.uuid,indices.*.shards.*.routing.primary,indices.*.shards.*.seq_no.max_seq_no' },
  });
  return markOf(res);
}

/** The mark an answer of `_stats?level=shards` gives (pure); null when a primary lacks its number. */
export function markOf(stats: Stats): WriteMark | null {
  const parts: string[] = [];
  for (const info of Object.values(stats.indices ?? {})) {
    if (!info.uuid) return null;
    for (const [shard, copies] of Object.entries(info.shards ?? {})) {
      const primary = copies.find((c) => c.routing?.primary);
      const max = primary?.seq_no?.max_seq_no;
      if (typeof max !== 'number') return null;
      parts.push(`${info.uuid}/${shard}:${max}`);
    }
  }
  return parts.length === 0 ? null : parts.sort().join(',');
}

/** No document was ever written to the index the mark is of. */
export function neverWritten(mark: WriteMark): boolean {
  return mark.split(',').every((part) => part.endsWith(':-1'));
}
