/**
 * `esm import --companions` (SPEC §11, §12): the companion objects the imported masters
 * use — the pipelines and synonym sets their settings name, the index template that
 * gives their instances settings (with the component templates it is composed of), and
 * what those name in turn (a pipeline's `pipeline` and `script` processors) — as
 * manifest specs, the environment prefix stripped from their names and from every
 * reference. A master whose reference cannot be satisfied (the object is outside the
 * prefix, missing, not imported without --companions, or a companion that cannot be
 * written as a manifest) is refused with the reason: its manifest would not validate.
 * Pure: the cluster's objects are read by the caller.
 */
import { assertNever } from '../errors.js';
import { isRecord } from '../fingerprint/canonical-value.js';
import { readMark } from '../companions/marker.js';
import { liveBody, noun, type CompanionLive } from '../companions/plan.js';
import { referencesOf, type Path } from '../companions/references.js';
import { COMPANION_KINDS, refKey, type CompanionKind } from '../companions/types.js';
import type { SpecBody } from './spec.js';

type Rec = Record<string, unknown>;

export interface MasterUses {
  name: string;
  /** The spec to be written (names as the cluster holds them, prefix included). */
  spec: SpecBody;
  /** The index template the engine applies to the master's instance (its id), or null. */
  template: string | null;
}

export interface CompanionSelectionInput {
  prefix: string;
  masters: readonly MasterUses[];
  /** The cluster's companion objects; null without --companions (then only declared ones satisfy a reference). */
  live: CompanionLive | null;
  /** `Kind/name` of every companion the manifests directory declares already. */
  declared: ReadonlySet<string>;
}

export interface ImportedCompanion {
  kind: CompanionKind;
  /** The name as declared (no prefix). */
  name: string;
  /** The object's name in the cluster. */
  id: string;
  /** The manifest's `spec`: references and index patterns without the prefix, esm's mark left out. */
  spec: Rec;
  /** The masters that use it (directly or through another companion), sorted. */
  usedBy: string[];
}

export interface CompanionSelection {
  /** The masters' specs with their references written without the prefix (refused masters left out). */
  masters: Map<string, SpecBody>;
  /** Masters that cannot be imported, and why. */
  refused: Array<{ name: string; reason: string }>;
  /** Companions to write, in apply order of kinds, then by name. */
  companions: ImportedCompanion[];
  /** Companions the masters use that are not imported (the master may still be, e.g. for a template), and why. */
  skipped: Array<{ kind: CompanionKind; name: string; reason: string }>;
}

type Outcome = { ok: true } | { ok: false; reason: string };

/** Keys the engine adds to a pipeline or template it stores: not the manifest's. */
const SERVER_KEYS = ['created_date_millis', 'modified_date_millis', 'created_date', 'modified_date'];

export function selectCompanions(input: CompanionSelectionInput): CompanionSelection {
  const { prefix, live, declared } = input;
  const memo = new Map<string, Outcome>();
  const visiting: string[] = [];
  const imported = new Map<string, ImportedCompanion>();
  const deps = new Map<string, string[]>();
  const skipped = new Map<string, { kind: CompanionKind; name: string; reason: string }>();

  const need = (kind: CompanionKind, id: string): Outcome => {
    const key = `${kind}/${id}`;
    const known = memo.get(key);
    if (known) return known;
    const at = visiting.indexOf(key);
    if (at !== -1) {
      const chain = [...visiting.slice(at), key].map((k) => k.slice(k.indexOf('/') + 1)).join(' → ');
      return { ok: false, reason: `it is part of a cycle (${chain}): esm cannot apply one before the other` };
    }
    visiting.push(key);
    const out = decide(kind, id);
    visiting.pop();
    memo.set(key, out);
    // Without --companions only the masters are reported; an object outside the prefix is not import's to see.
    if (!out.ok && live !== null && id.startsWith(prefix)) skipped.set(key, { kind, name: id, reason: out.reason });
    return out;
  };

  const decide = (kind: CompanionKind, id: string): Outcome => {
    if (prefix && !id.startsWith(prefix)) {
      return { ok: false, reason: `it is outside the environment prefix ${prefix} (a manifest's reference to it would name ${prefix}${id})` };
    }
    const name = id.slice(prefix.length);
    if (declared.has(refKey({ kind, name }))) return { ok: true };
    if (live === null) return { ok: false, reason: 'no manifest declares it: import it too with --companions' };
    const body = liveBody(kind, id, live);
    if (body === null) return { ok: false, reason: `the cluster holds no ${noun(kind)} of that name` };
    const spec = specOf(kind, body);
    if (kind === 'IndexTemplate') {
      const patterns = spec['index_patterns'] as string[];
      const outside = patterns.filter((p) => !p.startsWith(prefix));
      if (outside.length) return { ok: false, reason: `it applies to ${outside.join(', ')}, outside the environment prefix ${prefix}` };
      spec['index_patterns'] = patterns.map((p) => p.slice(prefix.length));
    }
    const uses: string[] = [];
    for (const r of referencesOf(kind, { spec })) {
      const used = need(r.to.kind, r.to.name);
      if (!used.ok) return { ok: false, reason: `its ${r.where.slice('spec.'.length)} names ${noun(r.to.kind)} ${r.to.name}, which is not imported (${used.reason})` };
      uses.push(`${r.to.kind}/${r.to.name}`);
      setAt({ spec }, r.path, r.to.name.slice(prefix.length));
    }
    imported.set(`${kind}/${id}`, { kind, name, id, spec, usedBy: [] });
    deps.set(`${kind}/${id}`, uses);
    return { ok: true };
  };

  const masters = new Map<string, SpecBody>();
  const refused: CompanionSelection['refused'] = [];
  const usersOf = new Map<string, Set<string>>();
  const use = (key: string, master: string) => {
    const users = usersOf.get(key) ?? new Set<string>();
    if (users.has(master)) return;
    usersOf.set(key, users.add(master));
    for (const d of deps.get(key) ?? []) use(d, master);
  };
  for (const m of input.masters) {
    const spec = structuredClone(m.spec);
    const keys: string[] = [];
    let why: string | null = null;
    for (const r of referencesOf('IndexMaster', { spec })) {
      const used = need(r.to.kind, r.to.name);
      if (!used.ok) {
        why = `its ${r.where.slice('spec.'.length)} names ${noun(r.to.kind)} ${r.to.name}: ${used.reason}`;
        break;
      }
      keys.push(`${r.to.kind}/${r.to.name}`);
      setAt({ spec }, r.path, r.to.name.slice(prefix.length));
    }
    if (why !== null) {
      refused.push({ name: m.name, reason: why });
      continue;
    }
    // The template only gives the instance what the manifest leaves out: one that cannot be imported refuses nothing.
    if (m.template !== null && live !== null && need('IndexTemplate', m.template).ok) keys.push(`IndexTemplate/${m.template}`);
    masters.set(m.name, spec);
    for (const k of keys) use(k, m.name);
  }

  const companions = [...imported.entries()]
    .filter(([key]) => usersOf.has(key))
    .map(([key, c]) => ({ ...c, usedBy: [...usersOf.get(key)!].sort() }))
    .sort((a, b) => COMPANION_KINDS.indexOf(a.kind) - COMPANION_KINDS.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { masters, refused, companions, skipped: [...skipped.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** The manifest's spec of a live object: esm's mark and what the server adds left out; a mustache template as the JSON it holds. */
function specOf(kind: CompanionKind, live: Rec): Rec {
  const body = structuredClone(readMark(kind, live).body);
  for (const k of SERVER_KEYS) delete body[k];
  switch (kind) {
    case 'IngestPipeline':
      if (Array.isArray(body['on_failure']) && body['on_failure'].length === 0) delete body['on_failure'];
      if (body['description'] === '') delete body['description'];
      return body;
    case 'IndexTemplate': {
      const patterns = body['index_patterns'];
      body['index_patterns'] = Array.isArray(patterns) ? patterns.map(String) : [String(patterns)];
      if (Array.isArray(body['composed_of']) && body['composed_of'].length === 0) delete body['composed_of'];
      return withoutEmpty(body);
    }
    case 'ComponentTemplate':
      return withoutEmpty(body);
    case 'StoredScript': {
      const lang = String(body['lang'] ?? '');
      const out: Rec = { lang, source: scriptSource(lang, body['source']) };
      const options = isRecord(body['options']) ? { ...body['options'] } : {};
      // The engine adds content_type to a mustache template: not the manifest's.
      delete options['content_type'];
      if (Object.keys(options).length) out['options'] = options;
      return out;
    }
    case 'SynonymSet':
      return { synonyms: body['synonyms'] };
    default:
      return assertNever(kind, 'companion kind');
  }
}

/** A template without the empty `_meta` and `template` parts the engines answer with. */
function withoutEmpty(body: Rec): Rec {
  if (isRecord(body['_meta']) && Object.keys(body['_meta']).length === 0) delete body['_meta'];
  if (isRecord(body['template'])) {
    const t = body['template'];
    // The engines answer settings under `index`; a manifest says them as an IndexMaster does.
    const settings = t['settings'];
    if (isRecord(settings) && Object.keys(settings).length === 1 && isRecord(settings['index'])) t['settings'] = settings['index'];
    for (const k of ['settings', 'mappings', 'aliases']) if (isRecord(t[k]) && Object.keys(t[k]).length === 0) delete t[k];
  }
  return body;
}

function scriptSource(lang: string, source: unknown): unknown {
  const text = typeof source === 'string' ? source : JSON.stringify(source ?? '');
  if (lang !== 'mustache') return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : text;
  } catch {
    return text;
  }
}

function setAt(root: unknown, path: Path, value: unknown): void {
  let v: unknown = root;
  for (const step of path.slice(0, -1)) {
    if (typeof v !== 'object' || v === null) return;
    v = (v as Record<string | number, unknown>)[step];
  }
  if (typeof v === 'object' && v !== null) (v as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

