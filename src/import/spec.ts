/**
 * The spec of an imported master (SPEC §11), pure: the settings and mappings as the
 * cluster holds them, less what the server owns (uuid, creation date, versions, …),
 * less what the index templates matching the index's name give it anyway (esm creates
 * its instances through those templates too), with `_meta` kept but for `_meta.esm`.
 * Fields dynamic mapping added are in the live mapping: they become declared fields.
 */
import { isServerManagedSetting } from '../fingerprint/index.js';
import { isRecord, stableJson } from '../fingerprint/canonical-value.js';

type Rec = Record<string, unknown>;

export interface SpecBody {
  settings: Rec;
  mappings: Rec;
}

export interface ImportedSpec extends SpecBody {
  /** What was left out because the templates give it (`settings.refresh_interval`, `mappings.properties.@timestamp`), for people. */
  fromTemplates: string[];
}

/**
 * `live`: the index as read (settings at the `index.` level, nested); `templates`: what the
 * templates matching its name give (null: none matches). `writeBlockOfAdoption`: the index
 * carries the marker of an adoption that stopped before its swap, whose write block is esm's.
 */
export function importedSpec(live: SpecBody, templates: SpecBody | null, opts: { writeBlockOfAdoption?: boolean } = {}): ImportedSpec {
  const fromTemplates: string[] = [];
  const given = templates ? flat(templates.settings) : new Map<string, unknown>();
  const settings: Rec = {};
  for (const [key, value] of flat(live.settings)) {
    if (isServerManagedSetting(key)) continue;
    if (opts.writeBlockOfAdoption && key === 'blocks.write') continue;
    // Analysis stays whole: the mappings name its analyzers, and validation looks for them in the manifest.
    if (given.has(key) && same(given.get(key), value) && !key.startsWith('analysis.')) {
      fromTemplates.push(`settings.${key}`);
      continue;
    }
    setPath(settings, key.split('.'), typed(value));
  }
  const mappings = withoutEsmMeta(structuredClone(live.mappings));
  if (templates) subtractMappings(mappings, templates.mappings, 'mappings', fromTemplates);
  return { settings: shardsFirst(settings), mappings, fromTemplates };
}

/** `number_of_shards` and `number_of_replicas` first, as manifests usually read; the rest in the engine's order. */
function shardsFirst(settings: Rec): Rec {
  const first = ['number_of_shards', 'number_of_replicas'].filter((k) => k in settings);
  return Object.fromEntries([...first.map((k) => [k, settings[k]]), ...Object.entries(settings).filter(([k]) => !first.includes(k))]);
}

/** `_meta` without `esm` (esm's own bookkeeping is written by adoption); no `_meta` at all when nothing else is in it. */
function withoutEsmMeta(mappings: Rec): Rec {
  const meta = mappings['_meta'];
  if (!isRecord(meta)) return mappings;
  const { esm: _esm, ...rest } = meta;
  if (Object.keys(rest).length === 0) delete mappings['_meta'];
  else mappings['_meta'] = rest;
  return mappings;
}

/**
 * Leaves out of `mappings` what `given` (the templates') holds the same: root parameters,
 * whole fields (recursively inside objects), and the templates' dynamic templates when the
 * live list starts with them (the engine puts the templates' first). An object field that
 * stays keeps all its own parameters: on Elasticsearch the request's object replaces the
 * template's parameters, so none may be left to the template.
 */
function subtractMappings(mappings: Rec, given: Rec, path: string, left: string[]): void {
  for (const [key, value] of Object.entries(given)) {
    if (!(key in mappings)) continue;
    if (key === 'properties' && isRecord(mappings[key]) && isRecord(value)) {
      subtractProperties(mappings[key] as Rec, value, `${path}.properties`, left);
      if (Object.keys(mappings[key] as Rec).length === 0) delete mappings[key];
    } else if (key === 'dynamic_templates' && Array.isArray(mappings[key]) && Array.isArray(value)) {
      const live = mappings[key] as unknown[];
      if (value.length > 0 && value.every((t, i) => same(t, live[i]))) {
        left.push(`${path}.dynamic_templates (${value.length} of the templates')`);
        if (live.length === value.length) delete mappings[key];
        else mappings[key] = live.slice(value.length);
      }
    } else if (key !== '_meta' && same(mappings[key], value)) {
      left.push(`${path}.${key}`);
      delete mappings[key];
    }
  }
}

function subtractProperties(props: Rec, given: Rec, path: string, left: string[]): void {
  for (const [name, def] of Object.entries(given)) {
    const mine = props[name];
    if (mine === undefined) continue;
    if (same(mine, def)) {
      left.push(`${path}.${name}`);
      delete props[name];
    } else if (isRecord(mine) && isRecord(def) && isRecord(mine['properties']) && isRecord(def['properties'])) {
      subtractProperties(mine['properties'] as Rec, def['properties'] as Rec, `${path}.${name}.properties`, left);
    }
  }
}

/** Dotted keys (without `index.`) to values, from nested or dotted settings. */
function flat(settings: Rec, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(settings)) {
    const key = stripIndex(prefix + k);
    if (isRecord(v)) flat(v, `${key}.`, out);
    else if (v !== null && v !== undefined) out.set(key, v);
  }
  return out;
}

function stripIndex(key: string): string {
  return key.startsWith('index.') ? key.slice('index.'.length) : key;
}

function setPath(target: Rec, parts: string[], value: unknown): void {
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    if (!isRecord(cur[p])) cur[p] = {};
    cur = cur[p] as Rec;
  }
  cur[parts.at(-1)!] = value;
}

/**
 * The engines return every setting as a string: numbers and booleans are written as such
 * (`number_of_shards: 1`), which the manifest schema expects and which fingerprints the same.
 */
function typed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(typed);
  if (typeof value !== 'string') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})$/.test(value)) return Number(value);
  return value;
}

/** Equal as the engine means it: `1` and `"1"` alike, key order aside. */
function same(a: unknown, b: unknown): boolean {
  return stableJson(loose(a)) === stableJson(loose(b));
}

function loose(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(loose);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, loose(x)]));
  return v;
}
