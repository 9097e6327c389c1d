/**
 * `applyPlan` and `resetCluster`: the library functions `esm apply` and `esm
 * reset` are (STYLE habit 5). Under the apply lock they take the plan to run —
 * the saved one, when every step still fits the world, or one computed now —
 * refuse a plan with blocked masters, run it through the executor, and turn a
 * lock lost on the way into a refusal (exit 4).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOCK_TTL_MS, type ClusterSnapshot, type Lock } from '../cluster/index.js';
import { InvalidInputError, RefusedError, RuntimeError } from '../errors.js';
import type { HistoryView } from '../history/types.js';
import { recordFailedRun } from '../operations/failed-run.js';
import { ensureRecorded } from '../operations/master-state.js';
import { planFrom, readPlanInputs, type PlanInputs } from '../operations/plan.js';
import { assertResetConfirmed, resetManaged } from '../operations/reset.js';
import type { Session } from '../operations/session.js';
import { loadPlan, staleness } from '../planfile/index.js';
import { stepProblems, type World } from '../plan/preconditions.js';
import { hasChanges, type Plan } from '../plan/types.js';
import { executePlan, target, type ApplyResult, type ExecuteOptions } from './executor.js';

export interface ApplyHooks {
  /** The plan about to run (before the blocked check): `esm apply` prints it. */
  onPlan?: (plan: Plan) => void;
  /** Called once the plan is checked and has changes, before anything changes: `esm apply` asks for confirmation here (throwing cancels). */
  approve?: (plan: Plan) => Promise<void>;
}

export interface ApplyOptions extends Omit<ExecuteOptions, 'checkpoint'>, ApplyHooks {
  /** `esm apply FILE`: a saved plan, refused (exit 4) when stale. */
  planFile?: string;
  /** Plan only these masters (not with planFile). */
  only?: string[];
  /** Delete the companion objects esm owns that no manifest declares any more (not with planFile: plan with --prune). */
  prune?: boolean;
}

export interface Applied {
  plan: Plan;
  /** What the executor did (no masters when the plan had no changes). */
  result: ApplyResult;
}

/** `esm apply`: plan (or load the saved plan), check it, run it. */
export async function applyPlan(s: Session, opts: ApplyOptions = {}): Promise<Applied> {
  assertNoMastersWithPlanFile(opts.planFile, opts.only ?? []);
  if (opts.planFile !== undefined && opts.prune) {
    throw new InvalidInputError(`a saved plan is applied as it was made: --prune goes with esm plan (esm plan --prune --out ${opts.planFile})`);
  }
  return withApplyLock(s, (lock) =>
    recordingEarlyFailure(s, async () => {
      const inputs = await readPlanInputs(s, opts.planFile !== undefined ? { forms: false } : opts.only?.length ? { only: opts.only } : {});
      const plan =
        opts.planFile === undefined
          ? await planFrom(s, inputs, { ...(opts.only?.length ? { only: opts.only } : {}), ...(opts.prune ? { prune: true } : {}) })
          : await loadPlan(resolve(s.config.cwd, opts.planFile));
      assertRunnable(s, plan, inputs, opts.planFile !== undefined);
      return runLocked(s, lock, plan, inputs, opts);
    }),
  );
}

export interface ResetOptions extends Omit<ExecuteOptions, 'checkpoint'>, ApplyHooks {
  /** The cluster's name: the approval (anything else is refused, exit 4). */
  confirm: string | undefined;
  /** The managed indices were dropped (before the new plan is made). */
  onDropped?: (dropped: string[]) => void;
}

/** `esm reset`: drop every managed index of the prefix and the state's masters, then create everything from the manifests. */
export async function resetCluster(s: Session, opts: ResetOptions): Promise<Applied & { dropped: string[] }> {
  // Manifests first: a reset with broken manifests would drop everything and create nothing.
  await s.manifests();
  await assertResetConfirmed(s, opts.confirm);
  return withApplyLock(s, (lock) =>
    recordingEarlyFailure(s, async () => {
      // A conflict (a foreign index or alias on a master's name) survives the reset: refuse before dropping.
      assertNotBlocked(await planFrom(s, await readPlanInputs(s)));
      const { dropped } = await resetManaged(s);
      opts.onDropped?.(dropped);
      const inputs = await readPlanInputs(s);
      const plan = await planFrom(s, inputs);
      assertRunnable(s, plan, inputs, false);
      return { dropped, ...(await runLocked(s, lock, plan, inputs, opts)) };
    }),
  );
}

/** Runs `fn`; a failure before the run's first action is recorded as a failed `plan` action (SPEC §8), then rethrown. */
async function recordingEarlyFailure<T>(s: Session, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (s.actionsRecorded === 0) await recordFailedRun(s, 'plan', e);
    throw e;
  }
}

/**
 * Refuses (exit 4) before anything changes: a saved plan whose base or steps no
 * longer fit the cluster, the state and the manifests ("saved plan is stale",
 * naming each step that would fail), and a plan with blocked masters. A plan
 * made now is checked too: its steps must fit the world it was made from.
 */
export function assertRunnable(s: Session, plan: Plan, inputs: PlanInputs, saved: boolean): void {
  const steps = stepProblems(plan, worldOf(inputs.snapshot, inputs.history));
  if (saved) {
    const why = [...steps, ...staleness(plan, { ...inputs.base, prefix: s.prefix }, inputs.manifests, inputs.resolved.companions)];
    if (why.length) throw new RefusedError(`saved plan is stale, run esm plan again: ${why.join('; ')}`);
  } else if (steps.length) {
    throw new RefusedError(`the plan does not fit the cluster (another esm changed it meanwhile?), run esm plan again: ${steps.join('; ')}`);
  }
}

/** Runs a checked plan under a held lock: the blocked check, approval, the executor; a lock lost meanwhile is thrown (exit 4). */
export async function runLocked(s: Session, lock: Pick<Lock, 'assertHeld' | 'lost'>, plan: Plan, inputs: Pick<PlanInputs, 'snapshot'>, opts: ApplyHooks & Omit<ExecuteOptions, 'checkpoint'>): Promise<Applied> {
  opts.onPlan?.(plan);
  assertNotBlocked(plan);
  if (!hasChanges(plan)) return { plan, result: { planId: plan.planId, ok: true, masters: [] } };
  await opts.approve?.(plan);
  s.planId = plan.planId;
  await recordKnownInstances(s, plan, inputs.snapshot);
  const result = await executePlan(s, plan, {
    ...(opts.noActivate !== undefined ? { noActivate: opts.noActivate } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    ...(opts.waitTimeoutMs !== undefined ? { waitTimeoutMs: opts.waitTimeoutMs } : {}),
    checkpoint: () => lock.assertHeld(),
  });
  // Another apply took the lock over (ours had expired): that is a refusal (exit 4), not a step's failure.
  if (lock.lost) throw lock.lost;
  return { plan, result };
}

/** What the preconditions look at, from the snapshot and the history the plan was checked against. */
export function worldOf(snapshot: ClusterSnapshot, history: HistoryView): World {
  const filled = new Set(history.instances.filter((r) => !r.dropped && r.filledAt).map((r) => r.name));
  const indices: World['indices'] = new Map();
  for (const i of snapshot.indices) indices.set(i.name, { filled: Boolean(i.meta?.filledAt) || filled.has(i.name) });
  const aliases: World['aliases'] = new Map();
  for (const [alias, targets] of Object.entries(snapshot.aliases)) aliases.set(alias, [...targets].sort());
  for (const i of snapshot.indices) for (const a of i.aliases) if (!aliases.get(a)?.includes(i.name)) aliases.set(a, [...(aliases.get(a) ?? []), i.name].sort());
  return { indices, aliases };
}

/** Instances the plan works on that exist in the cluster but not in the state file (made from another machine): recorded first. */
async function recordKnownInstances(s: Session, plan: Plan, snapshot: ClusterSnapshot): Promise<void> {
  for (const mp of plan.masters) {
    for (const step of mp.steps) {
      const index = snapshot.indices.find((i) => i.name === target(step) && i.meta?.master === mp.name);
      if (!index?.meta) continue;
      const m = index.meta;
      await ensureRecorded(s, { name: index.name, number: m.instance, master: mp.name, fingerprint: m.fingerprint, createdAt: m.createdAt || null, commit: m.commit, filledAt: m.filledAt ?? null, lastUpdateAt: m.lastUpdateAt ?? null });
    }
  }
}

/**
 * Runs `fn` holding the cluster lock of the session's prefix: a second apply is
 * refused (exit 4) naming the holder. A lock that cannot be taken leaves a failed
 * `lock` action. The actions of a run whose lock was taken over are settled first
 * (reconcile.ts). The lock is released however `fn` ends; a release that fails is
 * said and recorded, and the lock then expires (or the next run on this host takes
 * it over at once).
 */
export async function withApplyLock<T>(s: Session, fn: (lock: Lock) => Promise<T>): Promise<T> {
  let lock: Lock;
  try {
    const cluster = await s.cluster();
    lock = await cluster.acquireLock(s.prefix, { holder: s.actor, command: s.argv.join(' ') }, { ttlMs: LOCK_TTL_MS });
  } catch (e) {
    await recordFailedRun(s, 'lock', e, { lock: 'take' });
    throw e;
  }
  try {
    const dead = lock.takenOver;
    await s.reconcile(dead ? { deadRun: { host: dead.host, pid: dead.pid, why: `the run of ${dead.holder} (pid ${dead.pid} on ${dead.host}) lost its apply lock, which this run took over,` } } : {});
    return await fn(lock);
  } finally {
    await releaseApplyLock(s, lock);
  }
}

/** Releases the apply lock; a failure is said and recorded as a failed `lock` action, never thrown. */
async function releaseApplyLock(s: Session, lock: Lock): Promise<void> {
  const cluster = await s.cluster();
  try {
    // A cluster that could not be reached is not waited for again: the lock expires by itself.
    if (cluster.unreachable) throw cluster.unreachable;
    await lock.release();
  } catch (e) {
    const error = `could not release the apply lock for prefix "${s.prefix}" (${(e as Error).message}); the next esm apply on this host takes it over at once, elsewhere it can be taken once it expires at ${lock.doc.expiresAt}`;
    s.emit({ kind: 'note', message: error });
    await recordFailedRun(s, 'lock', new RuntimeError(error), { lock: 'release' });
  }
}

/** Is this positional argument of `esm apply` a saved plan file rather than a master name? */
export function isPlanFileArg(arg: string, cwd: string): boolean {
  if (arg.endsWith('.json') || arg.includes('/') || arg.includes('\\')) return true;
  const path = resolve(cwd, arg);
  return existsSync(path) && statSync(path).isFile();
}

/** Refuses (exit 4) a plan with blocked masters or companions before anything is changed. */
export function assertNotBlocked(plan: Plan): void {
  const companions = (plan.companions ?? []).filter((c) => c.blocked);
  if (companions.length) {
    throw new RefusedError(
      `nothing was changed: ${companions.map((c) => c.blocked).join('; ')}. Rename the companion in the manifests, move the object out of the way, or declare it as it is to adopt it`,
    );
  }
  const blocked = plan.masters.filter((m) => m.blocked);
  if (blocked.length === 0) return;
  throw new RefusedError(
    `nothing was changed: ${blocked.length === 1 ? 'master' : 'masters'} ${blocked.map((m) => m.name).join(', ')} ${blocked.length === 1 ? 'is' : 'are'} blocked by a conflict (${blocked.map((m) => m.blocked).join('; ')}). Resolve ${blocked.length === 1 ? 'it' : 'them'}, or apply the other masters by name`,
  );
}

export function assertNoMastersWithPlanFile(planFile: string | undefined, masters: readonly string[]): void {
  if (planFile !== undefined && masters.length > 0) {
    throw new InvalidInputError(`a saved plan is applied as a whole: do not name masters (${masters.join(', ')}) with ${planFile}; make a plan for them with esm plan ${masters.join(' ')} --out FILE`);
  }
}
