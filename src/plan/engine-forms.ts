/**
 * Which masters need the engine's form of their spec (SPEC §7 "Desired state as the
 * engine will hold it"), and what can be told without it. Pure.
 *
 * The engine's form is stable for a spec, an engine version and the templates of a
 * name: esm records its fingerprint on the instance it creates or changes in place
 * (`_meta.esm.engineFingerprint`), in the cluster, so that the deploy's plan and a
 * pull-request plan without the state file alike know an unchanged master without
 * asking the engine. The engine is asked (one simulation per master, read-only) only
 * where the answer matters: a master whose instance is to be created or changed, an
 * index to adopt, and an instance whose live form no longer has a recorded fingerprint
 * once the fields dynamic mapping added are set aside (to tell drift from defaults).
 */
import { canonicalMappings, canonicalSettings, fingerprint } from '../fingerprint/index.js';
import { asRecord, isRecord } from '../fingerprint/canonical-value.js';
import type { Manifest } from '../manifest/types.js';
import { dynamicAdditions } from './dynamic-fields.js';
import type { PlanHistory, PlanIndex, PlanSnapshot, PlanSpec } from './inputs.js';
import { masterState, type Instance, type MasterState } from './instances.js';
import { instanceOf } from './naming.js';

type Rec = Record<string, unknown>;

/** A spec whose engine form the plan needs: for master `master`, as an index named `name` would hold it. */
export interface FormWanted {
  master: string;
  name: string;
  spec: PlanSpec;
}

const liveFingerprints = new WeakMap<PlanIndex, string>();

/** The fingerprint of what a live index holds (computed once per index read). */
export function liveFingerprint(index: PlanIndex): string {
  let fp = liveFingerprints.get(index);
  if (fp === undefined) {
    fp = fingerprint({ settings: index.settings, mappings: index.mappings });
    liveFingerprints.set(index, fp);
  }
  return fp;
}

/**
 * Whether an instance with the manifest's fingerprint still holds what it was created
 * with, known without the engine: the live fingerprint is the manifest's or the
 * recorded engine fingerprint, possibly once the fields dynamic mapping added are set
 * aside. The names of those fields when so; null when the engine's form is needed.
 */
export function heldAsRecorded(instance: Instance, manifest: Manifest): { dynamic: string[] } | null {
  const recorded = [manifest.fingerprint, instance.index.meta?.engineFingerprint].filter((f): f is string => f !== undefined);
  if (recorded.includes(liveFingerprint(instance.index))) return { dynamic: [] };
  const live = canonicalMappings(instance.index.mappings);
  const added = dynamicAdditions(live, canonicalMappings(manifest.spec.mappings));
  if (added.names.length === 0) return null;
  const rest = fingerprint({ settings: canonicalSettings(instance.index.settings), mappings: added.mappings });
  return recorded.includes(rest) ? { dynamic: added.names } : null;
}

/** The instance name under which the master's spec is simulated, or null when the plan needs no engine form for it. */
export function formNameFor(manifest: Manifest, state: MasterState): string | null {
  if (state.adoption) return state.adoption.index.name;
  if (state.conflicts.length > 0) return null;
  const { active, instances } = state;
  const next = instanceOf(state.alias, state.nextNumber);
  if (instances.length === 0) return next;
  if (active && active.fingerprint === manifest.fingerprint) return heldAsRecorded(active, manifest) ? null : active.name;
  if (instances.some((i) => i !== active && i.fingerprint === manifest.fingerprint)) return null;
  return active ? active.name : next;
}

/** Every master (or `only` those) whose plan needs the engine's form of its spec. */
export function formsWanted(input: { manifests: Manifest[]; snapshot: PlanSnapshot; history: PlanHistory; prefix: string; only?: string[] }): FormWanted[] {
  const only = input.only?.length ? new Set(input.only) : null;
  const out: FormWanted[] = [];
  for (const m of input.manifests) {
    if (only && !only.has(m.name)) continue;
    const name = formNameFor(m, masterState(m.name, input.prefix, input.snapshot, input.history));
    if (name !== null) out.push({ master: m.name, name, spec: { settings: m.spec.settings, mappings: m.spec.mappings } });
  }
  return out;
}

/**
 * Where an index template and the manifest declare the same thing differently (SPEC §11
 * "Templates"): settings both set, root mapping parameters both set, dynamic templates
 * of the same name, fields both declare. The manifest's declaration wins when the index
 * is created; the template's author may not expect that. One line each, for people.
 */
export function templateConflicts(manifest: PlanSpec, template: PlanSpec): string[] {
  const out: string[] = [];
  const ms = canonicalSettings(manifest.settings);
  const ts = canonicalSettings(template.settings);
  for (const key of Object.keys(ts).sort()) {
    // number_of_shards / number_of_replicas get defaults in the canonical form: only what both set themselves counts.
    if (key in ms && !sameJson(ms[key], ts[key]) && declaresSetting(manifest.settings, key) && declaresSetting(template.settings, key)) out.push(`settings.${key}: ${show(ts[key])} in the template, ${show(ms[key])} in the manifest`);
  }
  const mm = canonicalMappings(manifest.mappings);
  const tm = canonicalMappings(template.mappings);
  for (const key of Object.keys(tm).sort()) {
    if (key === 'properties' || !(key in mm)) continue;
    if (key === 'dynamic_templates') {
      out.push(...dynamicTemplateConflicts(mm[key], tm[key]));
      continue;
    }
    if (!sameJson(mm[key], tm[key])) out.push(`mappings.${key}: ${show(tm[key])} in the template, ${show(mm[key])} in the manifest`);
  }
  fieldConflicts(asRecord(mm['properties']), asRecord(tm['properties']), 'mappings.properties', out);
  return out;
}

function fieldConflicts(m: Rec, t: Rec, path: string, out: string[]): void {
  for (const name of Object.keys(t).sort()) {
    const a = m[name];
    const b = t[name];
    if (a === undefined) continue;
    const p = `${path}.${name}`;
    if (isRecord(a) && isRecord(b) && isObjectDef(a) && isObjectDef(b)) {
      for (const param of Object.keys(b).sort()) {
        if (param === 'properties' || param === 'type' || !(param in a)) continue;
        if (!sameJson(a[param], b[param])) out.push(`${p}.${param}: ${show(b[param])} in the template, ${show(a[param])} in the manifest`);
      }
      fieldConflicts(asRecord(a['properties']), asRecord(b['properties']), `${p}.properties`, out);
    } else if (!sameJson(a, b)) {
      out.push(`${p}: ${show(b)} in the template, ${show(a)} in the manifest`);
    }
  }
}

function dynamicTemplateConflicts(m: unknown, t: unknown): string[] {
  const byName = (list: unknown) => new Map((Array.isArray(list) ? list : []).filter(isRecord).map((e) => [Object.keys(e)[0]!, e] as const));
  const mine = byName(m);
  const out: string[] = [];
  for (const [name, entry] of byName(t)) {
    const own = mine.get(name);
    if (own !== undefined && !sameJson(own, entry)) out.push(`mappings.dynamic_templates.${name}: ${show(entry[name])} in the template, ${show(own[name])} in the manifest`);
  }
  return out;
}

function declaresSetting(settings: Rec, key: string): boolean {
  const flat: Rec = {};
  const walk = (v: Rec, prefix: string) => {
    for (const [k, x] of Object.entries(v)) {
      const full = (prefix + k).replace(/^index\./, '');
      if (isRecord(x)) walk(x, `${full}.`);
      else flat[full] = x;
    }
  };
  walk(settings, '');
  return key in flat;
}

function isObjectDef(def: Rec): boolean {
  return def['type'] === undefined || def['type'] === 'object' || def['type'] === 'nested';
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[${v.join(', ')}]`;
  return JSON.stringify(v);
}
