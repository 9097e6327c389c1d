/**
 * `createPlan`: loaded manifests + cluster snapshot + history in, a Plan out.
 * No I/O, no clock, no randomness: `now` and `planId` are passed in (STYLE habit 1).
 */
import { InvalidInputError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { PlanEngineForm, PlanHistory, PlanSnapshot } from './inputs.js';
import { explainRefusal, refusalProblem } from './refusals.js';
import type { Manifest } from '../manifest/types.js';
import { decideMaster } from './decide.js';
import { dynamicSettingsFor } from './dynamic-settings/index.js';
import { fillEstimate } from './fill-estimate.js';
import { masterState, type MasterState } from './instances.js';
import { dependencyOrder } from './order.js';
import { orphanWarnings } from './orphans.js';
import { companionChanges, type CompanionPlan, type CompanionSummary, type MasterPlan, type Plan, type PlanSummary, type PlanWarning } from './types.js';
import { planCompanions, type CompanionLive } from '../companions/plan.js';
import type { ResolvedCompanion } from '../companions/resolve.js';
import type { SynonymsSupport } from '../companions/types.js';
import { withCompanionEffects } from './companion-effects.js';

export interface PlanInput {
  manifests: Manifest[];
  snapshot: PlanSnapshot;
  history: PlanHistory;
  prefix: string;
  now: Date;
  planId: string;
  git: Plan['git'];
  base: Plan['base'];
  /** Plan only these masters (names as in the manifests). */
  only?: string[];
  /** Masters whose module source exports `ids` (the shell loads the modules). */
  modulesWithIds?: string[];
  /** Masters whose module source exports `orderedBy`, so that their fills can resume. */
  modulesOrdered?: string[];
  /** Per master, the engine's form of its spec (SPEC §7), where the shell read one (plan/engine-forms.ts says where). */
  engineForms?: Record<string, PlanEngineForm>;
  /** Companion objects (SPEC §12): the declared ones (resolved for the environment), what the cluster holds, ownership. */
  companions?: CompanionInput;
}

export interface CompanionInput {
  declared: readonly ResolvedCompanion[];
  live: CompanionLive;
  /** How synonym sets reach the cluster; null when nothing names one. */
  synonyms: SynonymsSupport | null;
  /** `Kind/id` of the objects the history says esm wrote and has not deleted since. */
  owned: readonly string[];
  /** `esm apply --prune`: orphans are deleted. */
  prune?: boolean;
}

/** SPEC §10: where the cluster lacks the module, the plan says how the reindex runs instead. */
export const CLIENT_SIDE_REINDEX =
  'the cluster has no reindex module: the reindex source is copied client-side (scan + bulk); a script is refused there, slices do not apply';

export function createPlan(input: PlanInput): Plan {
  const manifests = dependencyOrder(selectManifests(input.manifests, input.only));
  assertNotRefused(manifests, input.engineForms ?? {});
  const companions = input.companions ? companionPlans(input.companions, input) : undefined;
  const masters: MasterPlan[] = [];
  const warnings: PlanWarning[] = [];
  const dynamic = dynamicSettingsFor(input.snapshot.engine, input.snapshot.version);
  for (const manifest of manifests) {
    const state = masterState(manifest.name, input.prefix, input.snapshot, input.history);
    const decision = decideMaster(manifest, state, {
      moduleHasIds: input.modulesWithIds?.includes(manifest.name) ?? false,
      dynamic,
      moduleOrdered: input.modulesOrdered?.includes(manifest.name) ?? false,
      serverReindex: input.snapshot.capabilities.reindex,
      ...(input.history.unfinishedFills ? { unfinishedFills: input.history.unfinishedFills } : {}),
      ...(input.engineForms?.[manifest.name] ? { form: input.engineForms[manifest.name] } : {}),
      dataNodes: input.snapshot.dataNodes ?? null,
    });
    const planned = companions ? withCompanionEffects(decision.plan, manifest, state, companions) : decision.plan;
    masters.push(withSizes(planned, state, input.history.fillRates?.[manifest.name]));
    warnings.push(...decision.warnings);
  }
  if (!input.only?.length) {
    warnings.push(...orphanWarnings(new Set(input.manifests.map((m) => m.name)), input.prefix, input.snapshot, input.history));
  }
  if (!input.snapshot.capabilities.reindex) {
    for (const m of masters) {
      if (m.steps.some((s) => s.op === 'fill' && s.via === 'reindex')) m.reasons.push(CLIENT_SIDE_REINDEX);
    }
  }
  warnings.sort((a, b) => compare(a.master, b.master) || compare(a.code, b.code) || compare(a.message, b.message));
  return {
    formatVersion: 1,
    planId: input.planId,
    createdAt: input.now.toISOString(),
    git: input.git,
    base: input.base,
    prefix: input.prefix,
    ...(input.snapshot.engine !== undefined ? { cluster: { name: input.snapshot.clusterName, engine: input.snapshot.engine, version: input.snapshot.version } } : {}),
    masters,
    ...(companions?.length ? { companions } : {}),
    ...(input.companions?.synonyms ? { synonyms: input.companions.synonyms } : {}),
    warnings,
    summary: summarize(masters, companions),
  };
}

/** The companions' plan; with `only`, just the companions those masters use (and what those name), no orphans. */
function companionPlans(c: CompanionInput, input: PlanInput): CompanionPlan[] {
  const all = planCompanions({ prefix: input.prefix, declared: c.declared, masters: input.manifests, live: c.live, synonyms: c.synonyms, owned: c.owned, prune: c.prune ?? false });
  if (!input.only?.length) return all;
  const wanted = new Set<string>();
  const byKey = new Map(all.map((p) => [`${p.kind}/${p.name}`, p]));
  const want = (key: string) => {
    if (wanted.has(key)) return;
    wanted.add(key);
    for (const d of byKey.get(key)?.dependsOn ?? []) want(d);
  };
  for (const p of all) if (p.usedBy.some((m) => input.only!.includes(m))) want(`${p.kind}/${p.name}`);
  return all.filter((p) => wanted.has(`${p.kind}/${p.name}`) && p.action !== 'orphan' && p.action !== 'delete');
}

/** Counts steps by op; `noop` counts the masters with nothing to do (blocked ones excluded; a noop with pending retention drops has something to do). */
/** The live doc count, and for a replace the fill's size and (at the last measured rate) duration. */
function withSizes(mp: MasterPlan, state: MasterState, rate: number | undefined): MasterPlan {
  const liveDocs = state.active?.index.docs ?? null;
  if (mp.decision !== 'replace' || liveDocs === null) return { ...mp, liveDocs };
  return { ...mp, liveDocs, fillEstimate: fillEstimate(liveDocs, rate) };
}

export function summarize(masters: MasterPlan[], companions?: readonly CompanionPlan[]): PlanSummary {
  const summary: PlanSummary = { create: 0, fill: 0, catch_up: 0, prune: 0, activate: 0, in_place: 0, drop: 0, noop: 0, adopt: 0 };
  for (const m of masters) {
    if (m.steps.length === 0 && !m.blocked) summary.noop += 1;
    // mark_filled writes esm's own bookkeeping and a wait changes nothing: neither is counted.
    for (const s of m.steps) if (s.op !== 'mark_filled' && s.op !== 'wait') summary[s.op] += 1;
  }
  if (companions?.length) {
    const c: CompanionSummary = { create: 0, update: 0, adopt: 0, delete: 0, noop: 0, orphan: 0 };
    for (const p of companions) {
      if (companionChanges(p)) c[p.action as 'create' | 'update' | 'adopt' | 'delete'] += 1;
      else if (p.action === 'orphan') c.orphan += 1;
      else if (!p.blocked) c.noop += 1;
    }
    summary.companions = c;
  }
  return summary;
}

/** A spec the engine refuses stops the plan (exit 3): nothing may be written for it. */
function assertNotRefused(manifests: Manifest[], forms: Record<string, PlanEngineForm>): void {
  const problems: Problem[] = [];
  for (const m of manifests) {
    const form = forms[m.name];
    if (form?.kind === 'refused') problems.push(...form.reasons.map((r) => refusalProblem(explainRefusal(m, r), m.origin)));
  }
  if (problems.length) throw new InvalidInputError('the cluster refuses the spec of some masters; nothing was written', problems);
}

function selectManifests(all: Manifest[], only: string[] | undefined): Manifest[] {
  const byName = new Map<string, Manifest>();
  for (const m of all) {
    const seen = byName.get(m.name);
    if (seen) {
      throw new InvalidInputError(`master ${m.name} is declared twice`, [
        { file: seen.origin.file, line: seen.origin.line, col: seen.origin.col, message: `first declaration of ${m.name}` },
        { file: m.origin.file, line: m.origin.line, col: m.origin.col, message: `second declaration of ${m.name}` },
      ]);
    }
    byName.set(m.name, m);
  }
  const names = [...byName.keys()].sort(compare);
  if (!only?.length) return names.map((n) => byName.get(n)!);
  const unknown = only.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown master${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; known masters: ${names.length ? names.join(', ') : '(none: no manifest declares a master)'}`,
    );
  }
  const wanted = new Set(only);
  return names.filter((n) => wanted.has(n)).map((n) => byName.get(n)!);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
