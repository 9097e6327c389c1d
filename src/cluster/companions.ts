/**
 * Companion objects in the cluster (SPEC §12): ingest pipelines, index and component
 * templates, stored scripts and synonym sets — read, written, deleted, and checked
 * before anything is written (`_ingest/pipeline/_simulate`, `_analyze` with a synonym
 * filter). The same REST calls on both engines; where they differ (a pipeline's
 * `_meta`, the synonyms API) the difference is a quirk or a probed capability.
 */
import type { Conn } from './conn.js';
import type { NodeFacts } from './info.js';
import { isStatus } from './retry.js';

/** The cluster objects esm's companion kinds become. */
export type CompanionObject = 'pipeline' | 'index_template' | 'component_template' | 'script' | 'synonym_set';

type Rec = Record<string, unknown>;

export interface LiveCompanions {
  /** id → the pipeline's body as the cluster holds it. */
  pipelines: Record<string, Rec>;
  /** id → `index_template` body. */
  indexTemplates: Record<string, Rec>;
  /** id → `component_template` body. */
  componentTemplates: Record<string, Rec>;
  /** id → `{ lang, source, options }` of each script asked for; null when there is none. */
  scripts: Record<string, Rec | null>;
  /** id → rules of every synonym set under the prefix; null when the cluster has no synonyms API. */
  synonymSets: Record<string, string[]> | null;
  /** How esm marks a pipeline it owns on this engine: `_meta.esm`, or its description. */
  pipelineMarker: 'meta' | 'description';
}

export interface ReadCompanionsOptions {
  /** Objects whose id starts with it (the environment prefix). */
  prefix: string;
  /** Stored scripts have no list API: the ids to read. */
  scripts: readonly string[];
  /** Read synonym sets (only where the synonyms API is used). */
  synonyms: boolean;
  /**
   * Objects of these kinds are declared or owned: an error reading them is an error. Others
   * are read to find orphans only, and a cluster that refuses the read (a user without the
   * privilege, a service without the API) has none of them.
   */
  required?: ReadonlyArray<'pipelines' | 'indexTemplates' | 'componentTemplates'>;
}

/** Every companion object under the prefix, in a number of requests that does not grow with them (scripts aside). */
export async function readCompanions(conn: Conn, opts: ReadCompanionsOptions): Promise<LiveCompanions> {
  const pattern = encodeURIComponent(`${opts.prefix}*`);
  const required = new Set(opts.required ?? ['pipelines', 'indexTemplates', 'componentTemplates']);
  const maybe = <T>(kind: 'pipelines' | 'indexTemplates' | 'componentTemplates', read: Promise<T>, none: T): Promise<T> =>
    required.has(kind) ? read : read.catch((err: unknown) => (isStatus(err, 400, 401, 403, 404, 405) ? none : Promise.reject(err)));
  const [pipelines, indexTemplates, componentTemplates, scripts, synonymSets] = await Promise.all([
    maybe('pipelines', getOr404<Record<string, Rec>>(conn, `reading ingest pipelines ${opts.prefix}*`, `/_ingest/pipeline/${pattern}`, {}), {}),
    maybe(
      'indexTemplates',
      getOr404<{ index_templates?: Array<{ name: string; index_template: Rec }> }>(conn, `reading index templates ${opts.prefix}*`, `/_index_template/${pattern}`, {}),
      {},
    ),
    maybe(
      'componentTemplates',
      getOr404<{ component_templates?: Array<{ name: string; component_template: Rec }> }>(
        conn,
        `reading component templates ${opts.prefix}*`,
        `/_component_template/${pattern}`,
        {},
      ),
      {},
    ),
    Promise.all(opts.scripts.map(async (id) => [id, await readScript(conn, id)] as const)),
    opts.synonyms ? readSynonymSets(conn, opts.prefix) : Promise.resolve(null),
  ]);
  return {
    pipelines: Object.fromEntries(Object.entries(pipelines).filter(([id]) => id.startsWith(opts.prefix))),
    indexTemplates: Object.fromEntries((indexTemplates.index_templates ?? []).map((t) => [t.name, t.index_template])),
    componentTemplates: Object.fromEntries((componentTemplates.component_templates ?? []).map((t) => [t.name, t.component_template])),
    scripts: Object.fromEntries(scripts),
    synonymSets,
    pipelineMarker: conn.engine.quirks.pipelineMeta ? 'meta' : 'description',
  };
}

async function readScript(conn: Conn, id: string): Promise<Rec | null> {
  const res = await getOr404<{ found?: boolean; script?: Rec }>(conn, `reading stored script ${id}`, `/_scripts/${encodeURIComponent(id)}`, {});
  return res.found && res.script ? res.script : null;
}

/** Sets are listed a page at a time; each set's rules are read whole (a set holds at most 10,000 rules). */
async function readSynonymSets(conn: Conn, prefix: string): Promise<Record<string, string[]>> {
  const ids: string[] = [];
  for (let from = 0; ; from += 100) {
    const page = await conn.request<{ count?: number; results?: Array<{ synonyms_set: string }> }>('listing synonym sets', {
      method: 'GET',
      path: '/_synonyms',
      querystring: { from, size: 100 },
    });
    const results = page.results ?? [];
    ids.push(...results.map((r) => r.synonyms_set).filter((id) => id.startsWith(prefix)));
    if (results.length < 100) break;
  }
  const out: Record<string, string[]> = {};
  for (const id of ids) {
    const set = await conn.request<{ synonyms_set?: Array<{ synonyms: string }> }>(`reading synonym set ${id}`, {
      method: 'GET',
      path: `/_synonyms/${encodeURIComponent(id)}`,
      querystring: { size: 10_000 },
    });
    out[id] = (set.synonyms_set ?? []).map((r) => r.synonyms);
  }
  return out;
}

async function getOr404<T>(conn: Conn, what: string, path: string, empty: T): Promise<T> {
  try {
    return await conn.request<T>(what, { method: 'GET', path });
  } catch (err) {
    if (isStatus(err, 404)) return empty;
    throw err;
  }
}

/** `PUT` one companion object with its body (as the API takes it). */
export async function putCompanion(conn: Conn, object: CompanionObject, id: string, body: Rec): Promise<void> {
  const { path, noun } = where(object, id);
  await conn.request(`writing ${noun} ${id}`, { method: 'PUT', path, body });
}

/** `DELETE` one companion object; a missing one is no error. */
export async function deleteCompanion(conn: Conn, object: CompanionObject, id: string): Promise<void> {
  const { path, noun } = where(object, id);
  try {
    await conn.request(`deleting ${noun} ${id}`, { method: 'DELETE', path });
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
  }
}

function where(object: CompanionObject, id: string): { path: string; noun: string } {
  const enc = encodeURIComponent(id);
  switch (object) {
    case 'pipeline':
      return { path: `/_ingest/pipeline/${enc}`, noun: 'ingest pipeline' };
    case 'index_template':
      return { path: `/_index_template/${enc}`, noun: 'index template' };
    case 'component_template':
      return { path: `/_component_template/${enc}`, noun: 'component template' };
    case 'script':
      return { path: `/_scripts/${enc}`, noun: 'stored script' };
    case 'synonym_set':
      return { path: `/_synonyms/${enc}`, noun: 'synonym set' };
  }
}

export interface SynonymsApi {
  /** The cluster stores synonym sets (`_synonyms`) and esm can write them. */
  available: boolean;
  /** Why, for people. */
  reason: string;
}

/**
 * Whether the cluster has a usable synonyms API, by asking it (not by its version):
 * Elasticsearch 8.10+ answers `GET _synonyms`; writing a set also needs the reindex
 * module (a set's old rules are removed with a delete-by-query), which a node may lack.
 * OpenSearch and older Elasticsearch take `_synonyms` for an index name and refuse it.
 */
export async function probeSynonymsApi(conn: Conn, facts: NodeFacts): Promise<SynonymsApi> {
  const who = `${conn.engine.label} ${facts.version}`;
  try {
    await conn.request('asking for the synonyms API', { method: 'GET', path: '/_synonyms', querystring: { size: 1 } });
  } catch (err) {
    if (isStatus(err, 400, 404, 405)) return { available: false, reason: `${who} has no synonyms API (GET _synonyms is refused)` };
    throw err;
  }
  if (!facts.capabilities.deleteByQuery) {
    return { available: false, reason: `${who} answers GET _synonyms, but without the reindex module it cannot store a synonym set` };
  }
  return { available: true, reason: `${who} has the synonyms API (_synonyms)` };
}

/** One document's outcome in `_ingest/pipeline/_simulate`: the document as the pipeline left it, or the error it met. */
export type SimulatedDoc = { ok: true; source: Rec } | { ok: false; error: string };

/**
 * Runs documents through a pipeline body without storing anything. A pipeline the
 * engine cannot build (an unknown processor, a bad option) is a ClusterError (400)
 * carrying the engine's reason.
 */
export async function simulatePipeline(conn: Conn, pipeline: Rec, docs: readonly Rec[]): Promise<SimulatedDoc[]> {
  const res = await conn.request<{ docs?: Array<{ doc?: { _source?: Rec }; error?: { reason?: string; type?: string } }> }>(
    'simulating an ingest pipeline',
    { method: 'POST', path: '/_ingest/pipeline/_simulate', body: { pipeline, docs: docs.map((d) => ({ _source: d })) } },
  );
  return (res.docs ?? []).map((d) =>
    d.error ? { ok: false, error: [d.error.type, d.error.reason].filter(Boolean).join(': ') || 'failed' } : { ok: true, source: d.doc?._source ?? {} },
  );
}

/** Analyses a word with an inline token filter: the engine refuses rules it cannot parse (a ClusterError, 400). */
export async function analyzeWithFilter(conn: Conn, filter: Rec): Promise<void> {
  // The standard tokenizer is in every distribution (whitespace lives in analysis-common).
  await conn.request('checking synonym rules with _analyze', {
    method: 'POST',
    path: '/_analyze',
    body: { tokenizer: 'standard', filter: [filter], text: 'esm' },
  });
}
