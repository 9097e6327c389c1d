/**
 * What must hold for a plan's steps to run, checked against the world as it is
 * now (pure). The world moves forward through the steps as they would change
 * it: a `create` makes its index exist, a fill makes it filled, an `activate`
 * moves the alias. A saved plan whose steps no longer fit the world is stale,
 * and each step that would fail says why.
 */
import { assertNever } from '../errors.js';
import type { MasterPlan, Plan, Step } from './types.js';

/** What the preconditions look at: the indices (and whether each counts as filled), and where the aliases point. */
export interface World {
  indices: Map<string, { filled: boolean }>;
  aliases: Map<string, string[]>;
}

/** One message per step whose precondition does not hold, e.g. `movies step 1 (create movies-2): movies-2 exists already`. */
export function stepProblems(plan: Plan, now: World): string[] {
  const world: World = { indices: new Map([...now.indices].map(([k, v]) => [k, { ...v }])), aliases: new Map(now.aliases) };
  const problems: string[] = [];
  for (const mp of plan.masters) {
    for (const [i, step] of mp.steps.entries()) {
      const problem = check(world, mp, step, mp.steps.slice(0, i));
      if (problem) {
        problems.push(`${mp.name} step ${i + 1} (${describe(step)}): ${problem}`);
        break; // the later steps of this master stand on this one
      }
      advance(world, step);
    }
  }
  return problems;
}

function check(world: World, mp: MasterPlan, step: Step, before: Step[]): string | null {
  const has = (index: string) => world.indices.has(index);
  switch (step.op) {
    case 'create':
      return has(step.index) ? `${step.index} exists already` : null;
    case 'fill':
      if (!has(step.index)) return `${step.index} does not exist`;
      return step.from !== undefined && !has(step.from) && !world.aliases.has(step.from) ? `${step.from}, which it reindexes from, does not exist` : null;
    case 'catch_up':
      if (!has(step.index)) return `${step.index} does not exist`;
      if (step.since === null && !before.some((s) => s.op === 'fill' && s.index === step.index)) return `no fill of ${step.index} comes before it`;
      return mp.spec.updatedField ? null : 'the master has no updatedField';
    case 'mark_filled':
    case 'prune':
    case 'wait':
      return has(step.index) ? null : `${step.index} does not exist`;
    case 'activate': {
      const now = world.aliases.get(step.alias) ?? [];
      const expected = step.from === null ? [] : [step.from];
      if (now.join() !== expected.join()) return `the alias ${step.alias} points at ${now.join(', ') || 'no index'}, not ${step.from ?? 'no index'}`;
      if (!has(step.to)) return `${step.to} does not exist`;
      return world.indices.get(step.to)!.filled ? null : `${step.to} was never filled`;
    }
    case 'in_place': {
      if (!has(step.index)) return `${step.index} does not exist`;
      const now = world.aliases.get(mp.alias) ?? [];
      return now.length === 1 && now[0] === step.index ? null : `${step.index} is no longer the active instance of ${mp.name}`;
    }
    case 'drop': {
      if (!has(step.index)) return `${step.index} does not exist`;
      return (world.aliases.get(mp.alias) ?? []).includes(step.index) ? `${step.index} is the active instance of ${mp.name}` : null;
    }
    case 'adopt':
      if (!has(step.index)) return `${step.index} does not exist`;
      if (step.via === 'clone' && step.to !== undefined && has(step.to) && !step.resumes) return `${step.to}, which it clones to, exists already`;
      return null;
    default:
      return assertNever(step, 'step');
  }
}

function advance(world: World, step: Step): void {
  switch (step.op) {
    case 'create':
      world.indices.set(step.index, { filled: false });
      return;
    case 'fill':
    case 'mark_filled':
      world.indices.set(step.index, { filled: true });
      return;
    case 'catch_up':
    case 'prune':
    case 'wait':
    case 'in_place':
      return;
    case 'activate':
      world.aliases.set(step.alias, [step.to]);
      return;
    case 'drop':
      world.indices.delete(step.index);
      return;
    case 'adopt':
      // An index in use holds its documents: adopted, it counts as filled.
      if (step.via === 'clone' && step.to !== undefined) {
        world.indices.delete(step.index);
        world.indices.set(step.to, { filled: true });
        world.aliases.set(step.index, [step.to]);
      } else {
        world.indices.set(step.index, { filled: true });
      }
      return;
    default:
      return assertNever(step, 'step');
  }
}

function describe(step: Step): string {
  if (step.op === 'adopt' && step.to !== undefined) return `adopt ${step.index} as ${step.to}`;
  return step.op === 'activate' ? `activate ${step.alias} → ${step.to}` : `${step.op} ${step.index}`;
}
