/**
 * What `esm import` reads (SPEC §11), read-only: which names are indices, aliases or
 * data streams (`_resolve/index`, with each index's state: open, closed, hidden,
 * system), then the settings, mappings and alias properties (filter, routing,
 * `is_write_index`) of the indices that may become masters.
 */
import { chunksByLength } from './indices.js';
import type { Conn } from './conn.js';
import { isStatus } from './retry.js';
import { withoutAddedSettings } from './snapshot.js';

export interface ResolvedIndex {
  name: string;
  aliases: string[];
  /** `open`, `closed`, `hidden`, `system`, `frozen`, as the engine says. */
  attributes: string[];
  /** The data stream the index backs, or null. */
  dataStream: string | null;
}

export interface ResolvedNames {
  indices: ResolvedIndex[];
  aliases: Array<{ name: string; indices: string[] }>;
  dataStreams: Array<{ name: string; backingIndices: string[] }>;
}

type ResolveBody = {
  indices?: Array<{ name: string; aliases?: string[]; attributes?: string[]; data_stream?: string }>;
  aliases?: Array<{ name: string; indices?: string[] }>;
  data_streams?: Array<{ name: string; backing_indices?: string[] }>;
};

/**
 * `GET _resolve/index/<patterns>`: the indices, aliases and data streams the names
 * and wildcards match. `hidden`: wildcards also match hidden indices (and closed ones
 * always do), so that they can be reported rather than silently passed over.
 */
export async function resolveNames(conn: Conn, patterns: readonly string[], opts: { hidden: boolean }): Promise<ResolvedNames> {
  const out: ResolvedNames = { indices: [], aliases: [], dataStreams: [] };
  for (const chunk of chunksByLength([...new Set(patterns)], 2000)) {
    let body: ResolveBody;
    try {
      body = await conn.request<ResolveBody>(`resolving ${chunk.join(', ')}`, {
        method: 'GET',
        path: `/_resolve/index/${chunk.map(encodeURIComponent).join(',')}`,
        querystring: { expand_wildcards: opts.hidden ? 'all' : 'open,closed', ignore_unavailable: true, allow_no_indices: true },
      });
    } catch (err) {
      // A name that matches nothing: an empty answer on most versions, a 404 on others.
      if (isStatus(err, 404)) continue;
      throw err;
    }
    for (const i of body.indices ?? []) {
      if (!out.indices.some((x) => x.name === i.name)) out.indices.push({ name: i.name, aliases: i.aliases ?? [], attributes: i.attributes ?? [], dataStream: i.data_stream ?? null });
    }
    for (const a of body.aliases ?? []) if (!out.aliases.some((x) => x.name === a.name)) out.aliases.push({ name: a.name, indices: a.indices ?? [] });
    for (const d of body.data_streams ?? []) if (!out.dataStreams.some((x) => x.name === d.name)) out.dataStreams.push({ name: d.name, backingIndices: d.backing_indices ?? [] });
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  out.indices.sort(byName);
  out.aliases.sort(byName);
  out.dataStreams.sort(byName);
  return out;
}

/** How an alias points at an index: what makes it more than a plain name. */
export interface AliasProperties {
  filter?: unknown;
  index_routing?: string;
  search_routing?: string;
  is_write_index?: boolean;
  is_hidden?: boolean;
}

export interface IndexDetails {
  name: string;
  aliases: Record<string, AliasProperties>;
  /** The `index.` level of the settings, nested, as the engine returns them, less those it adds to every index with their default (EngineQuirks). */
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

/** Settings, mappings and aliases of open indices, by exact name (a few requests whatever their number). */
export async function readIndexDetails(conn: Conn, names: readonly string[]): Promise<Map<string, IndexDetails>> {
  const out = new Map<string, IndexDetails>();
  for (const chunk of chunksByLength([...new Set(names)], 2000)) {
    const body = await conn.request<Record<string, { aliases?: Record<string, AliasProperties>; settings?: { index?: Record<string, unknown> }; mappings?: Record<string, unknown> }>>(
      `reading indices ${chunk.join(', ')}`,
      { method: 'GET', path: `/${chunk.map(encodeURIComponent).join(',')}`, querystring: { expand_wildcards: 'all', ignore_unavailable: true } },
    );
    for (const [name, d] of Object.entries(body)) {
      out.set(name, { name, aliases: d.aliases ?? {}, settings: withoutAddedSettings(d.settings?.index ?? {}, conn.engine.quirks.addedSettings), mappings: d.mappings ?? {} });
    }
  }
  return out;
}
