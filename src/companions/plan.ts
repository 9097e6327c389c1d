/**
 * The plan of the companion objects (SPEC §12): for each declared companion `create`,
 * `update` (with the changed paths), `adopt`, `noop` or `inline`; for each object esm
 * owns in the cluster that no manifest declares any more `orphan` (or `delete` with
 * --prune). A same-named object esm does not own and that differs from the manifest
 * blocks the plan. Ownership: esm's mark on the object (marker.ts), or the history's
 * record that esm wrote it. Listed in the order apply runs them: what a companion names
 * before it, deletions last. Pure.
 */
import { assertNever } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { CompanionPlan } from '../plan/types.js';
import { canonicalBody, companionFingerprint } from './canonical.js';
import { bodyChanges, sameBody } from './diff.js';
import { readMark, withMark, type EsmMark, type PipelineMarker } from './marker.js';
import { companionId, type ResolvedCompanion } from './resolve.js';
import { COMPANION_KINDS, refKey, type CompanionKind, type SynonymsSupport } from './types.js';

type Rec = Record<string, unknown>;

/** The companion objects the cluster holds, as read (cluster/companions.ts `LiveCompanions` has this shape). */
export interface CompanionLive {
  pipelines: Record<string, Rec>;
  indexTemplates: Record<string, Rec>;
  componentTemplates: Record<string, Rec>;
  scripts: Record<string, Rec | null>;
  synonymSets: Record<string, string[]> | null;
  pipelineMarker: PipelineMarker;
}

export interface CompanionPlanInput {
  prefix: string;
  declared: readonly ResolvedCompanion[];
  /** The masters, resolved (their `uses`). */
  masters: readonly Manifest[];
  live: CompanionLive;
  synonyms: SynonymsSupport | null;
  /** `Kind/id` of every object the history says esm wrote and has not deleted since. */
  owned: readonly string[];
  /** `esm apply --prune`: orphans are deleted. */
  prune: boolean;
}

export const NO_COMPANIONS: CompanionLive = { pipelines: {}, indexTemplates: {}, componentTemplates: {}, scripts: {}, synonymSets: null, pipelineMarker: 'meta' };

export function planCompanions(input: CompanionPlanInput): CompanionPlan[] {
  const owned = new Set(input.owned);
  const usedBy = usageOf(input);
  const declared = dependencyOrder(input.declared).map((c) => decide(c, input, owned, usedBy.get(refKey(c)) ?? []));
  return [...declared, ...orphans(input, owned)];
}

/** The fingerprint of a declared companion as resolved: what its plan and esm's mark record. */
export function declaredFingerprint(c: ResolvedCompanion): string {
  return companionFingerprint(c.kind, specBody(c));
}

function decide(c: ResolvedCompanion, input: CompanionPlanInput, owned: ReadonlySet<string>, usedBy: string[]): CompanionPlan {
  const fingerprint = declaredFingerprint(c);
  const head = {
    kind: c.kind,
    name: c.name,
    id: c.id,
    fingerprint,
    usedBy,
    dependsOn: c.uses.map(refKey),
    origin: { file: c.origin.file, line: c.origin.line, col: c.origin.col },
  };
  const users = usedBy.length ? usedBy.join(', ') : 'no master';

  if (c.kind === 'SynonymSet' && input.synonyms?.path === 'inline') {
    return {
      ...head,
      action: 'inline',
      synonyms: 'inline',
      changes: [],
      reasons: [`${input.synonyms.reason}: its rules are inlined into the analysis of ${users} when an instance is created; a change of its rules replaces those masters`],
    };
  }
  const synonyms = c.kind === 'SynonymSet' ? { synonyms: 'api' as const } : {};
  const mark: EsmMark = { name: c.name, fingerprint };
  const body = putBody(c, mark, input.live.pipelineMarker);
  const live = liveBody(c.kind, c.id, input.live);
  if (live === null) {
    return { ...head, ...synonyms, action: 'create', body, changes: [], reasons: [`${noun(c.kind)} ${c.id} does not exist yet${usedBy.length ? ` (used by ${users})` : ''}`] };
  }
  const read = readMark(c.kind, live);
  const ours = (read.mark !== null && companionId(input.prefix, read.mark.name) === c.id) || owned.has(`${c.kind}/${c.id}`);
  const before = canonicalBody(c.kind, read.body);
  const after = canonicalBody(c.kind, specBody(c));
  if (sameBody(before, after)) {
    if (!ours) {
      return {
        ...head,
        ...synonyms,
        action: 'adopt',
        body,
        changes: [],
        reasons: [`${noun(c.kind)} ${c.id} exists with the manifest's content but was not created by esm: apply adopts it (writes the same content, marked as esm's)`],
      };
    }
    if (read.mark === null && markable(c.kind)) {
      return { ...head, ...synonyms, action: 'update', body, changes: [], reasons: [`${noun(c.kind)} ${c.id} has lost esm's mark (changed by hand?): apply writes it back`] };
    }
    return { ...head, ...synonyms, action: 'noop', changes: [], reasons: [`${noun(c.kind)} ${c.id} matches the manifest`] };
  }
  const changes = bodyChanges(before, after);
  if (!ours) {
    const blocked = `${noun(c.kind)} ${c.id} exists, differs from the manifest and was not created by esm (no esm mark, no record of it in the history): esm does not overwrite it`;
    return { ...head, ...synonyms, action: 'noop', blocked, changes, reasons: [blocked, 'rename the companion, delete or rename the object in the cluster, or declare it exactly as it is to adopt it'] };
  }
  const drift = read.mark?.fingerprint !== undefined && read.mark.fingerprint === fingerprint;
  const why = drift
    ? `${noun(c.kind)} ${c.id} was changed in the cluster since esm wrote it (drift): apply restores the manifest's version`
    : read.mark === null && markable(c.kind)
      ? `${noun(c.kind)} ${c.id} was changed in the cluster since esm wrote it (esm's mark is gone: changed by hand?), and differs from the manifest: apply writes the manifest's version`
      : `${noun(c.kind)} ${c.id} differs from the manifest`;
  return { ...head, ...synonyms, action: 'update', body, changes, reasons: [why, ...changes, ...effect(c, users)] };
}

/** What a change of the companion means for the masters that use it. */
function effect(c: ResolvedCompanion, users: string): string[] {
  switch (c.kind) {
    case 'IngestPipeline':
      return [`documents indexed through it from now on (${users}) go through the new version; documents already indexed are not changed`];
    case 'SynonymSet':
      return [`in place (synonyms reload): search analyzers with updateable: true that use it (${users}) reload; no new instance`];
    case 'IndexTemplate':
    case 'ComponentTemplate':
      return ['applies to indices created from now on; existing indices are not changed'];
    case 'StoredScript':
      return [];
    default:
      return assertNever(c, 'companion');
  }
}

/** The companion as the cluster's GET answers for it (without esm's mark): what is compared. */
export function specBody(c: ResolvedCompanion): Rec {
  switch (c.kind) {
    case 'IngestPipeline':
    case 'IndexTemplate':
    case 'ComponentTemplate':
      return c.spec as unknown as Rec;
    case 'StoredScript':
      return { lang: c.spec.lang, source: c.spec.source, ...(c.spec.options ? { options: c.spec.options } : {}) };
    case 'SynonymSet':
      return { synonyms: c.spec.synonyms };
    default:
      return assertNever(c, 'companion');
  }
}

/** The body of the `PUT` apply sends. */
function putBody(c: ResolvedCompanion, mark: EsmMark, marker: PipelineMarker): Rec {
  switch (c.kind) {
    case 'IngestPipeline':
    case 'IndexTemplate':
    case 'ComponentTemplate':
      return withMark(c.kind, c.spec as unknown as Rec, mark, marker);
    case 'StoredScript':
      return { script: specBody(c) };
    case 'SynonymSet':
      return { synonyms_set: c.spec.synonyms.map((rule) => ({ synonyms: rule })) };
    default:
      return assertNever(c, 'companion');
  }
}

/** The live body of one companion object, in the form its manifest's body is compared with (a synonym set as `{ synonyms }`). */
export function liveBody(kind: CompanionKind, id: string, live: CompanionLive): Rec | null {
  switch (kind) {
    case 'IngestPipeline':
      return live.pipelines[id] ?? null;
    case 'IndexTemplate':
      return live.indexTemplates[id] ?? null;
    case 'ComponentTemplate':
      return live.componentTemplates[id] ?? null;
    case 'StoredScript':
      return live.scripts[id] ?? null;
    case 'SynonymSet': {
      const rules = live.synonymSets?.[id];
      return rules ? { synonyms: rules } : null;
    }
    default:
      return assertNever(kind, 'companion kind');
  }
}

function markable(kind: CompanionKind): boolean {
  return kind === 'IngestPipeline' || kind === 'IndexTemplate' || kind === 'ComponentTemplate';
}

/**
 * Objects esm owns in this environment that no manifest declares: marked with a name
 * that, prefixed, is their id; or recorded in the history as written by esm.
 */
function orphans(input: CompanionPlanInput, owned: ReadonlySet<string>): CompanionPlan[] {
  const declared = new Set(input.declared.map((c) => `${c.kind}/${c.id}`));
  const found = new Map<string, { kind: CompanionKind; id: string; name: string }>();
  const consider = (kind: CompanionKind, id: string, body: Rec | null) => {
    if (body === null || declared.has(`${kind}/${id}`) || !id.startsWith(input.prefix)) return;
    const mark = readMark(kind, body).mark;
    const byMark = mark !== null && companionId(input.prefix, mark.name) === id;
    if (byMark || owned.has(`${kind}/${id}`)) found.set(`${kind}/${id}`, { kind, id, name: mark?.name ?? id.slice(input.prefix.length) });
  };
  for (const [id, b] of Object.entries(input.live.pipelines)) consider('IngestPipeline', id, b);
  for (const [id, b] of Object.entries(input.live.indexTemplates)) consider('IndexTemplate', id, b);
  for (const [id, b] of Object.entries(input.live.componentTemplates)) consider('ComponentTemplate', id, b);
  for (const [id, b] of Object.entries(input.live.scripts)) consider('StoredScript', id, b);
  for (const [id, rules] of Object.entries(input.live.synonymSets ?? {})) consider('SynonymSet', id, { synonyms: rules });
  return [...found.values()]
    .sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind) || compare(a.id, b.id))
    .map(({ kind, id, name }) => ({
      kind,
      name,
      id,
      action: input.prune ? 'delete' : 'orphan',
      changes: [],
      usedBy: [],
      dependsOn: [],
      reasons: input.prune
        ? [`no manifest declares ${noun(kind)} ${id} any more: --prune deletes it`]
        : [`no manifest declares ${noun(kind)} ${id} any more, but esm created it: it is kept (esm apply --prune deletes it)`],
    }));
}

/** Deletions in an order the engines accept: an index template before the component templates it is composed of. */
const DELETE_ORDER: readonly CompanionKind[] = ['IndexTemplate', 'IngestPipeline', 'StoredScript', 'SynonymSet', 'ComponentTemplate'];

/** What a companion names comes before it; otherwise by kind (COMPANION_KINDS), then name. Validation refused cycles. */
export function dependencyOrder(companions: readonly ResolvedCompanion[]): ResolvedCompanion[] {
  const byKey = new Map(companions.map((c) => [refKey(c), c]));
  const sorted = [...companions].sort((a, b) => COMPANION_KINDS.indexOf(a.kind) - COMPANION_KINDS.indexOf(b.kind) || compare(a.name, b.name));
  const out: ResolvedCompanion[] = [];
  const placed = new Set<string>();
  const place = (c: ResolvedCompanion, path: Set<string>) => {
    const key = refKey(c);
    if (placed.has(key) || path.has(key)) return;
    path.add(key);
    for (const u of c.uses) {
      const dep = byKey.get(refKey(u));
      if (dep) place(dep, path);
    }
    placed.add(key);
    out.push(c);
  };
  for (const c of sorted) place(c, new Set());
  return out;
}

/**
 * Masters using each companion: those that name it, those that use a companion naming
 * it, and for an index template the masters whose instances its patterns match.
 */
function usageOf(input: CompanionPlanInput): Map<string, string[]> {
  const direct = new Map<string, Set<string>>();
  const add = (key: string, master: string) => direct.set(key, (direct.get(key) ?? new Set()).add(master));
  for (const m of input.masters) for (const u of m.uses ?? []) add(refKey(u), m.name);
  for (const c of input.declared) {
    if (c.kind !== 'IndexTemplate') continue;
    const patterns = c.spec.index_patterns.map(globRegExp);
    for (const m of input.masters) if (patterns.some((p) => p.test(`${input.prefix}${m.name}-1`))) add(refKey(c), m.name);
  }
  const users = new Map<string, string[]>();
  const usersOf = (key: string, path: Set<string>): Set<string> => {
    const out = new Set(direct.get(key) ?? []);
    if (path.has(key)) return out;
    path.add(key);
    for (const c of input.declared) if (c.uses.some((u) => refKey(u) === key)) for (const m of usersOf(refKey(c), path)) out.add(m);
    path.delete(key);
    return out;
  };
  for (const c of input.declared) users.set(refKey(c), [...usersOf(refKey(c), new Set())].sort());
  return users;
}

function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

export function noun(kind: CompanionKind): string {
  switch (kind) {
    case 'IngestPipeline':
      return 'ingest pipeline';
    case 'SynonymSet':
      return 'synonym set';
    case 'StoredScript':
      return 'stored script';
    case 'IndexTemplate':
      return 'index template';
    case 'ComponentTemplate':
      return 'component template';
    default:
      return assertNever(kind, 'companion kind');
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
