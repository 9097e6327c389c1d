/**
 * The cluster as the planner sees it, read in a constant number of requests
 * whatever the number of indices:
 *   1. `GET <prefix>*` — every index under the prefix with aliases, mappings and
 *      settings (the wildcard also matches aliases, so an index outside the prefix
 *      that a prefixed alias points at comes too: that is how a foreign alias shows);
 *   2. `GET _cluster/health/<prefix>*?level=indices` — cluster name and index health;
 *   3. one `_search` (size 0) with a `terms` aggregation on `_index` — top-level
 *      document counts (`_cat`/`_stats` would count nested documents too);
 *   4. `_nodes/plugins` — version and modules, once per connection.
 * With an empty prefix the pattern is `*`: open, non-hidden indices.
 */
import { parseMeta } from './meta.js';
import type { Conn } from './conn.js';
import type { NodeFacts } from './info.js';
import type { ClusterSnapshot, IndexSnapshot } from './types.js';

export function prefixPattern(prefix: string): string {
  return `${prefix}*`;
}

type GetIndexBody = Record<string, { aliases?: Record<string, unknown>; mappings?: unknown; settings?: unknown }>;

export interface RawSnapshot {
  prefix: string;
  clusterName: string;
  facts: NodeFacts;
  /** Body of the get-index API. */
  indices: GetIndexBody;
  /** index name -> top-level documents. */
  docs: Record<string, number>;
  /** index name -> green / yellow / red. */
  health: Record<string, string>;
}

/** Assemble the snapshot from the raw answers (pure). */
export function buildSnapshot(raw: RawSnapshot): ClusterSnapshot {
  const indices = Object.keys(raw.indices)
    .sort()
    .map((name) => indexSnapshot(name, raw.indices[name]!, raw.docs[name] ?? 0, raw.health[name]));
  const aliases: Record<string, string[]> = {};
  for (const ix of indices) {
    for (const alias of ix.aliases) {
      if (!alias.startsWith(raw.prefix)) continue;
      (aliases[alias] ??= []).push(ix.name);
    }
  }
  for (const holders of Object.values(aliases)) holders.sort();
  return {
    clusterName: raw.clusterName,
    version: raw.facts.version,
    prefix: raw.prefix,
    indices,
    aliases: sortKeys(aliases),
    capabilities: raw.facts.capabilities,
  };
}

export function indexSnapshot(
  name: string,
  body: { aliases?: Record<string, unknown>; mappings?: unknown; settings?: unknown },
  docs: number,
  health?: string,
): IndexSnapshot {
  const mappings = isObject(body.mappings) ? body.mappings : {};
  const settings = isObject(body.settings) && isObject(body.settings.index) ? body.settings.index : {};
  const snap: IndexSnapshot = {
    name,
    aliases: Object.keys(body.aliases ?? {}).sort(),
    settings,
    mappings,
    meta: parseMeta(mappings),
    docs,
  };
  if (health !== undefined) snap.health = health;
  return snap;
}

/**
 * `opts.master` narrows the read to one master's indices and alias
 * (`<prefix><master>*`), for operations on one master: the cost of an apply
 * then grows with the steps, not with steps × every index under the prefix.
 */
export async function readSnapshot(
  conn: Conn,
  prefix: string,
  facts: () => Promise<NodeFacts>,
  opts: { master?: string } = {},
): Promise<ClusterSnapshot> {
  const pattern = opts.master ? `${prefix}${opts.master}*` : prefixPattern(prefix);
  const wild = { expand_wildcards: 'open', ignore_unavailable: true, allow_no_indices: true } as const;
  const [indices, health, nodeFacts] = await Promise.all([
    conn.call(`reading indices ${pattern}`, () => conn.client.indices.get({ index: pattern, ...wild })),
    conn.call('reading cluster health', () =>
      conn.client.cluster.health({ index: pattern, level: 'indices', filter_path: ['cluster_name', 'indices.*.status'] }),
    ),
    facts(),
  ]);
  const names = Object.keys(indices);
  const docs: Record<string, number> = {};
  if (names.length > 0) {
    const res = await conn.call(`counting documents in ${pattern}`, () =>
      conn.client.search({
        index: pattern,
        ...wild,
        size: 0,
        track_total_hits: false,
        aggs: { by_index: { terms: { field: '_index', size: Math.max(10, names.length) } } },
      }),
    );
    const buckets = (res.aggregations?.by_index as { buckets?: Array<{ key: string; doc_count: number }> } | undefined)?.buckets ?? [];
    for (const b of buckets) docs[b.key] = b.doc_count;
  }
  const healthByIndex: Record<string, string> = {};
  for (const [name, h] of Object.entries(health.indices ?? {})) healthByIndex[name] = String(h.status).toLowerCase();
  return buildSnapshot({
    prefix,
    clusterName: health.cluster_name,
    facts: nodeFacts,
    indices: indices as unknown as GetIndexBody,
    docs,
    health: healthByIndex,
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
