/**
 * How an engine composes a new index from the index templates matching its name and
 * the create request (pure). Measured on Elasticsearch 8.19 / 9.2 and OpenSearch 2.19
 * alike (test/e2e/templates.test.ts keeps it honest):
 * - settings: key by key (dotted, without `index.`), the request's value wins;
 * - mappings: objects (`properties`) merge field by field, recursively; a field the
 *   request declares as a leaf (or with another type) replaces the template's whole
 *   definition, multi-fields and parameters included; an object both declare keeps
 *   the request's parameters only on Elasticsearch (a template's `dynamic: false` is
 *   gone), both sides' on OpenSearch, the request's winning (EngineQuirks); `dynamic_templates` are
 *   concatenated, the template's first, one of the request's with the same name
 *   replacing the template's; other root parameters: the request's win.
 * Which template applies: the composable template with the highest priority among
 * those with a pattern matching the name (`*` is the only wildcard).
 */
import { isRecord } from '../fingerprint/canonical-value.js';

type Rec = Record<string, unknown>;

/** Settings (the `index.` level, nested or dotted) and mappings. */
export interface SpecBody {
  settings: Rec;
  mappings: Rec;
}

/** A composable index template as far as choosing and naming it matters. */
export interface IndexTemplateInfo {
  name: string;
  indexPatterns: string[];
  priority: number;
  composedOf: string[];
}

/** How an object field that both the template and the request declare gets its parameters (an engine quirk). */
export type ObjectParams = 'request' | 'merged';

/** `base` (what the templates give the name) with the create request laid over it. */
export function layOver(base: SpecBody, request: SpecBody, objectParams: ObjectParams): SpecBody {
  const settings: Rec = {};
  flattenSettings(base.settings, '', settings);
  flattenSettings(request.settings, '', settings);
  return { settings, mappings: mergeMappings(base.mappings, request.mappings, objectParams) };
}

/** Dotted `index.*` keys, as a template body takes them; later calls overwrite earlier ones. */
function flattenSettings(value: Rec, prefix: string, out: Rec): void {
  for (const [rawKey, v] of Object.entries(value)) {
    const key = prefix + rawKey;
    if (isRecord(v)) flattenSettings(v, `${key}.`, out);
    else out[key.startsWith('index.') ? key : `index.${key}`] = v;
  }
}

function mergeMappings(base: Rec, request: Rec, objectParams: ObjectParams): Rec {
  const out: Rec = { ...base };
  for (const [key, value] of Object.entries(request)) {
    const had = out[key];
    if (key === 'properties' && isRecord(had) && isRecord(value)) out[key] = mergeProperties(had, value, objectParams);
    else if (key === 'dynamic_templates' && Array.isArray(had) && Array.isArray(value)) out[key] = mergeDynamicTemplates(had, value);
    else if (key === '_source' && isRecord(had) && isRecord(value)) out[key] = { ...had, ...value };
    else out[key] = value;
  }
  return out;
}

function mergeProperties(base: Rec, request: Rec, objectParams: ObjectParams): Rec {
  const out: Rec = { ...base };
  for (const [name, def] of Object.entries(request)) {
    const had = out[name];
    out[name] = isObjectField(had) && isObjectField(def) && sameObjectKind(had, def) ? mergeObjectField(had, def, objectParams) : def;
  }
  return out;
}

function mergeObjectField(base: Rec, request: Rec, objectParams: ObjectParams): Rec {
  const out: Rec = objectParams === 'merged' ? { ...base, ...request } : { ...request };
  const [a, b] = [base['properties'], request['properties']];
  if (isRecord(a) && isRecord(b)) out['properties'] = mergeProperties(a, b, objectParams);
  else if (isRecord(a)) out['properties'] = a;
  return out;
}

/** An object or nested field: no type, `object`, or `nested`. */
function isObjectField(def: unknown): def is Rec {
  if (!isRecord(def)) return false;
  const type = def['type'];
  return type === undefined || type === 'object' || type === 'nested';
}

function sameObjectKind(a: Rec, b: Rec): boolean {
  const kind = (d: Rec) => (d['type'] === 'nested' ? 'nested' : 'object');
  return kind(a) === kind(b);
}

function mergeDynamicTemplates(base: unknown[], request: unknown[]): unknown[] {
  const nameOf = (t: unknown): string => (isRecord(t) ? (Object.keys(t)[0] ?? '') : '');
  const requested = new Set(request.map(nameOf));
  return [...base.filter((t) => !requested.has(nameOf(t))), ...request];
}

/** The template the engine applies to an index of this name, or null when none matches. */
export function winningTemplate(templates: readonly IndexTemplateInfo[], name: string): IndexTemplateInfo | null {
  let best: IndexTemplateInfo | null = null;
  for (const t of templates) {
    if (!t.indexPatterns.some((p) => simpleMatch(p, name))) continue;
    if (!best || t.priority > best.priority) best = t;
  }
  return best;
}

/** A priority no existing template has or exceeds: an inline template at it overlaps none at equal priority. */
export function priorityAbove(templates: readonly IndexTemplateInfo[]): number {
  let max = 0;
  for (const t of templates) max = Math.max(max, t.priority);
  return max + 1;
}

/** The engines' pattern match: `*` matches any run of characters, everything else itself. */
export function simpleMatch(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    if (mid === '') continue;
    const found = name.indexOf(mid, at);
    if (found < 0 || found + mid.length > end) return false;
    at = found + mid.length;
  }
  return true;
}
