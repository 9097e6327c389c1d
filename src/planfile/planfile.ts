/**
 * Saved plans (`esm plan --out FILE`, `esm apply FILE`): the plan value with the
 * `base` it was computed from. Applying a plan whose base no longer matches the
 * cluster or the state is refused, as Terraform refuses a stale saved plan.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../history/atomic-write.js';
import { InvalidInputError, RefusedError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { ResolvedCompanion } from '../companions/resolve.js';
import { declaredFingerprint } from '../companions/plan.js';
import type { Plan } from '../plan/types.js';

/**
 * Writes the plan atomically. `shown` is how the path is named in messages (as
 * the user typed it). The directory must exist: a typo in `--out` must not
 * create directories. Throws InvalidInputError before writing anything.
 */
export async function savePlan(path: string, plan: Plan, shown = path): Promise<void> {
  await assertPlanTarget(path, shown);
  try {
    writeFileAtomic(path, Buffer.from(`${JSON.stringify(plan, null, 2)}\n`));
  } catch (e) {
    throw new InvalidInputError(`cannot save the plan to ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A file (new or existing) in an existing directory. */
export async function assertPlanTarget(path: string, shown = path): Promise<void> {
  const dir = dirname(path);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new InvalidInputError(`cannot save the plan to ${shown}: directory ${dirname(shown)} does not exist (esm creates no directories for --out)`);
  const target = await stat(path).catch(() => null);
  if (target?.isDirectory()) throw new InvalidInputError(`cannot save the plan to ${shown}: it is a directory; name a file, e.g. ${join(shown, 'plan.json')}`);
}

export async function loadPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InvalidInputError(`cannot read plan file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`${path}: not a plan file (invalid JSON: ${(e as Error).message})`);
  }
  const p = value as Partial<Plan>;
  if (!p || typeof p !== 'object' || p.formatVersion === undefined || !Array.isArray(p.masters) || !p.base) {
    throw new InvalidInputError(`${path}: not an esm plan file (made with "esm plan --out FILE")`);
  }
  if (p.formatVersion !== 1) {
    throw new InvalidInputError(`${path}: plan format version ${String(p.formatVersion)} is not supported by this esm (expects 1)`);
  }
  if (p.masters.some((m) => !m || typeof m !== 'object' || !m.spec || !m.origin || !Array.isArray(m.steps))) {
    throw new InvalidInputError(`${path}: this plan was made by an older esm (its masters carry no spec); run esm plan --out ${path} again`);
  }
  return p as Plan;
}

/**
 * Why a saved plan no longer fits what it was made from: another prefix, a
 * changed cluster or state, a manifest changed or gone. Empty when it still fits.
 */
export function staleness(
  plan: Plan,
  current: { stateHash: string; clusterHash: string; prefix: string },
  manifests: readonly Manifest[],
  companions: readonly ResolvedCompanion[] = [],
): string[] {
  const why: string[] = [];
  if (plan.prefix !== current.prefix) why.push(`it was made for prefix "${plan.prefix}", not "${current.prefix}"`);
  if (plan.base.clusterHash !== current.clusterHash) why.push('the cluster changed since (indices, aliases or their esm metadata)');
  if (plan.base.stateHash !== current.stateHash) why.push('the state file changed since');
  for (const m of plan.masters) {
    const manifest = manifests.find((x) => x.name === m.name);
    if (!manifest) why.push(`${m.name} is no longer declared by any manifest`);
    else if (manifest.fingerprint !== m.fingerprint) why.push(`the manifest of ${m.name} changed`);
  }
  for (const c of plan.companions ?? []) {
    if (c.fingerprint === undefined) continue;
    const declared = companions.find((x) => x.kind === c.kind && x.name === c.name);
    if (!declared) why.push(`${c.kind} ${c.name} is no longer declared by any manifest`);
    else if (declaredFingerprint(declared) !== c.fingerprint) why.push(`the manifest of ${c.kind} ${c.name} changed`);
  }
  return why;
}

/** Refuses (exit 4) a saved plan made against another cluster, state or manifests than the current ones. */
export function assertFresh(plan: Plan, current: { stateHash: string; clusterHash: string; prefix: string }, manifests: readonly Manifest[]): void {
  const why = staleness(plan, current, manifests);
  if (why.length) throw new RefusedError(`saved plan is stale, run esm plan again: ${why.join('; ')}`);
}
