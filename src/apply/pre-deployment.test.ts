/** `esm apply --no-activate` shows the plan it performs: new companions are created, changes to existing ones wait. */
import { describe, expect, it } from 'vitest';
import { aPlan } from '../../test/support/plan-builders.js';
import type { CompanionPlan } from '../plan/types.js';
import { preDeploymentPlan } from './pre-deployment.js';

const companion = (name: string, action: CompanionPlan['action']): CompanionPlan => ({
  kind: 'IngestPipeline',
  name,
  id: name,
  action,
  changes: [],
  reasons: [],
  usedBy: ['movies'],
  dependsOn: [],
});

describe('preDeploymentPlan', () => {
  it('keeps the companions it creates and defers the changes and deletions live indices would see', () => {
    const plan = preDeploymentPlan(aPlan({ companions: [companion('new', 'create'), companion('changed', 'update'), companion('gone', 'delete')] }));
    expect(plan.companions?.map((c) => [c.name, c.action, c.reasons])).toEqual([
      ['new', 'create', []],
      ['changed', 'noop', ['after the deployment, esm apply: update IngestPipeline changed']],
      ['gone', 'orphan', ['after the deployment, esm apply: delete IngestPipeline gone']],
    ]);
    expect(plan.summary.companions).toEqual({ create: 1, update: 0, adopt: 0, delete: 0, noop: 1, orphan: 1 });
  });
});
