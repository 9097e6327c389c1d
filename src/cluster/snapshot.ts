/**
 * The cluster as the planner sees it, read in a constant number of requests
 * whatever the number of indices:
 *   1. `GET <prefix>*` — every index under the prefix with aliases, mappings and
 *      settings (the wildcard also matches aliases, so an index outside the prefix
 *      that a prefixed alias points at comes too: that is how a foreign alias shows);
 *   2. `GET _cluster/health/<prefix>*?level=indices` — cluster name and index health;
 *   3. one `_search` (size 0) with a `terms` aggregation on `_index` — top-level
 *      document counts (`_cat`/`_stats` would count nested documents too);
 *   4. `_nodes/plugins,thread_pool` — version, modules and write threads, once per connection.
 * With an empty prefix the pattern is `*`: open, non-hidden indices.
 */
import { parseMeta } from './meta.js';
import type { Conn } from './conn.js';
import type { EngineQuirks } from './engine.js';
import type { NodeFacts } from './info.js';
import type { ClusterSnapshot, IndexSnapshot } from './types.js';

export function prefixPattern(prefix: string): string {
  return `${prefix}*`;
}

type GetIndexBody = Record<string, { aliases?: Record<string, unknown>; mappings?: unknown; settings?: unknown }>;

export interface RawSnapshot {
  prefix: string;
  clusterName: string;
  /** The registered engine's name. */
  engine: string;
  quirks: EngineQuirks;
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
    .map((name) => indexSnapshot(name, raw.indices[name]!, raw.docs[name] ?? 0, raw.health[name], raw.quirks));
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
    engine: raw.engine,
    version: raw.facts.version,
    prefix: raw.prefix,
    indices,
    aliases: sortKeys(aliases),
    capabilities: raw.facts.capabilities,
    dataNodes: raw.facts.dataNodes ?? null,
  };
}

export function indexSnapshot(
  name: string,
  body: { aliases?: Record<string, unknown>; mappings?: unknown; settings?: unknown },
  docs: number,
  health?: string,
  quirks?: EngineQuirks,
): IndexSnapshot {
  const mappings = isObject(body.mappings) ? body.mappings : {};
  const read = isObject(body.settings) && isObject(body.settings.index) ? body.settings.index : {};
  const meta = parseMeta(mappings);
  const added = quirks ? withoutAddedSettings(read, quirks.addedSettings) : read;
  // Every clone gets routing_partition_size 1 from the engine; the clone an adoption made did not ask for it.
  const settings = meta?.clonedFrom !== undefined ? withoutAddedSettings(added, CLONE_ADDED_SETTINGS) : added;
  const snap: IndexSnapshot = {
    name,
    aliases: Object.keys(body.aliases ?? {}).sort(),
    settings,
    mappings,
    meta,
    docs,
  };
  if (health !== undefined) snap.health = health;
  return snap;
}

/** What both engines add to an index made by `_clone`, with this value. */
const CLONE_ADDED_SETTINGS: Readonly<Record<string, string>> = { routing_partition_size: '1' };

/**
 * Settings as read, less those the engine added with its default value (dotted keys,
 * without `index.`): they were not asked for, so they must not look like drift (pure).
 */
export function withoutAddedSettings(settings: Record<string, unknown>, added: Readonly<Record<string, string>>): Record<string, unknown> {
  let out = settings;
  for (const [key, value] of Object.entries(added)) {
    const parts = key.split('.');
    const nested = valueAt(out, parts);
    const dotted = out[key];
    if (nested === undefined && dotted === undefined) continue;
    if (out === settings) out = structuredClone(settings);
    if (dotted !== undefined && String(dotted) === value) delete out[key];
    if (nested !== undefined && String(nested) === value) deleteAt(out, parts);
  }
  return out;
}

function valueAt(o: Record<string, unknown>, parts: string[]): unknown {
  let cur: unknown = o;
  for (const p of parts) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return isObject(cur) ? undefined : cur;
}

/** Delete the leaf at `parts` and the objects it leaves empty. */
function deleteAt(o: Record<string, unknown>, parts: string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) {
    delete o[head];
    return;
  }
  const child = o[head];
  if (!isObject(child)) return;
  deleteAt(child, rest);
  if (Object.keys(child).length === 0) delete o[head];
}

/**
 * `opts.master` narrows the read to one master's indices and alias
 * (`<prefix><master>*`), for operations on one master: the cost of an apply
 * then grows with the steps, not with steps × every index under the prefix.
 * `opts.also`: indices to read too, by name (a master's foreign-named instances,
 * which its pattern does not match; a missing one is no error).
 */
export async function readSnapshot(
  conn: Conn,
  prefix: string,
  facts: () => Promise<NodeFacts>,
  opts: { master?: string; also?: readonly string[] } = {},
): Promise<ClusterSnapshot> {
  const base = opts.master ? `${prefix}${opts.master}*` : prefixPattern(prefix);
  const pattern = opts.master && opts.also?.length ? [base, ...opts.also].join(',') : base;
  const wild = { expand_wildcards: 'open', ignore_unavailable: true, allow_no_indices: true } as const;
  const target = `/${encodeURIComponent(pattern)}`;
  const [indices, health, nodeFacts] = await Promise.all([
    conn.request<GetIndexBody>(`reading indices ${pattern}`, { method: 'GET', path: target, querystring: wild }),
    conn.request<{ cluster_name: string; indices?: Record<string, { status: string }> }>('reading cluster health', {
      method: 'GET',
      path: `/_cluster/health${target}`,
      querystring: { level: 'indices', filter_path: 'cluster_name,indices.*.status' },
    }),
    facts(),
  ]);
  const names = Object.keys(indices);
  const docs: Record<string, number> = {};
  if (names.length > 0) {
    const res = await conn.request<{ aggregations?: { by_index?: { buckets?: Array<{ key: string; doc_count: number }> } } }>(
      `counting documents in ${pattern}`,
      {
        method: 'POST',
        path: `${target}/_search`,
        querystring: wild,
        body: { size: 0, track_total_hits: false, aggs: { by_index: { terms: { field: '_index', size: Math.max(10, names.length) } } } },
      },
    );
    const buckets = res.aggregations?.by_index?.buckets ?? [];
    for (const b of buckets) docs[b.key] = b.doc_count;
  }
  const healthByIndex: Record<string, string> = {};
  for (const [name, h] of Object.entries(health.indices ?? {})) healthByIndex[name] = String(h.status).toLowerCase();
  return buildSnapshot({
    prefix,
    clusterName: health.cluster_name,
    engine: conn.engine.name,
    quirks: conn.engine.quirks,
    facts: nodeFacts,
    indices,
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
