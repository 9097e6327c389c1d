/**
 * Canonical mappings (SPEC §4): a manifest's mappings and what
 * `GET <index>/_mapping` returns for the index created from them compare equal.
 *
 * What Elasticsearch (8.x) does to a mapping before it returns it, and what is
 * therefore done here to both sides:
 * - scalars come back as given but typed (`dynamic: false` → `"false"`,
 *   `ignore_above: "256"` → `256`, `null_value: 1` → `1.0`): every scalar is a string;
 * - `type: object` is written only for an object without sub-fields, and an empty
 *   `properties` is dropped;
 * - dotted field names (`"a.b": {…}`) are expanded into objects (unless `subobjects: false`);
 * - `copy_to: "x"` becomes `["x"]`;
 * - parameters set to their default are left out (`index: true`, `store: false`,
 *   a date's default `format`, `_source: {enabled: true}`, `search_analyzer`
 *   equal to `analyzer` …); `null` parameters are unset;
 * - `_meta` (top level) is esm's own bookkeeping and not part of the schema.
 */
import { canonicalValue, isRecord, isScalar, type Rec } from './canonical-value.js';

export function canonicalMappings(mappings: Record<string, unknown>): Record<string, unknown> {
  const out: Rec = {};
  const subobjects = mappings['subobjects'];
  for (const key of Object.keys(mappings).sort()) {
    const v = mappings[key];
    if (key === '_meta' || v === null || v === undefined) continue;
    switch (key) {
      case 'properties': {
        const props = canonicalProperties(v, subobjects);
        if (props) out[key] = props;
        break;
      }
      case '_source':
      case '_routing': {
        const meta = withoutDefaults(canonicalValue(v), ROOT_FIELD_DEFAULTS[key]);
        if (!isRecord(meta) || Object.keys(meta).length > 0) out[key] = meta;
        break;
      }
      default: {
        const value = canonicalValue(v);
        if (ROOT_DEFAULTS[key] !== undefined && value === ROOT_DEFAULTS[key]) continue;
        out[key] = value;
      }
    }
  }
  return out;
}

/** Root parameters at their default value. */
const ROOT_DEFAULTS: Record<string, string> = {
  dynamic: 'true',
  date_detection: 'true',
  numeric_detection: 'false',
  subobjects: 'true',
};

const ROOT_FIELD_DEFAULTS: Record<string, Record<string, unknown>> = {
  _source: { enabled: 'true', includes: [], excludes: [] },
  _routing: { required: 'false' },
};

function withoutDefaults(value: unknown, defaults: Record<string, unknown> | undefined): unknown {
  if (!isRecord(value) || !defaults) return value;
  const out: Rec = {};
  for (const [k, v] of Object.entries(value)) {
    if (k in defaults && sameJson(v, defaults[k])) continue;
    out[k] = v;
  }
  return out;
}

/** A `properties` block: each field canonical, keys sorted; undefined when empty. */
function canonicalProperties(value: unknown, subobjects: unknown): Rec | undefined {
  if (!isRecord(value)) return undefined;
  const expanded = String(subobjects) === 'false' ? value : expandDottedNames(value);
  const out: Rec = {};
  for (const name of Object.keys(expanded).sort()) {
    const def = expanded[name];
    out[name] = isRecord(def) ? canonicalField(def, 'property') : canonicalValue(def);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `{"a.b": X, "a": {properties: {c: Y}}}` → `{a: {properties: {b: X, c: Y}}}`, as Elasticsearch stores it. */
function expandDottedNames(props: Rec): Rec {
  if (!Object.keys(props).some((k) => k.includes('.'))) return props;
  const out: Rec = {};
  for (const [name, def] of Object.entries(props)) {
    const dot = name.indexOf('.');
    if (dot <= 0 || dot === name.length - 1) {
      out[name] = mergeObjectField(out[name], def);
      continue;
    }
    const head = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    out[head] = mergeObjectField(out[head], { properties: { [rest]: def } });
  }
  return out;
}

/** Merges two definitions of the same object field; anything that is not an object field: the later one wins. */
function mergeObjectField(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (!isObjectDef(a) || !isObjectDef(b)) return b;
  const pa = isRecord(a['properties']) ? a['properties'] : {};
  const pb = isRecord(b['properties']) ? b['properties'] : {};
  const merged: Rec = { ...pa };
  for (const [k, v] of Object.entries(pb)) merged[k] = mergeObjectField(merged[k], v);
  return { ...a, ...b, properties: merged };
}

function isObjectDef(v: unknown): v is Rec {
  return isRecord(v) && (v['type'] === undefined || v['type'] === 'object');
}

type FieldContext = 'property' | 'multi_field';

/**
 * Parameter defaults Elasticsearch leaves out of a mapping it returns, by field type
 * (`*`: every type that has the parameter). Values are canonical strings.
 */
const FIELD_DEFAULTS: Record<string, Record<string, string>> = {
  '*': {
    index: 'true',
    doc_values: 'true',
    store: 'false',
    eager_global_ordinals: 'false',
    term_vector: 'no',
    index_phrases: 'false',
  },
  text: { norms: 'true', index_options: 'positions', position_increment_gap: '100', fielddata: 'false' },
  keyword: { norms: 'false', index_options: 'docs', split_queries_on_whitespace: 'false' },
  date: { format: 'strict_date_optional_time||epoch_millis' },
  date_nanos: { format: 'strict_date_optional_time_nanos||epoch_millis' },
  object: { enabled: 'true' },
  nested: { include_in_parent: 'false', include_in_root: 'false' },
  flattened: { depth_limit: '20' },
};

/** Types whose text analysis is configured by `analyzer` / `search_analyzer` / `search_quote_analyzer`. */
const ANALYZED_TYPES = new Set(['text', 'annotated_text', 'search_as_you_type']);

function canonicalField(def: Rec, context: FieldContext): Rec {
  const rawType = def['type'];
  const type = typeof rawType === 'string' ? rawType : undefined;
  const isObject = context === 'property' && (type === undefined || type === 'object');
  const out: Rec = {};
  const defaults = defaultsOf(isObject ? 'object' : (type ?? ''));

  for (const key of Object.keys(def).sort()) {
    const v = def[key];
    if (v === null || v === undefined) continue;
    switch (key) {
      case 'type':
        if (!isObject) out[key] = canonicalValue(v);
        break;
      case 'properties': {
        const props = canonicalProperties(v, def['subobjects']);
        if (props) out[key] = props;
        break;
      }
      case 'fields': {
        const fields = canonicalMultiFields(v);
        if (fields) out[key] = fields;
        break;
      }
      case 'copy_to':
        out[key] = canonicalValue(Array.isArray(v) ? v : [v]);
        break;
      default: {
        const value = canonicalValue(v);
        if (isScalar(v) && defaults[key] === value) break;
        out[key] = value;
      }
    }
  }
  // Keys went in sorted; only these two steps add keys out of order.
  if (isObject && out['properties'] === undefined) {
    out['type'] = 'object';
    return sortRec(out);
  }
  if (type !== undefined && ANALYZED_TYPES.has(type)) {
    normalizeAnalyzers(out);
    return sortRec(out);
  }
  return out;
}

const defaultsByType = new Map<string, Record<string, string>>();

/** FIELD_DEFAULTS['*'] with the type's own, made once per type. */
function defaultsOf(type: string): Record<string, string> {
  let d = defaultsByType.get(type);
  if (!d) {
    d = { ...FIELD_DEFAULTS['*'], ...(FIELD_DEFAULTS[type] ?? {}) };
    defaultsByType.set(type, d);
  }
  return d;
}

function canonicalMultiFields(value: unknown): Rec | undefined {
  if (!isRecord(value)) return undefined;
  const out: Rec = {};
  for (const name of Object.keys(value).sort()) {
    const def = value[name];
    out[name] = isRecord(def) ? canonicalField(def, 'multi_field') : canonicalValue(def);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The search analyzer defaults to the analyzer, the search-quote analyzer to the
 * search analyzer, the analyzer to `default`; Elasticsearch returns only those
 * that differ from their default (and `analyzer: default` when a search analyzer is set).
 */
function normalizeAnalyzers(field: Rec): void {
  const str = (k: string) => (typeof field[k] === 'string' ? (field[k] as string) : undefined);
  const analyzer = str('analyzer') ?? 'default';
  const search = str('search_analyzer') ?? analyzer;
  const quote = str('search_quote_analyzer') ?? search;
  delete field['analyzer'];
  delete field['search_analyzer'];
  delete field['search_quote_analyzer'];
  if (analyzer !== 'default') field['analyzer'] = analyzer;
  if (search !== analyzer) field['search_analyzer'] = search;
  if (quote !== search) field['search_quote_analyzer'] = quote;
}

function sortRec(r: Rec): Rec {
  const out: Rec = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
