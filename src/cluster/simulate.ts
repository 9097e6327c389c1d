/**
 * What the engine would make of an index spec, without making it (SPEC §7 "Desired
 * state as the engine will hold it"). Read-only on Elasticsearch and OpenSearch alike:
 *   - `GET _index_template`: the composable templates (names, patterns, priorities);
 *   - `POST _index_template/_simulate_index/<name>`: what the templates give a name;
 *   - `POST _index_template/_simulate` with an inline template: the settings and
 *     mappings as the engine normalises them (its defaults, e.g. OpenSearch's
 *     `doc_values: false` on `wildcard`), or the engine's reason for refusing them.
 * The inline template gets a pattern of its own and a priority above every existing
 * template: two templates of equal priority whose patterns overlap make simulate fail.
 */
import { ClusterError } from '../errors.js';
import { layOver, priorityAbove, winningTemplate, type IndexTemplateInfo, type SpecBody } from './compose.js';
import { indexPath, type Conn } from './conn.js';
import { isStatus } from './retry.js';

export type { IndexTemplateInfo, SpecBody } from './compose.js';

/** What the templates matching a name give it (`_simulate_index`); empty when none matches. */
export interface TemplateGiven {
  /** The template that applies (null: none matches the name). */
  template: IndexTemplateInfo | null;
  /** Its settings (the `index.` level, nested) and mappings, composed with its component templates. */
  spec: SpecBody;
  /** Other templates that match the name but lose on priority. */
  overlapping: string[];
}

/** The answer to an inline template: the spec as the engine would hold it, or why the engine refuses it. */
export type Simulated = { kind: 'held'; spec: SpecBody } | { kind: 'refused'; reasons: string[] };

/**
 * The engine's form of an index spec for a name:
 * - `held`: the settings (`index.` level, nested) and mappings an index of that name
 *   created from the spec would have, templates included, and the template that applies;
 * - `refused`: the engine will not take the spec (its reasons, as it gives them);
 * - `unavailable`: the engine has no simulate API (then callers compare with the spec's text).
 */
export type EngineForm =
  | { kind: 'held'; spec: SpecBody; template: { info: IndexTemplateInfo; spec: SpecBody } | null }
  | { kind: 'refused'; reasons: string[] }
  | { kind: 'unavailable'; reason: string };

type TemplatesBody = {
  index_templates?: Array<{ name: string; index_template?: { index_patterns?: string[] | string; priority?: number; composed_of?: string[] } }>;
};

/** Every composable index template: name, patterns, priority, component templates. */
export async function readIndexTemplates(conn: Conn): Promise<IndexTemplateInfo[]> {
  let body: TemplatesBody;
  try {
    body = await conn.request<TemplatesBody>('reading the index templates', {
      method: 'GET',
      path: '/_index_template',
      querystring: { filter_path: 'index_templates.name,index_templates.index_template.index_patterns,index_templates.index_template.priority,index_templates.index_template.composed_of' },
    });
  } catch (err) {
    // No template at all: Elasticsearch answers {} and OpenSearch 404.
    if (isStatus(err, 404)) return [];
    throw err;
  }
  return (body.index_templates ?? []).map((t) => {
    const patterns = t.index_template?.index_patterns ?? [];
    return {
      name: t.name,
      indexPatterns: Array.isArray(patterns) ? patterns : [patterns],
      priority: typeof t.index_template?.priority === 'number' ? t.index_template.priority : 0,
      composedOf: t.index_template?.composed_of ?? [],
    };
  });
}

type SimulateBody = { template?: { settings?: { index?: Record<string, unknown> }; mappings?: Record<string, unknown> }; overlapping?: Array<{ name: string }> };

/** What the index templates give an index of this name (read-only). `templates`: the list, when already read. */
export async function simulateIndex(conn: Conn, name: string, templates?: readonly IndexTemplateInfo[]): Promise<TemplateGiven> {
  const list = templates ?? (await readIndexTemplates(conn));
  const template = winningTemplate(list, name);
  if (!template) return { template: null, spec: { settings: {}, mappings: {} }, overlapping: [] };
  const body = await conn.request<SimulateBody>(`simulating the templates of ${name}`, {
    method: 'POST',
    path: `/_index_template/_simulate_index${indexPath(name)}`,
  });
  return { template, spec: specOf(body), overlapping: (body.overlapping ?? []).map((o) => o.name) };
}

/**
 * `POST _index_template/_simulate` with an inline template (`index_patterns`, `priority`,
 * `template: { settings, mappings }`, optionally `composed_of`): the result as the engine
 * would hold it, or its reasons for refusing it. Other errors (cluster unreachable, …) throw.
 */
export async function simulateTemplate(conn: Conn, template: Record<string, unknown>, what = 'simulating an index template'): Promise<Simulated> {
  try {
    const body = await conn.request<SimulateBody>(what, { method: 'POST', path: '/_index_template/_simulate', body: template });
    return { kind: 'held', spec: specOf(body) };
  } catch (err) {
    if (isStatus(err, 400) && !isMissingApi(err)) return { kind: 'refused', reasons: refusalReasons(err) };
    throw err;
  }
}

/**
 * The engine's form of `spec` for an index named `name`: what the templates give the
 * name, the spec laid over it as index creation does, normalised by the engine.
 * `templates`: the template list, when the caller already read it (several names).
 */
export async function engineForm(conn: Conn, name: string, spec: SpecBody, templates?: readonly IndexTemplateInfo[], simulations?: Simulations): Promise<EngineForm> {
  try {
    const list = templates ?? (await readIndexTemplates(conn));
    const given = await simulateIndex(conn, name, list);
    const request = given.template ? layOver(given.spec, spec, conn.engine.quirks.templateObjectParams) : spec;
    const template = { priority: priorityAbove(list), template: { settings: request.settings, mappings: request.mappings } };
    const simulate = () => simulateTemplate(conn, { index_patterns: [inlinePattern(name)], ...template }, `simulating the index ${name}`);
    const simulated = await (simulations ? simulations.of(JSON.stringify(template), simulate) : simulate());
    if (simulated.kind === 'refused') return simulated;
    return { kind: 'held', spec: simulated.spec, template: given.template ? { info: given.template, spec: given.spec } : null };
  } catch (err) {
    if (isMissingApi(err)) return { kind: 'unavailable', reason: `${conn.engine.label} at ${conn.url} has no index template simulation (${err instanceof Error ? err.message : String(err)})` };
    throw err;
  }
}

/**
 * Simulations already asked for, by request: what the engine makes of an inline template does
 * not depend on the name it matches (a pattern no real index has), so masters whose specs come
 * out the same — per-tenant or per-locale copies of one mapping — cost one request between them.
 */
class Simulations {
  private readonly asked = new Map<string, Promise<Simulated>>();
  of(key: string, simulate: () => Promise<Simulated>): Promise<Simulated> {
    let p = this.asked.get(key);
    if (!p) {
      p = simulate();
      this.asked.set(key, p);
    }
    return p;
  }
}

/** Engine forms of several specs: the templates read once, at most `concurrency` simulations in flight, each distinct one once. */
export async function engineForms<K extends string>(
  conn: Conn,
  wanted: ReadonlyArray<{ key: K; name: string; spec: SpecBody }>,
  opts: { concurrency?: number } = {},
): Promise<Map<K, EngineForm>> {
  const out = new Map<K, EngineForm>();
  if (wanted.length === 0) return out;
  let templates: IndexTemplateInfo[];
  try {
    templates = await readIndexTemplates(conn);
  } catch (err) {
    if (!isMissingApi(err)) throw err;
    const reason = `${conn.engine.label} at ${conn.url} has no index template API`;
    for (const w of wanted) out.set(w.key, { kind: 'unavailable', reason });
    return out;
  }
  let next = 0;
  const simulations = new Simulations();
  const worker = async () => {
    while (next < wanted.length) {
      const w = wanted[next++]!;
      out.set(w.key, await engineForm(conn, w.name, w.spec, templates, simulations));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, wanted.length) }, worker));
  return out;
}

/** A pattern only the inline template has: it matches the name esm simulates under, and no real index. */
function inlinePattern(name: string): string {
  return `esm-simulate-${name}`;
}

function specOf(body: SimulateBody): SpecBody {
  return { settings: body.template?.settings?.index ?? {}, mappings: body.template?.mappings ?? {} };
}

/**
 * The engine's own reasons for refusing a template: the innermost cause of a mapping
 * refused (`The mapper type [dubble] declared on field [text] does not exist…`), or each
 * validation failure of settings (`unknown setting [index.number_of_shardz] …`).
 */
export function refusalReasons(err: ClusterError): string[] {
  const root = err.details.rootCause;
  if (root) return [root.replace(/^Failed to parse mapping(?: \[[^\]]*\])?: /, '')];
  const validation = /Validation Failed: (.*);\]/s.exec(err.message);
  if (validation) {
    const reasons = validation[1]!
      .split(/;\s*\d+: |^\d+: /)
      .map((r) => r.trim())
      // OpenSearch adds this to every unknown setting; the first reason already says it.
      .filter((r) => r !== '' && !/^expected \[[^\]]*\] to be private but it was not$/.test(r));
    if (reasons.length) return reasons;
  }
  return [err.message];
}

/** An engine without the API answers 404/405, or 400 "no handler found for uri". */
function isMissingApi(err: unknown): boolean {
  if (isStatus(err, 404, 405)) return true;
  return isStatus(err, 400) && /no handler found for uri/i.test(err.message);
}
