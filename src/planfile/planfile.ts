/**
 * Saved plans (`esm plan --out FILE`, `esm apply FILE`): the plan value with the
 * `base` it was computed from. Applying a plan whose base no longer matches the
 * cluster or the state is refused, as Terraform refuses a stale saved plan.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError, RefusedError } from '../errors.js';
import type { Plan } from '../plan/types.js';

export async function savePlan(path: string, plan: Plan): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(plan, null, 2)}\n`);
  await rename(tmp, path);
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
  return p as Plan;
}

/** Refuses (exit 4) a saved plan made against another cluster or state than the current one. */
export function assertFresh(plan: Plan, current: { stateHash: string; clusterHash: string; prefix: string }): void {
  const why: string[] = [];
  if (plan.prefix !== current.prefix) why.push(`it was made for prefix "${plan.prefix}", not "${current.prefix}"`);
  if (plan.base.clusterHash !== current.clusterHash) why.push('the cluster changed since (indices, aliases or their esm metadata)');
  if (plan.base.stateHash !== current.stateHash) why.push('the state file changed since');
  if (why.length) throw new RefusedError(`saved plan is stale, run esm plan again: ${why.join('; ')}`);
}
