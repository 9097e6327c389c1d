/**
 * `esm plan`: the shell around the pure planner. Reads the manifests, ONE cluster
 * snapshot, the history and git, then lets `createPlan` decide. Never writes to
 * the cluster or the state (open the session with `readOnly` for `esm plan`;
 * the offline plan opens the state file read-only itself).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ClusterSnapshot } from '../cluster/types.js';
import type { HistoryView } from '../history/types.js';
import type { Manifest } from '../manifest/types.js';
import type { PlanEngineForm } from '../plan/inputs.js';
import type { CompanionInput } from '../plan/plan.js';
import type { OfflinePlan, Plan } from '../plan/types.js';
import type { Resolved, Session, StateView } from './session.js';

export interface PlanInputs {
  /** The index masters, resolved for the environment (companion names prefixed, synonym sets inlined where need be). */
  manifests: Manifest[];
  snapshot: ClusterSnapshot;
  history: HistoryView;
  git: Plan['git'];
  /** What the plan depends on: a saved plan is stale once these change. */
  base: Plan['base'];
  /** Per master, the engine's form of its spec, where the plan needs it (SPEC §7). */
  engineForms: Record<string, PlanEngineForm>;
  /** Companion objects (SPEC §12): declared, in the cluster, owned. */
  companions: CompanionInput;
  /** The manifests as resolved (for the engine's checks of companions). */
  resolved: Resolved;
}

export interface PlanOptions {
  only?: string[];
  planId?: string;
  /** Orphan companions are deleted (`esm apply --prune`). */
  prune?: boolean;
}

/**
 * Everything the planner reads, in a number of cluster requests that does not grow with
 * the masters, plus one simulation (read-only) per master whose instance is to be created
 * or changed or whose live form has no recorded fingerprint (plan/engine-forms.ts). A spec
 * the engine refuses stops here, before anything is written (exit 3). The companion
 * objects (SPEC §12) are read too.
 * `forms: false`: none (a saved plan is applied as it was made).
 */
export async function readPlanInputs(s: Session, opts: { only?: string[]; forms?: boolean } = {}): Promise<PlanInputs> {
  const [{ readTogether }, { checkSynonymSets }] = await Promise.all([import('./read-together.js'), import('./companions.js')]);
  const read = await readTogether(s, { store: true, git: true });
  const resolved = await s.resolved();
  if (opts.forms !== false) await checkSynonymSets(s, resolved);
  return inputsFrom(s, read, resolved, { forms: opts.forms !== false, ...(opts.only ? { only: opts.only } : {}) });
}

async function readEngineForms(
  s: Session,
  manifests: Manifest[],
  snapshot: ClusterSnapshot,
  history: HistoryView,
  only: string[] | undefined,
): Promise<Record<string, PlanEngineForm>> {
  const { formsWanted } = await import('../plan/engine-forms.js');
  const names = only?.length ? masterNames(s.prefix, only, manifests) : undefined;
  const wanted = formsWanted({ manifests, snapshot, history, prefix: s.prefix, ...(names ? { only: names } : {}) });
  if (wanted.length === 0) return {};
  const cluster = await s.cluster();
  const forms = await cluster.engineForms(wanted.map((w) => ({ key: w.master, name: w.name, spec: w.spec })));
  const out: Record<string, PlanEngineForm> = Object.fromEntries(forms);
  const { assertNotRefused } = await import('./refused.js');
  await assertNotRefused(manifests, out, s.config.cwd);
  return out;
}

/**
 * As readPlanInputs, with these manifests (resolved for the environment) instead of the
 * manifests directory's: `esm import --adopt` plans the masters and companions it has just
 * written, wherever it wrote them.
 */
export async function readPlanInputsWith(s: Session, resolved: Resolved): Promise<PlanInputs> {
  const cluster = await s.cluster();
  const [snapshot, store, git] = await Promise.all([cluster.snapshot(s.prefix), s.stateView(), s.git()]);
  return inputsFrom(s, { manifests: resolved.masters, snapshot, store, git }, resolved, { forms: true });
}

/** PlanInputs from what was read: the history's view, the live companions, the engine forms (unless `forms` is false: a saved plan's apply). */
async function inputsFrom(
  s: Session,
  read: { manifests: Manifest[]; snapshot: ClusterSnapshot; store: StateView; git: PlanInputs['git'] },
  resolved: Resolved,
  opts: { forms: boolean; only?: string[] },
): Promise<PlanInputs> {
  const [{ clusterHash }, { readCompanionInput }] = await Promise.all([import('../planfile/index.js'), import('./companions.js')]);
  const { manifests, snapshot, store, git } = read;
  const history = store.view();
  const companions = await readCompanionInput(s, resolved, history);
  const engineForms = opts.forms ? await readEngineForms(s, manifests, snapshot, history, opts.only) : {};
  return {
    manifests,
    snapshot,
    history,
    git,
    base: { stateHash: store.stateHash(history), clusterHash: clusterHash(snapshot, companions.live) },
    engineForms,
    companions,
    resolved,
  };
}

/** The plan for every master (or `only` those), made now. */
export async function computePlan(s: Session, opts: PlanOptions = {}): Promise<Plan> {
  const inputs = await readPlanInputs(s, opts.only?.length ? { only: opts.only } : {});
  return planFrom(s, inputs, opts);
}

/**
 * The pure planner over inputs already read (the apply reads them once for the freshness
 * check too), then the engine's checks of the companions apply would write (exit 3 before
 * anything is written).
 */
export async function planFrom(s: Session, inputs: PlanInputs, opts: PlanOptions = {}): Promise<Plan> {
  const [{ createPlan }, { checkCompanions }] = await Promise.all([import('../plan/index.js'), import('./companions.js')]);
  const plan = await planOnly(s, inputs, opts, createPlan);
  await checkCompanions(s, plan, inputs.resolved);
  return plan;
}

async function planOnly(s: Session, inputs: PlanInputs, opts: PlanOptions, createPlan: typeof import('../plan/index.js').createPlan): Promise<Plan> {
  const only = opts.only?.length ? masterNames(s.prefix, opts.only, inputs.manifests) : undefined;
  return createPlan({
    manifests: inputs.manifests,
    snapshot: inputs.snapshot,
    history: inputs.history,
    prefix: s.prefix,
    now: s.now(),
    planId: opts.planId ?? randomUUID(),
    git: inputs.git,
    base: inputs.base,
    engineForms: inputs.engineForms,
    ...(only ? { only } : {}),
    ...(await moduleFacts(s, inputs.manifests)),
    companions: { ...inputs.companions, prune: opts.prune ?? false },
  });
}

/**
 * Masters whose module source exports `ids`, so that the plan can say deletions
 * are found by comparing id sets, and `orderedBy`, so that their fills can resume.
 * A module that cannot be loaded counts as exporting neither (its fill reports the problem).
 */
export async function moduleFacts(s: Session, manifests: readonly Manifest[]): Promise<{ modulesWithIds: string[]; modulesOrdered: string[] }> {
  const facts = { modulesWithIds: [] as string[], modulesOrdered: [] as string[] };
  const modules = manifests.filter((m) => m.spec.source?.type === 'module');
  if (modules.length === 0) return facts;
  const { openSource } = await import('../sources/index.js');
  for (const m of modules) {
    const source = openSource(m, { cwd: s.config.cwd });
    if (await source.hasIds?.().catch(() => false)) facts.modulesWithIds.push(m.name);
    if ((await source.orderedBy?.().catch(() => undefined)) !== undefined) facts.modulesOrdered.push(m.name);
  }
  return facts;
}

/**
 * Master names as typed: `movies`, or with the environment prefix (`qa1_movies`).
 * Unknown names are left as typed, for the planner to refuse with the list of known masters.
 */
export function masterNames(prefix: string, args: readonly string[], manifests: readonly Manifest[]): string[] {
  const known = new Set(manifests.map((m) => m.name));
  const out: string[] = [];
  for (const a of args) {
    const bare = prefix && a.startsWith(prefix) && known.has(a.slice(prefix.length)) ? a.slice(prefix.length) : a;
    if (!out.includes(bare)) out.push(bare);
  }
  return out;
}

/**
 * `esm plan --offline --base <ref>`: the manifests at a git ref against the
 * working tree; no cluster. The state file, when `statePath` is given and the
 * file exists, is only read (never created or written): its document counts
 * and fill rates go into the plan. One that cannot be read leaves the plan
 * without them, and `warn` says why.
 */
export async function computeOfflinePlan(
  config: { cwd: string; manifestsDir: string; statePath?: string },
  baseRef: string,
  opts: { warn?: (message: string) => void } = {},
): Promise<OfflinePlan> {
  const [{ filesAtRef, commitOf, gitInfo }, { loadManifestSet, parseManifestSet }, { planOffline }, { offlineCompanions }] = await Promise.all([
    import('../git/info.js'),
    import('../manifest/index.js'),
    import('../plan/index.js'),
    import('../companions/offline.js'),
  ]);
  const [files, headSet, baseCommit, repo, history] = await Promise.all([
    filesAtRef(config.cwd, baseRef, config.manifestsDir, ['.yaml', '.yml']),
    loadManifestSet(config.manifestsDir, { cwd: config.cwd }),
    commitOf(config.cwd, baseRef),
    gitInfo(config.cwd),
    config.statePath === undefined ? null : readOfflineHistory(config.statePath, config.cwd, opts.warn),
  ]);
  const baseSet = parseManifestSet(files);
  const plan = planOffline(baseSet.masters, headSet.masters, { baseRef, baseCommit, head: repo ? { commit: repo.commit, dirty: repo.dirty } : null, history });
  const companions = offlineCompanions(baseSet, headSet);
  return companions.length ? { ...plan, companions } : plan;
}

/** The state file's figures, read-only; null view: missing, or unreadable (then `warn` says why). */
async function readOfflineHistory(
  statePath: string,
  cwd: string,
  warn: ((message: string) => void) | undefined,
): Promise<{ file: string; view: Pick<HistoryView, 'lastFills' | 'fillRates'> | null }> {
  const { displayPath } = await import('../manifest/load.js');
  const file = displayPath(statePath, cwd);
  if (!existsSync(statePath)) return { file, view: null };
  try {
    const { HistoryStore } = await import('../history/index.js');
    const store = await HistoryStore.open(statePath, { readOnly: true });
    try {
      const { lastFills, fillRates } = store.view();
      return { file, view: { lastFills: lastFills ?? {}, fillRates: fillRates ?? {} } };
    } finally {
      store.close();
    }
  } catch (e) {
    // The offline plan is for CI without a cluster: a state file it cannot read costs only the document counts.
    const why = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    warn?.(`warning: cannot read the history ${file}, so the offline plan has no document counts: ${why}`);
    return { file, view: null };
  }
}

/** Masters or companions an offline plan says apply would change (added, or changed). */
export function offlineHasChanges(plan: OfflinePlan): boolean {
  return [...plan.masters, ...(plan.companions ?? [])].some((m) => m.status === 'added' || m.status === 'changed');
}
