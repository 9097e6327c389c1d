/**
 * The executor: runs the plan it is given, master by master, step by step,
 * and reports what happens as ProgressEvents (it knows nothing of output,
 * STYLE habit 6). Each step holds what it needs; the executor decides nothing
 * again: the preconditions were checked before it started (plan/preconditions.ts).
 * Every step is queued in the journal up front and moves to in_progress, then
 * complete or failed. A failed step stops its master (the alias stays where it
 * was); the other masters go on. Up to `parallelism` masters run side by side;
 * a master whose source reindexes from another master of the plan starts once
 * that one finished, and is skipped when it failed (SPEC §7).
 */
import type { ActionName } from '../history/types.js';
import type { Manifest } from '../manifest/types.js';
import { createIndexOf, markFilled } from '../operations/create.js';
import { swapAlias } from '../operations/activate.js';
import { dropIndex } from '../operations/drop.js';
import { pruneMissing, type PruneResult } from '../operations/prune.js';
import { runFill, type FillOptions, type FillResult, type Resumed } from '../operations/fill.js';
import type { Session } from '../operations/session.js';
import { updateInPlace } from '../operations/update-in-place.js';
import { shardWords, waitForHealth } from '../operations/wait-health.js';
import { adoptIndex } from '../operations/adopt.js';
import type { CompanionAction, CompanionPlan, MasterPlan, Plan, Step } from '../plan/types.js';
import { companionChanges } from '../plan/types.js';
import { applyCompanion, companionAction } from '../operations/companions.js';
import { assertNever, RuntimeError } from '../errors.js';
import { reindexesFrom } from '../manifest/dependencies.js';
import { DEFAULT_PARALLELISM } from './parallelism.js';
import { NO_ACTIVATE, skipWords, type SkipReason } from './skip.js';

export type StepStatus = 'done' | 'failed' | 'skipped';

export interface StepResult {
  op: Step['op'];
  /** The index the step works on (for `activate`: the instance the alias moves to). */
  index: string;
  status: StepStatus;
  docs?: number;
  /** A fill or catch-up: the documents changed since this time were sent (null: all). */
  since?: string | null;
  elapsedMs?: number;
  error?: string;
  /** The error itself, for callers that pass it on (`esm update`). */
  cause?: unknown;
  /** Why a step was skipped, typed, and in words. */
  skip?: SkipReason;
  reason?: string;
  /** An adoption by clone: how long writes to the index were refused, from the block to the swap. */
  writeBlockedMs?: number;
}

export interface MasterResult {
  name: string;
  ok: boolean;
  steps: StepResult[];
  /** The first failure, when not ok. */
  error?: string;
}

export interface CompanionResult {
  kind: CompanionPlan['kind'];
  name: string;
  id: string;
  action: CompanionAction;
  status: StepStatus;
  error?: string;
  reason?: string;
}

export interface ApplyResult {
  planId: string;
  ok: boolean;
  masters: MasterResult[];
  /** The companions written or deleted (absent when the plan changes none). */
  companions?: CompanionResult[];
}

export interface ExecuteOptions {
  /** Pre-deployment: create and fill, leave every alias and live index as it is. */
  noActivate?: boolean;
  batchSize?: number;
  concurrency?: number;
  /** Masters run side by side (default DEFAULT_PARALLELISM). */
  parallelism?: number;
  /** Called before every step; throwing stops the apply (e.g. the apply lock was lost). */
  checkpoint?: () => void;
  /** How long a `wait` step waits for its instance's health (default DEFAULT_WAIT_TIMEOUT_MS, 30 min). */
  waitTimeoutMs?: number;
}


/**
 * Runs `plan`. Its actions carry the session's plan id (`applyPlan` sets it; `esm update`'s
 * plans have none). Companions (SPEC §12) are written first, in the plan's order, each after
 * what it names; a master that uses a companion that failed is not run, the others go on.
 * Orphan companions (`--prune`) are deleted last.
 */
export async function executePlan(s: Session, plan: Plan, opts: ExecuteOptions = {}): Promise<ApplyResult> {
  const run = plan.masters.filter((mp) => mp.steps.length > 0);
  const companions = (plan.companions ?? []).filter(companionChanges);
  const writes = companions.filter((c) => c.action !== 'delete');
  const deletes = companions.filter((c) => c.action === 'delete');
  await s.queue([
    ...companions.filter((c) => noActivateCompanion(c, opts) === null).map(companionAction),
    ...run.flatMap((mp) => mp.steps.filter((step) => noActivateSkip(step, mp, opts) === null).flatMap((step) => actionsOf(mp, step))),
  ]);
  let masters: MasterResult[];
  const done: CompanionResult[] = [];
  try {
    const outcome = new Map<string, CompanionResult>();
    for (const c of writes) {
      const r = await runCompanion(s, c, outcome, opts);
      outcome.set(`${c.kind}/${c.name}`, r);
      done.push(r);
    }
    const failedUse = (mp: MasterPlan) => (mp.uses ?? []).find((u) => ['failed', 'skipped'].includes(outcome.get(u)?.status ?? '') && outcome.get(u)?.reason !== NO_ACTIVATE_WORDS);
    masters = await runMasters(run, opts.parallelism ?? DEFAULT_PARALLELISM, (mp, source) => {
      const companion = failedUse(mp);
      if (companion !== undefined) return skipMaster(s, mp, 'companion_failed', companion, opts);
      return source === undefined || source.ok ? runMaster(s, mp, opts) : skipMaster(s, mp, 'source_failed', source.name, opts);
    });
    for (const c of deletes) done.push(await runCompanion(s, c, outcome, opts));
  } finally {
    // Whatever was queued and did not run (a throw out of a master) is not left queued.
    await s.abandonQueued('not run: the apply stopped before this step');
  }
  const ok = masters.every((m) => m.ok) && done.every((c) => c.status !== 'failed' && (c.status !== 'skipped' || c.reason === NO_ACTIVATE_WORDS));
  return { planId: plan.planId, ok, masters, ...(done.length ? { companions: done } : {}) };
}

const NO_ACTIVATE_WORDS = `${NO_ACTIVATE} (a change of this object would reach the live indices)`;

/** With --no-activate, a companion that exists is not changed (live indices use it); a new one is created. */
export function noActivateCompanion(c: CompanionPlan, opts: ExecuteOptions): string | null {
  return opts.noActivate && (c.action === 'update' || c.action === 'delete') ? NO_ACTIVATE_WORDS : null;
}

/** One companion: skipped when one it names failed (or the run stops), else written or deleted and recorded. */
async function runCompanion(s: Session, c: CompanionPlan, outcome: ReadonlyMap<string, CompanionResult>, opts: ExecuteOptions): Promise<CompanionResult> {
  const head = { kind: c.kind, name: c.name, id: c.id, action: c.action };
  const key = `${c.kind}/${c.id}`;
  const failedDep = c.dependsOn.find((d) => outcome.get(d) && outcome.get(d)!.status !== 'done' && outcome.get(d)!.reason !== NO_ACTIVATE_WORDS);
  const noActivate = noActivateCompanion(c, opts);
  const reason = noActivate ?? (failedDep !== undefined ? `${failedDep}, which it names, failed` : s.signal?.aborted ? 'interrupted' : null);
  if (reason !== null) {
    if (noActivate === null) await s.abandonQueued(`not run: ${reason}`, companionAction(c));
    s.emit({ kind: 'companion', companion: key, action: c.action, status: 'skipped', reason });
    return { ...head, status: 'skipped', reason };
  }
  s.emit({ kind: 'companion', companion: key, action: c.action, status: 'started' });
  try {
    opts.checkpoint?.();
    await applyCompanion(s, c);
    s.emit({ kind: 'companion', companion: key, action: c.action, status: 'done' });
    return { ...head, status: 'done' };
  } catch (e) {
    const error = (e as Error).message;
    await s.abandonQueued(error, companionAction(c), 'failed');
    s.emit({ kind: 'companion', companion: key, action: c.action, status: 'failed', error });
    return { ...head, status: 'failed', error };
  }
}

/**
 * Runs `run(mp, source)` for every master, at most `parallelism` at a time, in
 * the plan's order; a master reindexing from another master of the list waits
 * for that one's result (`source`) and holds no slot meanwhile. The results
 * come back in the plan's order. A throw (not a step's failure: the store broke)
 * starts nothing more, lets the running masters end, and is rethrown.
 */
export async function runMasters(
  masters: readonly MasterPlan[],
  parallelism: number,
  run: (mp: MasterPlan, source: MasterResult | undefined) => Promise<MasterResult>,
): Promise<MasterResult[]> {
  const results = new Map<string, Promise<MasterResult>>();
  const names = new Set(masters.map((m) => m.name));
  let free = Math.max(1, Math.floor(parallelism));
  const waiting: Array<() => void> = [];
  const broke: { error?: unknown; yes: boolean } = { yes: false };
  const slot = async () => {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  for (const mp of masters) {
    const from = reindexesFrom(mp);
    // The plan lists a source before its dependants (plan/order.ts), so its promise exists already.
    const source = from !== null && names.has(from) ? results.get(from) : undefined;
    results.set(
      mp.name,
      (async () => {
        const src = source ? await source : undefined;
        await slot();
        try {
          if (broke.yes) throw broke.error;
          return await run(mp, src);
        } catch (e) {
          if (!broke.yes) Object.assign(broke, { yes: true, error: e });
          throw e;
        } finally {
          release();
        }
      })(),
    );
  }
  const settled = await Promise.allSettled(results.values());
  if (broke.yes) throw broke.error;
  return settled.map((r) => (r as PromiseFulfilledResult<MasterResult>).value);
}

/** A master whose source master, or a companion it uses, failed: nothing of it runs, each step says why. */
async function skipMaster(s: Session, mp: MasterPlan, why: 'source_failed' | 'companion_failed', what: string, opts: ExecuteOptions): Promise<MasterResult> {
  const master = mp.name;
  s.emit({ kind: 'master_started', master, steps: mp.steps.length });
  const steps: StepResult[] = [];
  for (const step of mp.steps) {
    const noActivate = noActivateSkip(step, mp, opts);
    const reason = skipWords(why, target(step), what);
    if (noActivate === null) for (const a of actionsOf(mp, step)) await s.abandonQueued(`not run: ${reason}`, a);
    s.emit({ kind: 'step_skipped', master, step, reason });
    steps.push({ op: step.op, index: target(step), status: 'skipped', skip: why, reason });
  }
  s.emit({ kind: 'master_done', master, ok: false });
  return { name: master, ok: false, steps, error: `not run: ${skipWords(why, mp.name, what)}` };
}

async function runMaster(s: Session, mp: MasterPlan, opts: ExecuteOptions): Promise<MasterResult> {
  const master = mp.name;
  const steps: StepResult[] = [];
  const fills = new Map<string, FillResult>();
  let failure: string | null = null;
  s.emit({ kind: 'master_started', master, steps: mp.steps.length });
  for (const [i, step] of mp.steps.entries()) {
    const noActivate = noActivateSkip(step, mp, opts);
    const skip: SkipReason | null = failure !== null ? 'earlier_step_failed' : s.signal?.aborted ? 'interrupted' : noActivate;
    if (skip !== null) {
      const reason = skipWords(skip, target(step));
      if (noActivate === null) for (const a of actionsOf(mp, step)) await s.abandonQueued(`not run: ${reason}`, a);
      s.emit({ kind: 'step_skipped', master, step, reason });
      steps.push({ op: step.op, index: target(step), status: 'skipped', skip, reason });
      continue;
    }
    const t0 = Date.now();
    let started = false;
    const start = (total?: number, resumedFrom?: Resumed) => {
      if (started) return;
      started = true;
      s.emit({ kind: 'step_started', master, step, index: i, total, ...(resumedFrom ? { resumedFrom } : {}) });
    };
    try {
      opts.checkpoint?.();
      // Fills, prunes and waits announce themselves once they know how many documents, ids or shard copies they go through.
      if (step.op !== 'fill' && step.op !== 'catch_up' && step.op !== 'prune' && step.op !== 'wait') start();
      const out = await runStep(s, mp, step, fills, {
        ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
        ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
        ...(opts.waitTimeoutMs !== undefined ? { waitTimeoutMs: opts.waitTimeoutMs } : {}),
        onStart: ({ total, resumedFrom }) => start(total, resumedFrom),
        onProgress: (p) =>
          s.emit({ kind: 'step_progress', master, step, done: p.done, total: p.total, failed: p.failed, elapsedMs: p.elapsedMs, ...(p.resumedFrom !== undefined ? { resumedFrom: p.resumedFrom } : {}) }),
      });
      start();
      const elapsedMs = Date.now() - t0;
      s.emit({ kind: 'step_done', master, step, docs: out.docs, elapsedMs, note: out.note });
      steps.push({
        op: step.op,
        index: target(step),
        status: 'done',
        elapsedMs,
        ...(out.docs !== undefined ? { docs: out.docs } : {}),
        ...(out.since !== undefined ? { since: out.since } : {}),
        ...(out.writeBlockedMs !== undefined ? { writeBlockedMs: out.writeBlockedMs } : {}),
      });
    } catch (e) {
      start();
      failure = (e as Error).message;
      // Failed before its action started (the lock was lost): the queued action says so. A wait has
      // no action of its own: the activation it held back failed with its error.
      const owed = step.op === 'wait' ? activationAfter(mp, i) : step;
      if (owed) for (const a of actionsOf(mp, owed)) await s.abandonQueued(failure, a, s.signal?.aborted && step.op === 'wait' ? 'aborted' : 'failed');
      s.emit({ kind: 'step_failed', master, step, error: failure });
      steps.push({ op: step.op, index: target(step), status: 'failed', error: failure, cause: e });
    }
  }
  const ok = failure === null && !steps.some((r) => r.skip === 'interrupted');
  s.emit({ kind: 'master_done', master, ok });
  return { name: master, ok, steps, ...(failure !== null ? { error: failure } : {}) };
}

/**
 * With --no-activate nothing that applications see changes: no alias moves, no
 * index is dropped, and the live (active) index is neither altered nor re-filled.
 */
export function noActivateSkip(step: Step, mp: MasterPlan, opts: ExecuteOptions): SkipReason | null {
  if (!opts.noActivate) return null;
  switch (step.op) {
    case 'create':
    case 'mark_filled':
      return null;
    case 'prune':
    case 'wait':
      // Both belong to the activation: the post-deployment apply runs them right before it.
      return 'no_activate';
    case 'fill':
    case 'catch_up':
      return step.index === mp.active ? 'no_activate_live' : null;
    case 'activate':
    case 'drop':
      return 'no_activate';
    case 'in_place':
      return 'no_activate_in_place';
    case 'adopt':
      // Writing _meta.esm changes nothing applications see; swapping an index for an alias does.
      return step.via === 'clone' ? 'no_activate_adopt' : null;
    default:
      return assertNever(step, 'step');
  }
}

/** The prune's history note: what was compared, or why nothing needed to be. */
function pruneWords(r: PruneResult, index: string): string {
  return r.sourceUnchanged
    ? `no document of the source was written or deleted since the copy into ${index} began, and both hold ${r.instanceIds}: no id comparison needed`
    : `compared the ${r.instanceIds} document ids of ${index} with the source's ${r.sourceIds}`;
}

interface StepOutcome {
  docs?: number | undefined;
  since?: string | null;
  note?: string | undefined;
  writeBlockedMs?: number | undefined;
}

type RunOptions = Omit<FillOptions, 'since' | 'from' | 'tune' | 'resume'> & { waitTimeoutMs?: number };

/** `fills`: the fills this run has done, by instance (what its catch-up and prune go on from). */
async function runStep(s: Session, mp: MasterPlan, step: Step, fills: Map<string, FillResult>, opts: RunOptions): Promise<StepOutcome> {
  const master = mp.name;
  switch (step.op) {
    case 'create':
      await createIndexOf(s, { master, alias: mp.alias, index: step.index, number: step.number, fingerprint: mp.fingerprint, spec: mp.spec, ...engineFp(mp) });
      return {};
    case 'fill': {
      // A new instance no one reads yet is filled fast; the live one is not touched that way.
      const r = await runFill(s, manifestOf(mp), step.index, { ...opts, since: null, tune: step.index !== mp.active, ...from(step), ...(step.resume ? { resume: step.resume } : {}) });
      fills.set(step.index, r);
      return { docs: r.docs, since: null };
    }
    case 'catch_up': {
      const since = step.since ?? fills.get(step.index)?.startedAt;
      if (since === undefined) throw new RuntimeError(`internal: the plan catches up ${step.index} since its fill, and no fill of it ran`);
      const r = await runFill(s, manifestOf(mp), step.index, { ...opts, since, ...from(step), ...(step.keepCheckpoint ? { keepCheckpoint: true } : {}) });
      return { docs: r.docs, since, note: `documents changed since ${since}` };
    }
    case 'mark_filled':
      await markFilled(s, { master, index: step.index });
      return {};
    case 'prune': {
      const sourceMark = fills.get(step.index)?.sourceMark;
      const r = await pruneMissing(s, manifestOf(mp), step.index, { onStart: opts.onStart, onProgress: opts.onProgress, ...(sourceMark ? { sourceMark } : {}) });
      return { docs: r.deleted, note: pruneWords(r, step.index) };
    }
    case 'wait': {
      const r = await waitForHealth(s, step.index, step.health, {
        ...(opts.waitTimeoutMs !== undefined ? { timeoutMs: opts.waitTimeoutMs } : {}),
        onStart: opts.onStart,
        onProgress: opts.onProgress,
      });
      return { note: shardWords(r.health) };
    }
    case 'activate':
      await swapAlias(s, { master, alias: step.alias, from: step.from, to: step.to, minDocRatio: mp.spec.activation.minDocRatio });
      return {};
    case 'in_place':
      await updateInPlace(s, { master, index: step.index, fingerprint: mp.fingerprint, ...engineFp(mp) }, { settings: step.settings, mappings: step.mappings });
      return {};
    case 'drop':
      await dropIndex(s, { master, index: step.index });
      return {};
    case 'adopt': {
      const r = await adoptIndex(s, { master, alias: mp.alias, index: step.index, number: step.number, fingerprint: mp.fingerprint, ...engineFp(mp), via: step.via, to: step.to, resumes: step.resumes });
      if (r.writeBlockedMs === undefined) return {};
      return { writeBlockedMs: r.writeBlockedMs, note: `writes to ${step.index} were refused for ${(r.writeBlockedMs / 1000).toFixed(1)}s` };
    }
    default:
      return assertNever(step, 'step');
  }
}

function from(step: { from?: string }): { from?: string } {
  return step.from !== undefined ? { from: step.from } : {};
}

/** The master as the document sources read it: its spec, and where it was declared (source paths are relative to it). */
function manifestOf(mp: MasterPlan): Manifest {
  return { name: mp.name, labels: {}, spec: mp.spec, fingerprint: mp.fingerprint, origin: mp.origin };
}

/** The journal entries a step becomes (a wait changes nothing in the cluster: none). */
export function actionsOf(mp: MasterPlan, step: Step): Array<{ action: ActionName; master: string; instance: string }> {
  const action = actionName(step);
  return action === null ? [] : [{ action, master: mp.name, instance: target(step) }];
}

/** The activate step that comes after step `i` of the master, if any. */
function activationAfter(mp: MasterPlan, i: number): Step | undefined {
  return mp.steps.slice(i + 1).find((s) => s.op === 'activate');
}

function actionName(step: Step): ActionName | null {
  switch (step.op) {
    case 'wait':
      return null;
    case 'create':
    case 'prune':
    case 'activate':
    case 'drop':
      return step.op;
    case 'fill':
    case 'mark_filled':
      return 'update';
    case 'catch_up':
      return 'partial_update';
    case 'in_place':
      return 'update_in_place';
    case 'adopt':
      return 'import';
    default:
      return assertNever(step, 'step');
  }
}

/** The index a step works on, as the result lists it (an adoption by clone: the clone, the master's instance). */
export function target(step: Step): string {
  if (step.op === 'adopt') return step.to ?? step.index;
  return step.op === 'activate' ? step.to : step.index;
}

/** The fingerprint of the spec as the engine holds it, when the plan asked the engine (recorded in `_meta.esm`). */
function engineFp(mp: MasterPlan): { engineFingerprint?: string } {
  return mp.engineFingerprint !== undefined ? { engineFingerprint: mp.engineFingerprint } : {};
}
