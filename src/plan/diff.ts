/**
 * Pure diff of two index specs (SPEC §7 "What Elasticsearch can take in place").
 * Both sides are compared in their canonical form (fingerprint/); every difference
 * becomes a typed change that says whether Elasticsearch takes it in place and why.
 * When in doubt, a change needs a new instance: a new instance behind the alias is
 * always safe, a wrong in-place call fails.
 */
import { canonicalMappings, canonicalSettings } from '../fingerprint/index.js';
import { asRecord, deepEqual, isRecord } from '../fingerprint/canonical-value.js';
import { assertNever } from '../errors.js';
import { dynamicSettingsFor, type DynamicSettings } from './dynamic-settings/index.js';
import { settingKind } from './settings-kinds.js';

export interface IndexSpec {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

export type SpecChangeKind =
  | 'setting_added'
  | 'setting_changed'
  | 'setting_removed'
  | 'field_added'
  | 'subfield_added'
  | 'field_removed'
  | 'subfield_removed'
  | 'field_param_changed'
  | 'mapping_param_changed'
  | 'properties_removed';

export interface SpecChange {
  kind: SpecChangeKind;
  /** `settings.refresh_interval`, `mappings.properties.title.type`, `mappings.properties.title.fields.raw` … */
  path: string;
  /** Canonical value on the `from` side (undefined: absent). */
  from?: unknown;
  /** Canonical value on the `to` side (undefined: absent). */
  to?: unknown;
  inPlace: boolean;
  why: string;
}

export type Verdict = 'same' | 'in_place' | 'replace';

export interface SpecDiff {
  verdict: Verdict;
  changes: SpecChange[];
}

type Rec = Record<string, unknown>;

export interface DiffOptions {
  /** The engine's dynamic settings (default: dynamic only where every engine's list says so). */
  dynamic?: DynamicSettings;
}

/** Compares `from` (e.g. the live index) with `to` (e.g. the manifest). */
export function diffSpecs(from: IndexSpec, to: IndexSpec, opts: DiffOptions = {}): SpecDiff {
  const dynamic = opts.dynamic ?? dynamicSettingsFor(undefined, undefined);
  const changes = [
    ...diffSettings(canonicalSettings(from.settings), canonicalSettings(to.settings), dynamic),
    ...diffMappings(canonicalMappings(from.mappings), canonicalMappings(to.mappings)),
  ];
  const verdict: Verdict = changes.length === 0 ? 'same' : changes.every((c) => c.inPlace) ? 'in_place' : 'replace';
  return { verdict, changes };
}

/** One line for people: `mappings.properties.title.type: text → keyword (not updatable in place)`. */
export function describeChange(c: SpecChange): string {
  return `${describeDifference(c)} (${c.why})`;
}

/**
 * A change as the reasons of a replace list it: one that blocks the in-place update
 * with its why; one the engine could take in place without it (the new instance gets
 * it anyway: "added in place" would be wrong there).
 */
export function describeChangeInReplace(c: SpecChange): string {
  return c.inPlace ? describeDifference(c) : describeChange(c);
}

/** The difference alone, without the why: `settings.refresh_interval: 1s → 30s`. */
export function describeDifference(c: SpecChange): string {
  switch (c.kind) {
    case 'setting_added':
    case 'field_added':
    case 'subfield_added':
      return `${c.path}: added ${show(c.to)}`;
    case 'setting_removed':
    case 'field_removed':
    case 'subfield_removed':
    case 'properties_removed':
      return `${c.path}: removed, was ${show(c.from)}`;
    case 'setting_changed':
    case 'field_param_changed':
    case 'mapping_param_changed':
      return `${c.path}: ${show(c.from)} → ${show(c.to)}`;
    default:
      return assertNever(c.kind, 'change kind');
  }
}

/** True when the diff adds fields or multi-fields that hold data (not field aliases): documents must be re-sent. */
export function addsDataFields(diff: SpecDiff): boolean {
  return diff.changes.some(
    (c) => (c.kind === 'field_added' || c.kind === 'subfield_added') && !(isRecord(c.to) && c.to['type'] === 'alias'),
  );
}

/**
 * The request bodies that apply the in-place changes of `diff` to an index whose
 * target spec is `desired`:
 * - settings: dotted `index.*` keys for `PUT <index>/_settings`; a removed dynamic setting is `null` (reset);
 * - mappings: the desired mappings without `_meta`, for `PUT <index>/_mapping`. Elasticsearch merges a
 *   mapping update; when every difference is one it takes in place (which the diff guarantees), the full
 *   desired mapping is accepted and also resets updatable parameters the manifest no longer sets.
 *   The executor adds the new `_meta` itself.
 * Each is null when there is nothing of its kind to send. Changes that are not in place are ignored.
 */
export function inPlaceBodies(
  diff: SpecDiff,
  desired: IndexSpec,
): { settings: Record<string, unknown> | null; mappings: Record<string, unknown> | null } {
  const settings: Rec = {};
  let mappingChanged = false;
  for (const c of diff.changes) {
    if (!c.inPlace) continue;
    switch (c.kind) {
      case 'setting_added':
      case 'setting_changed':
        settings[`index.${c.path.slice('settings.'.length)}`] = c.to;
        break;
      case 'setting_removed':
        settings[`index.${c.path.slice('settings.'.length)}`] = null;
        break;
      case 'field_added':
      case 'subfield_added':
      case 'field_removed':
      case 'subfield_removed':
      case 'field_param_changed':
      case 'mapping_param_changed':
      case 'properties_removed':
        mappingChanged = true;
        break;
      default:
        assertNever(c.kind, 'change kind');
    }
  }
  let mappings: Rec | null = null;
  if (mappingChanged) {
    const { _meta: _ignored, ...rest } = structuredClone(desired.mappings);
    mappings = rest;
  }
  return { settings: Object.keys(settings).length ? settings : null, mappings };
}

// ---------------------------------------------------------------------------
// settings

/**
 * Settings Elasticsearch adds on its own to a new index: absent from a manifest,
 * they are not a difference (resetting them would change the index's placement).
 */
const SERVER_ADDED_SETTINGS = new Set(['routing.allocation.include._tier_preference']);

function diffSettings(flatFrom: Record<string, unknown>, flatTo: Record<string, unknown>, dynamic: DynamicSettings): SpecChange[] {
  const [from, to] = wholeNewAnalysisComponents(flatFrom, flatTo);
  const out: SpecChange[] = [];
  for (const key of sortedUnion(from, to)) {
    const a = from[key];
    const b = to[key];
    const path = `settings.${key}`;
    if (a === undefined && b === undefined) continue;
    if (b === undefined) {
      if (SERVER_ADDED_SETTINGS.has(key)) continue;
      const inPlace = settingKind(key, dynamic) === 'dynamic';
      out.push({ kind: 'setting_removed', path, from: a, inPlace, why: inPlace ? 'dynamic setting, reset to its default in place' : settingWhy(key, dynamic) });
    } else if (a === undefined) {
      const inPlace = settingKind(key, dynamic) === 'dynamic';
      out.push({ kind: 'setting_added', path, to: b, inPlace, why: inPlace ? 'dynamic setting, updated in place' : settingWhy(key, dynamic) });
    } else if (!deepEqual(a, b)) {
      const inPlace = settingKind(key, dynamic) === 'dynamic';
      out.push({ kind: 'setting_changed', path, from: a, to: b, inPlace, why: inPlace ? 'dynamic setting, updated in place' : settingWhy(key, dynamic) });
    }
  }
  return out;
}

/**
 * An analyzer, tokenizer, filter … that only one side has is one change, not one per
 * parameter: its dotted keys (`analysis.analyzer.folding.type`, `….tokenizer`, `….filter`)
 * become one key (`analysis.analyzer.folding`) holding the component.
 */
function wholeNewAnalysisComponents(from: Rec, to: Rec): [Rec, Rec] {
  const component = (key: string) => /^(analysis\.[^.]+\.[^.]+)\.(.+)$/.exec(key);
  const components = (flat: Rec) => new Set(Object.keys(flat).flatMap((k) => component(k)?.[1] ?? []));
  const [inFrom, inTo] = [components(from), components(to)];
  const collapse = (flat: Rec, other: Set<string>): Rec => {
    const out: Rec = {};
    for (const [key, value] of Object.entries(flat)) {
      const m = component(key);
      if (m && !other.has(m[1]!)) ((out[m[1]!] ??= {}) as Rec)[m[2]!] = value;
      else out[key] = value;
    }
    return out;
  };
  return [collapse(from, inTo), collapse(to, inFrom)];
}

function settingWhy(key: string, dynamic: DynamicSettings): string {
  const kind = settingKind(key, dynamic);
  switch (kind) {
    case 'analysis':
      return 'analysis settings change only on a closed index, and esm never closes a live index: needs a new instance';
    case 'static':
      return 'static setting, needs a new instance';
    case 'unknown':
      return `not on the dynamic settings list of ${dynamic.label}: a new instance is the safe way`;
    case 'dynamic':
      return 'dynamic setting, updated in place';
    default:
      return assertNever(kind, 'setting kind');
  }
}

// ---------------------------------------------------------------------------
// mappings

/** Field parameters Elasticsearch updates in place (`PUT _mapping`). `norms` is handled apart. */
const IN_PLACE_FIELD_PARAMS = new Set([
  'ignore_above',
  'ignore_malformed',
  'coerce',
  'dynamic',
  'search_analyzer',
  'search_quote_analyzer',
  'meta',
  'eager_global_ordinals',
]);

/**
 * Root mapping parameters the engines update in place (`PUT _mapping`; a new
 * `dynamic_templates` list replaces the old one), measured on ES 8.19 and OpenSearch 2.19.
 */
const IN_PLACE_ROOT_PARAMS = new Set(['dynamic', 'dynamic_templates', 'date_detection', 'numeric_detection', 'dynamic_date_formats']);

function diffMappings(from: Rec, to: Rec): SpecChange[] {
  const out: SpecChange[] = [];
  for (const key of sortedUnion(from, to)) {
    if (key === 'properties' || key === '_meta') continue;
    const a = effective(from[key], rootDefault(key));
    const b = effective(to[key], rootDefault(key));
    if (deepEqual(a, b)) continue;
    const inPlace = IN_PLACE_ROOT_PARAMS.has(key);
    out.push({
      kind: 'mapping_param_changed',
      path: `mappings.${key}`,
      from: from[key],
      to: to[key],
      inPlace,
      why: inPlace ? 'updated in place' : 'mapping parameter not updatable in place',
    });
  }
  diffPropertiesBlock('mappings', from['properties'], to['properties'], out);
  return out;
}

function diffPropertiesBlock(parent: string, a: unknown, b: unknown, out: SpecChange[]): void {
  const path = `${parent}.properties`;
  if (isRecord(a) && Object.keys(a).length > 0 && !isRecord(b)) {
    out.push({ kind: 'properties_removed', path, from: a, inPlace: false, why: 'removed properties block: the engine never removes fields from an index' });
    return;
  }
  diffFieldSet(path, asRecord(a), asRecord(b), 'field', out);
}

function diffFieldSet(path: string, a: Rec, b: Rec, level: 'field' | 'subfield', out: SpecChange[]): void {
  for (const name of sortedUnion(a, b)) {
    const fa = a[name];
    const fb = b[name];
    const p = `${path}.${name}`;
    if (fa === undefined && fb !== undefined) {
      const alias = isRecord(fb) && fb['type'] === 'alias';
      out.push({
        kind: level === 'field' ? 'field_added' : 'subfield_added',
        path: p,
        to: fb,
        inPlace: true,
        why: alias
          ? 'new field alias, added in place'
          : level === 'field'
            ? 'new field, added in place'
            : 'new multi-field, added in place',
      });
    } else if (fa !== undefined && fb === undefined) {
      out.push({
        kind: level === 'field' ? 'field_removed' : 'subfield_removed',
        path: p,
        from: fa,
        inPlace: false,
        why: `removed or renamed ${level === 'field' ? 'field' : 'multi-field'}: the engine never removes one from an index`,
      });
    } else if (fa !== undefined && fb !== undefined) {
      diffField(p, fa, fb, out);
    }
  }
}

function diffField(path: string, fa: unknown, fb: unknown, out: SpecChange[]): void {
  if (!isRecord(fa) || !isRecord(fb)) {
    if (!deepEqual(fa, fb)) {
      out.push({ kind: 'field_param_changed', path, from: fa, to: fb, inPlace: false, why: 'not updatable in place' });
    }
    return;
  }
  // A field without `type` is an object (Elasticsearch omits `type: object`).
  const typeA = typeof fa['type'] === 'string' ? fa['type'] : 'object';
  const typeB = typeof fb['type'] === 'string' ? fb['type'] : 'object';
  if (typeA !== typeB) {
    out.push({ kind: 'field_param_changed', path: `${path}.type`, from: typeA, to: typeB, inPlace: false, why: 'not updatable in place' });
    return;
  }
  for (const param of sortedUnion(fa, fb)) {
    if (param === 'type' || param === 'properties' || param === 'fields') continue;
    const a = effective(fa[param], fieldDefault(param, typeA, fa));
    const b = effective(fb[param], fieldDefault(param, typeB, fb));
    if (deepEqual(a, b)) continue;
    const { inPlace, why } = paramVerdict(param, typeA, a, b);
    out.push({ kind: 'field_param_changed', path: `${path}.${param}`, from: fa[param], to: fb[param], inPlace, why });
  }
  diffPropertiesBlock(path, fa['properties'], fb['properties'], out);
  diffFieldSet(`${path}.fields`, asRecord(fa['fields']), asRecord(fb['fields']), 'subfield', out);
}

function paramVerdict(param: string, type: string, a: unknown, b: unknown): { inPlace: boolean; why: string } {
  if (IN_PLACE_FIELD_PARAMS.has(param)) return { inPlace: true, why: 'updated in place' };
  if (param === 'norms') {
    return a === 'true' && b === 'false'
      ? { inPlace: true, why: 'norms switched off, updated in place' }
      : { inPlace: false, why: 'norms can only be switched off in place' };
  }
  if (type === 'alias' && param === 'path') return { inPlace: true, why: 'field alias target, updated in place' };
  return { inPlace: false, why: 'not updatable in place' };
}

/**
 * A parameter absent on one side equals its default on the other. The canonical
 * form (fingerprint/) already leaves out the defaults Elasticsearch leaves out;
 * these are the ones it returns when set, or that follow from another parameter.
 * Values are canonical (strings).
 */
function fieldDefault(param: string, type: string, def: Rec): unknown {
  switch (param) {
    case 'coerce':
      return 'true';
    case 'ignore_malformed':
      return 'false';
    case 'norms':
      return type === 'text' ? 'true' : 'false';
    case 'similarity':
      return 'BM25';
    case 'search_analyzer':
      return def['analyzer'];
    case 'search_quote_analyzer':
      return def['search_analyzer'] ?? def['analyzer'];
    default:
      return undefined;
  }
}

function rootDefault(param: string): unknown {
  switch (param) {
    case 'dynamic':
      return 'true';
    case 'date_detection':
      return 'true';
    case 'numeric_detection':
      return 'false';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// helpers

function effective(value: unknown, dflt: unknown): unknown {
  return value === undefined ? dflt : value;
}

function sortedUnion(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function show(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[${v.join(', ')}]`;
  return JSON.stringify(v);
}
