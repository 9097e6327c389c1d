/**
 * Fields that dynamic mapping added to a live index (SPEC §7): documents carried a
 * field the mappings did not declare, and the index's `dynamic` let the engine map it.
 * They are not removals (the manifest never declared them, and a new instance gets them
 * again from the same documents), so they never force a replace; but a declared field
 * that a manifest drops is still a removal. A live field absent from the reference counts
 * as dynamically added only when dynamic mapping would have made it exactly so: its
 * object's effective `dynamic` allows new fields, and its definition is one of a matching
 * dynamic template or one the engine's default dynamic mapping gives (a string as `text`
 * with a `keyword` multi-field, `long`, `float`, `boolean`, `date`, an object). Pure, over
 * canonical mappings (fingerprint/).
 */
import { canonicalMappings } from '../fingerprint/index.js';
import { asRecord, deepEqual, isRecord } from '../fingerprint/canonical-value.js';

type Rec = Record<string, unknown>;

export interface DynamicAdditions {
  /** The live mappings without the dynamically added fields. */
  mappings: Rec;
  /** Full names of the fields dynamic mapping added (`labels.env`), sorted. */
  names: string[];
}

/** `live` and `reference` are canonical mappings (fingerprint/canonicalMappings). */
export function dynamicAdditions(live: Rec, reference: Rec): DynamicAdditions {
  const names: string[] = [];
  const ctx: Ctx = {
    templates: Array.isArray(live['dynamic_templates']) ? live['dynamic_templates'] : [],
    dateDetection: live['date_detection'] !== 'false',
    numericDetection: live['numeric_detection'] === 'true',
  };
  const props = stripProperties(asRecord(live['properties']), asRecord(reference['properties']), '', effective(live['dynamic'], 'true'), ctx, names);
  if (names.length === 0) return { mappings: live, names };
  const mappings: Rec = { ...live };
  if (Object.keys(props).length > 0) mappings['properties'] = props;
  else delete mappings['properties'];
  return { mappings, names: names.sort() };
}

interface Ctx {
  templates: unknown[];
  dateDetection: boolean;
  numericDetection: boolean;
}

/** How an object's `dynamic` treats new fields: `true`, or only those a dynamic template maps, or none. */
type Allows = 'any' | 'templates' | 'none';

function effective(own: unknown, inherited: string): string {
  return typeof own === 'string' ? own : inherited;
}

function allows(dynamic: string): Allows {
  if (dynamic === 'true') return 'any';
  // OpenSearch 2.16+: new fields are refused (or ignored) unless a dynamic template maps them.
  if (dynamic === 'strict_allow_templates' || dynamic === 'false_allow_templates') return 'templates';
  return 'none';
}

function stripProperties(live: Rec, ref: Rec, parent: string, dynamic: string, ctx: Ctx, names: string[]): Rec {
  const out: Rec = {};
  for (const [name, def] of Object.entries(live)) {
    const path = parent ? `${parent}.${name}` : name;
    const declared = ref[name];
    if (declared === undefined) {
      if (isRecord(def) && madeByDynamic(def, name, path, dynamic, ctx)) {
        names.push(...leafNames(def, path));
        continue;
      }
      out[name] = def;
    } else if (isRecord(def) && isRecord(declared) && isObject(def) && isObject(declared)) {
      const inner = effective(def['dynamic'], dynamic);
      const props = stripProperties(asRecord(def['properties']), asRecord(declared['properties']), path, inner, ctx, names);
      out[name] = withProperties(def, props);
    } else {
      out[name] = def;
    }
  }
  return out;
}

/** An object field with `properties` replaced (canonical: one without properties says `type: object`). */
function withProperties(def: Rec, props: Rec): Rec {
  const before = asRecord(def['properties']);
  const keys = Object.keys(props);
  if (keys.length === Object.keys(before).length && keys.every((k) => props[k] === before[k])) return def;
  const out: Rec = { ...def };
  if (keys.length > 0) out['properties'] = props;
  else {
    delete out['properties'];
    if (out['type'] === undefined) out['type'] = 'object';
  }
  return sortRec(out);
}

function madeByDynamic(def: Rec, name: string, path: string, dynamic: string, ctx: Ctx): boolean {
  const mode = allows(dynamic);
  if (mode === 'none') return false;
  if (byTemplate(def, name, path, ctx)) return true;
  if (mode === 'templates') return false;
  if (isObject(def)) {
    // An object made by dynamic mapping has no parameter of its own, and only fields dynamic mapping made.
    const own = Object.keys(def).filter((k) => k !== 'properties' && k !== 'type');
    if (own.length > 0 || (def['type'] !== undefined && def['type'] !== 'object')) return false;
    return Object.entries(asRecord(def['properties'])).every(([n, d]) => isRecord(d) && madeByDynamic(d, n, `${path}.${n}`, dynamic, ctx));
  }
  return byDefault(def, ctx);
}

/** The definitions the default dynamic mapping gives a JSON value (canonical). */
function byDefault(def: Rec, ctx: Ctx): boolean {
  const type = def['type'];
  const keys = Object.keys(def);
  if (type === 'text') {
    const sub = asRecord(asRecord(def['fields'])['keyword']);
    return keys.length === 2 && Object.keys(asRecord(def['fields'])).length === 1 && sub['type'] === 'keyword' && sub['ignore_above'] === '256' && Object.keys(sub).length === 2;
  }
  if (type === 'long' || type === 'float' || type === 'boolean') return keys.length === 1;
  if (type === 'date') return ctx.dateDetection && keys.every((k) => k === 'type' || k === 'format');
  return false;
}

/** A dynamic template whose name and path conditions match the field, and whose mapping gives exactly this definition. */
function byTemplate(def: Rec, name: string, path: string, ctx: Ctx): boolean {
  for (const entry of ctx.templates) {
    if (!isRecord(entry)) continue;
    const body = Object.values(entry)[0];
    if (!isRecord(body) || !isRecord(body['mapping'])) continue;
    const regex = body['match_pattern'] === 'regex';
    if (!conditionHolds(body['match'], name, regex, true) || conditionHolds(body['unmatch'], name, regex, false)) continue;
    if (!conditionHolds(body['path_match'], path, false, true) || conditionHolds(body['path_unmatch'], path, false, false)) continue;
    const dynamicType = typeof def['type'] === 'string' ? def['type'] : 'object';
    const mapped = canonicalMappings({ properties: { [name]: substitute(body['mapping'], name, dynamicType) } })['properties'];
    if (isRecord(mapped) && deepEqual(mapped[name], def)) return true;
  }
  return false;
}

/** `absent`: what a condition that is not set gives (a missing `match` matches; a missing `unmatch` excludes nothing). */
function conditionHolds(condition: unknown, value: string, regex: boolean, absent: boolean): boolean {
  if (condition === undefined) return absent;
  const patterns = Array.isArray(condition) ? condition : [condition];
  return patterns.some((p) => typeof p === 'string' && (regex ? safeRegex(p)?.test(value) === true : wildcard(p, value)));
}

function safeRegex(p: string): RegExp | null {
  try {
    return new RegExp(`^(?:${p})$`);
  } catch {
    return null;
  }
}

function wildcard(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

function substitute(v: unknown, name: string, dynamicType: string): unknown {
  if (typeof v === 'string') return v.replaceAll('{name}', name).replaceAll('{dynamic_type}', dynamicType);
  if (Array.isArray(v)) return v.map((x) => substitute(x, name, dynamicType));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, name, dynamicType)]));
  return v;
}

function leafNames(def: Rec, path: string): string[] {
  if (!isObject(def) || !isRecord(def['properties'])) return [path];
  const inner = Object.entries(def['properties']).flatMap(([n, d]) => (isRecord(d) ? leafNames(d, `${path}.${n}`) : [`${path}.${n}`]));
  return inner.length > 0 ? inner : [path];
}

function isObject(def: Rec): boolean {
  return def['type'] === undefined || def['type'] === 'object' || def['type'] === 'nested';
}

function sortRec(r: Rec): Rec {
  const out: Rec = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

/** Shown at most, by name, of the fields dynamic mapping added (the count says how many more). */
const NAMED = 10;

/** One line for all the fields dynamic mapping added (SPEC §7: listed once, with a hint to declare them). */
export function dynamicFieldsReason(names: readonly string[]): string {
  const shown = names.slice(0, NAMED).join(', ');
  const more = names.length > NAMED ? ` and ${names.length - NAMED} more` : '';
  const n = names.length === 1 ? '1 field' : `${names.length} fields`;
  return `${n} added by dynamic mapping (not a change; declare them in the manifest to make them part of the schema, as esm import does): ${shown}${more}`;
}
