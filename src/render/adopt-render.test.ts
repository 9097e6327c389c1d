/** The adopt decision in each rendering of a plan: text, markdown, JSON (SPEC §7, §11). */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../plan/types.js';
import { aMasterPlan, aPlan } from '../../test/support/plan-builders.js';
import { renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

const plan: Plan = aPlan({
  masters: [
    aMasterPlan({
      name: 'products',
      decision: 'adopt',
      steps: [{ op: 'adopt', index: 'products', number: 1, via: 'clone', to: 'products-1' }],
      reasons: ['an index named products is used by name'],
      instances: [],
    }),
    aMasterPlan({
      name: 'orders',
      decision: 'adopt',
      steps: [
        { op: 'adopt', index: 'orders-3', number: 3, via: 'meta' },
        { op: 'activate', alias: 'orders', from: null, to: 'orders-3' },
      ],
      reasons: ['orders-3 has no alias orders yet'],
    }),
    aMasterPlan({ name: 'tags', decision: 'noop', active: 'tags_v2', instances: [{ name: 'tags_v2', number: 0, foreign: true }] }),
  ],
  summary: { create: 0, fill: 0, catch_up: 0, prune: 0, activate: 1, in_place: 0, drop: 0, noop: 1, adopt: 2 },
});

describe('an adoption, rendered', () => {
  it('text: one line per master, each step, and the adoptions counted first in the summary', () => {
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('<= products: adopt products as products-1 (writes to products refused for seconds while it is cloned)');
    expect(text).toContain('<= adopt products as products-1 (block writes, _clone, remove products and add the alias in one _aliases call, lift the block)');
    expect(text).toContain('<= orders: adopt orders-3 and add the alias orders');
    expect(text).toMatch(/<= adopt\s+orders-3 \(write _meta\.esm: instance 3\)/);
    expect(text).toContain('Plan: 2 to adopt, 0 to create, 0 to fill, 0 to catch up, 1 to activate, 0 to update in place, 0 to drop.');
  });

  it('markdown: the decision in the table and the steps in the details', () => {
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('| <code>products</code> | adopt | — | adopt | — |');
    expect(md).toContain('<= adopt products as products-1');
    expect(md).toContain('**Plan: 2 to adopt,');
  });

  it('JSON: the adopt step and the instances, foreign ones marked', () => {
    const json = JSON.parse(renderPlanJson(plan));
    expect(json.masters[0].steps).toEqual([{ op: 'adopt', index: 'products', number: 1, via: 'clone', to: 'products-1' }]);
    expect(json.masters[2].instances).toEqual([{ name: 'tags_v2', number: 0, foreign: true }]);
    expect(json.summary.adopt).toBe(2);
  });
});
