/**
 * `esm apply`: under the apply lock, the plan to execute — the saved one, when
 * it is still fresh, or one computed now — then the executor.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOCK_TTL_MS, type Lock } from '../cluster/index.js';
import { InvalidInputError, RefusedError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import { planFrom, readPlanInputs } from './plan.js';
import type { Session } from './session.js';

/**
 * Runs `fn` holding the cluster lock of the session's prefix: a second apply is
 * refused (exit 4) naming the holder. The lock is released however `fn` ends.
 */
export async function withApplyLock<T>(s: Session, fn: (lock: Lock) => Promise<T>): Promise<T> {
  const cluster = await s.cluster();
  const lock = await cluster.acquireLock(s.prefix, { holder: s.actor, command: s.argv.join(' ') }, { ttlMs: LOCK_TTL_MS });
  try {
    return await fn(lock);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** Is this positional argument of `esm apply` a saved plan file rather than a master name? */
export function isPlanFileArg(arg: string, cwd: string): boolean {
  if (arg.endsWith('.json') || arg.includes('/') || arg.includes('\\')) return true;
  const path = resolve(cwd, arg);
  return existsSync(path) && statSync(path).isFile();
}

export interface PreparedApply {
  plan: Plan;
  manifests: Manifest[];
  /** The plan came from a file (`esm apply PLANFILE`). */
  saved: boolean;
}

/**
 * The plan to apply. A saved plan must still match the cluster and the state it
 * was made from, and every master's manifest must still have the planned
 * fingerprint; otherwise "saved plan is stale" (exit 4).
 */
export async function preparePlan(s: Session, opts: { planFile?: string; only?: string[] }): Promise<PreparedApply> {
  const inputs = await readPlanInputs(s);
  if (opts.planFile === undefined) {
    return { plan: await planFrom(s, inputs, opts.only ? { only: opts.only } : {}), manifests: inputs.manifests, saved: false };
  }
  const { assertFresh, loadPlan } = await import('../planfile/index.js');
  const plan = await loadPlan(resolve(s.config.cwd, opts.planFile));
  assertFresh(plan, { ...inputs.base, prefix: s.prefix });
  const changed: string[] = [];
  for (const m of plan.masters) {
    const manifest = inputs.manifests.find((x) => x.name === m.name);
    if (!manifest) changed.push(`${m.name} is no longer declared by any manifest`);
    else if (manifest.fingerprint !== m.fingerprint) changed.push(`the manifest of ${m.name} changed`);
  }
  if (changed.length) throw new RefusedError(`saved plan is stale, run esm plan again: ${changed.join('; ')}`);
  return { plan, manifests: inputs.manifests, saved: true };
}

/** Refuses (exit 4) a plan with blocked masters before anything is changed. */
export function assertNotBlocked(plan: Plan): void {
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
