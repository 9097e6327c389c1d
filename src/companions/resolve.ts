/**
 * Manifests as one environment of one cluster sees them (SPEC §12): companion names
 * carry the environment prefix (`qa1_movies-enrich`) and every reference to them is
 * rewritten to match, so that `qa1_` and `prod_` share a cluster without touching
 * each other's objects; an index template's `index_patterns` are prefixed too.
 * Where the cluster has no synonyms API, a filter's `synonyms_set: <name>` becomes
 * `synonyms: [the set's rules]`. A master's fingerprint is that of its resolved spec:
 * what the cluster holds. Pure.
 */
import type { CompanionUse, InlinedSet, Manifest } from '../manifest/types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import { referencesOf, type Path, type Reference } from './references.js';
import type { Companion, CompanionKind, SynonymsSupport } from './types.js';

export interface Environment {
  prefix: string;
  /** How synonym sets reach the cluster; null when no master or template names one (nothing to decide). */
  synonyms: SynonymsSupport | null;
  /** The declared synonym sets' rules, by name. */
  sets: ReadonlyMap<string, readonly string[]>;
}

/** A companion with its cluster id and its spec as the cluster gets it (references and patterns prefixed). */
export type ResolvedCompanion = Companion & {
  /** The object's name in the cluster: `<prefix><name>`. */
  id: string;
  uses: CompanionUse[];
};

export function companionId(prefix: string, name: string): string {
  return `${prefix}${name}`;
}

export function environmentOf(prefix: string, companions: readonly Companion[], synonyms: SynonymsSupport | null): Environment {
  const sets = new Map<string, readonly string[]>();
  for (const c of companions) if (c.kind === 'SynonymSet') sets.set(c.name, c.spec.synonyms);
  return { prefix, synonyms, sets };
}

/** Whether the manifests name a synonym set anywhere (then the cluster is asked how it takes them). */
export function namesSynonymSets(masters: readonly Manifest[], companions: readonly Companion[]): boolean {
  return (
    masters.some((m) => referencesOf('IndexMaster', { spec: m.spec }).some((r) => r.to.kind === 'SynonymSet')) ||
    companions.some((c) => referencesOf(c.kind, { spec: c.spec }).some((r) => r.to.kind === 'SynonymSet'))
  );
}

export function resolveMaster(m: Manifest, env: Environment): Manifest {
  const refs = referencesOf('IndexMaster', { spec: m.spec });
  if (refs.length === 0) return m;
  const { spec, inlined } = rewrite({ spec: m.spec }, refs, env);
  const out = withFingerprint({ ...m, spec: spec.spec as Manifest['spec'], uses: usesOf(refs) });
  if (inlined.length) out.inlined = inlined;
  return out;
}

export function resolveCompanion(c: Companion, env: Environment): ResolvedCompanion {
  const refs = referencesOf(c.kind, { spec: c.spec });
  const { spec } = rewrite({ spec: c.spec }, refs, env);
  const resolved = { ...c, spec: spec.spec, id: companionId(env.prefix, c.name), uses: usesOf(refs) } as ResolvedCompanion;
  if (resolved.kind === 'IndexTemplate' && env.prefix) {
    resolved.spec = { ...resolved.spec, index_patterns: resolved.spec.index_patterns.map((p) => `${env.prefix}${p}`) };
  }
  return resolved;
}

function usesOf(refs: readonly Reference[]): CompanionUse[] {
  const out: CompanionUse[] = [];
  for (const r of refs) if (!out.some((u) => u.kind === r.to.kind && u.name === r.to.name)) out.push({ kind: r.to.kind, name: r.to.name, where: r.where });
  return out;
}

/** A copy of `doc` with each reference prefixed, or (synonym sets, inline path) replaced by the set's rules. */
function rewrite(doc: { spec: unknown }, refs: readonly Reference[], env: Environment): { spec: { spec: unknown }; inlined: InlinedSet[] } {
  const copy = structuredClone(doc);
  const inlined: InlinedSet[] = [];
  for (const r of refs) {
    if (r.to.kind === 'SynonymSet' && env.synonyms?.path === 'inline') {
      inlineRules(copy, r.path, [...(env.sets.get(r.to.name) ?? [])]);
      const filter = /^analysis\.filter\.(.+)\.synonyms_set$/.exec(r.setting ?? '')?.[1];
      if (filter !== undefined) inlined.push({ set: r.to.name, filter });
    } else {
      setAt(copy, r.path, companionId(env.prefix, r.to.name));
    }
  }
  return { spec: copy, inlined };
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = at(root, path.slice(0, -1));
  if (parent !== null) (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** `…synonyms_set: name` → `…synonyms: [rules]`, at the same place (nested or dotted key). */
function inlineRules(root: unknown, path: Path, rules: string[]): void {
  const parent = at(root, path.slice(0, -1)) as Record<string, unknown> | null;
  const key = path[path.length - 1];
  if (parent === null || typeof key !== 'string') return;
  delete parent[key];
  parent[`${key.slice(0, -'synonyms_set'.length)}synonyms`] = rules;
}

function at(root: unknown, path: Path): object | null {
  let v: unknown = root;
  for (const step of path) {
    if (typeof v !== 'object' || v === null) return null;
    v = (v as Record<string | number, unknown>)[step];
  }
  return typeof v === 'object' && v !== null ? v : null;
}

/** The kinds a companion of `kind` may name (what validation checks and apply orders by). */
export const MAY_NAME: Readonly<Record<CompanionKind | 'IndexMaster', readonly CompanionKind[]>> = {
  IndexMaster: ['IngestPipeline', 'SynonymSet', 'StoredScript'],
  IngestPipeline: ['IngestPipeline', 'StoredScript'],
  IndexTemplate: ['ComponentTemplate', 'IngestPipeline', 'SynonymSet'],
  ComponentTemplate: ['IngestPipeline', 'SynonymSet'],
  SynonymSet: [],
  StoredScript: [],
};
