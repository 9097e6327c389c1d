import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MasterPlan, Plan } from '../plan/types.js';
import { assertNoMastersWithPlanFile, assertNotBlocked, isPlanFileArg } from './apply-plan.js';
import { aMasterPlan, aPlan } from '../../test/support/plan-builders.js';
import { scratchDir } from '../../test/support/scratch.js';

describe('esm apply arguments', () => {
  const dir = scratchDir('apply-args');
  writeFileSync(path.join(dir, 'saved-plan'), '{}');
  mkdirSync(path.join(dir, 'movies'));

  it('takes a .json name, a path, or an existing file as the plan file, and anything else as a master', () => {
    expect(isPlanFileArg('plan.json', dir)).toBe(true);
    expect(isPlanFileArg('plans/next', dir)).toBe(true);
    expect(isPlanFileArg('saved-plan', dir)).toBe(true);
    expect(isPlanFileArg('movies', dir)).toBe(false);
    expect(isPlanFileArg('books', dir)).toBe(false);
  });

  it('refuses master names next to a plan file', () => {
    expect(() => assertNoMastersWithPlanFile('plan.json', ['movies'])).toThrow(/applied as a whole/);
    expect(() => assertNoMastersWithPlanFile('plan.json', [])).not.toThrow();
    expect(() => assertNoMastersWithPlanFile(undefined, ['movies'])).not.toThrow();
  });

  it('refuses a plan with a blocked master, naming it and the conflict', () => {
    expect(() => assertNotBlocked(planOf([{ name: 'movies' }, { name: 'books', blocked: 'an index named "books" exists' }]))).toThrow(
      /nothing was changed: master books is blocked by a conflict \(an index named "books" exists\)/,
    );
    expect(() => assertNotBlocked(planOf([{ name: 'movies' }]))).not.toThrow();
  });
});

/** A plan of these masters, each counted as a no-op. */
function planOf(masters: Array<Partial<MasterPlan> & { name: string }>): Plan {
  return aPlan({
    planId: 'plan-1',
    masters: masters.map((m) => aMasterPlan(m)),
    summary: { create: 0, fill: 0, catch_up: 0, prune: 0, activate: 0, in_place: 0, drop: 0, noop: masters.length, adopt: 0 },
  });
}
