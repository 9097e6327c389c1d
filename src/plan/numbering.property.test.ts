/**
 * Property (SPEC §7 numbering): for any seeded sequence of plans, applies,
 * failures, kills, schema changes and prefix switches, the instance a plan
 * names is the instance apply creates — never a number used before, the same
 * with or without the state file (a pull-request plan), per prefix.
 * The planner is pure; the history is a real state file (sql.js), the cluster
 * a model of what the executor leaves behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IndexSnapshot } from '../cluster/types.js';
import { HistoryStore } from '../history/index.js';
import { tempDir } from '../history/test-support.js';
import type { Manifest } from '../manifest/types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import { aHistory, anIndex, aSnapshot } from './builders.js';
import type { IndexSpec } from './diff.js';
import { createPlan } from './plan.js';
import type { Plan, Step } from './types.js';
import { rng } from '../../test/support/rng.js';

const SPECS: IndexSpec[] = [
  { settings: { number_of_shards: 1 }, mappings: { properties: { title: { type: 'text' } } } },
  { settings: { number_of_shards: 1 }, mappings: { properties: { title: { type: 'keyword' } } } },
  { settings: { number_of_shards: 2 }, mappings: { properties: { title: { type: 'keyword' } } } },
];
const PREFIXES = ['', 'qa1_', 'qa2_'];

function manifest(spec: IndexSpec, keepInactive: number): Manifest {
  return withFingerprint({
    name: 'movies',
    labels: {},
    spec: { ...spec, source: { type: 'ndjson', path: 'movies.ndjson' }, idField: 'id', updatedField: 'updated_at', activation: { minDocRatio: 0 }, retention: { keepInactive } },
    origin: { file: 'manifests/movies.yaml', line: 1, col: 1, dir: 'manifests' },
  });
}

type Outcome = 'ok' | 'create_fails' | 'killed_before_index' | 'killed_after_index' | 'killed_before_drops';
const OUTCOMES: Outcome[] = ['ok', 'ok', 'create_fails', 'killed_before_index', 'killed_after_index', 'killed_before_drops'];

class World {
  readonly indices = new Map<string, IndexSnapshot>();
  /** Every index name that ever existed in the cluster. */
  readonly everCreated = new Set<string>();
  spec = 0;
  prefix = '';
  keepInactive = 1;
  constructor(readonly store: HistoryStore) {}

  plan(withHistory = true): Plan {
    const indices = [...this.indices.values()].filter((i) => i.name.startsWith(this.prefix));
    return createPlan({
      manifests: [manifest(SPECS[this.spec]!, this.keepInactive)],
      snapshot: aSnapshot({ indices, prefix: this.prefix }),
      history: withHistory ? this.store.view() : aHistory(),
      prefix: this.prefix,
      now: new Date('2025-06-01T12:00:00.000Z'),
      planId: 'p',
      git: null,
      base: { stateHash: '', clusterHash: '' },
    });
  }

  /** What the executor does for the plan, stopped as `outcome` says. Returns the names it created. */
  apply(plan: Plan, outcome: Outcome): string[] {
    const created: string[] = [];
    for (const step of plan.masters[0]!.steps) {
      if (!this.run(step, outcome, created)) break;
    }
    return created;
  }

  private run(step: Step, outcome: Outcome, created: string[]): boolean {
    const { store } = this;
    switch (step.op) {
      case 'create': {
        const id = store.startAction({ action: 'create', master: 'movies', instance: step.index });
        if (outcome === 'create_fails') {
          store.finishAction(id, { status: 'failed', error: 'rejected' });
          return false;
        }
        if (outcome === 'killed_before_index') {
          store.finishAction(id, { status: 'aborted' });
          return false;
        }
        const spec = SPECS[this.spec]!;
        this.indices.set(step.index, anIndex({ master: 'movies', n: step.number, prefix: this.prefix, spec, filledAt: null }));
        this.everCreated.add(step.index);
        created.push(step.index);
        if (outcome === 'killed_after_index') {
          store.finishAction(id, { status: 'aborted' });
          return false;
        }
        store.upsertInstance({ name: step.index, master: 'movies', number: step.number, fingerprint: this.indices.get(step.index)!.meta!.fingerprint, createdAt: '', commit: null, filledAt: null, lastUpdateAt: null });
        store.finishAction(id, { status: 'complete' });
        return true;
      }
      case 'fill':
      case 'catch_up':
      case 'mark_filled':
      case 'prune': {
        const i = this.indices.get(step.index)!;
        i.meta = { ...i.meta!, filledAt: '2025-01-01T00:00:00.000Z', lastUpdateAt: '2025-01-01T00:00:00.000Z' };
        return true;
      }
      case 'activate': {
        const alias = step.alias;
        for (const i of this.indices.values()) i.aliases = i.aliases.filter((a) => a !== alias);
        this.indices.get(step.to)!.aliases.push(alias);
        return outcome !== 'killed_before_drops';
      }
      case 'drop': {
        this.indices.delete(step.index);
        this.store.markDropped(step.index, '2025-06-01T00:00:00.000Z');
        const id = store.startAction({ action: 'drop', master: 'movies', instance: step.index });
        store.finishAction(id, { status: 'complete' });
        return true;
      }
      case 'in_place':
        return true;
      case 'adopt':
        throw new Error('not in this test: no index esm did not create');
    }
  }
}

describe('instance numbering (property)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it.each(Array.from({ length: 30 }, (_, i) => 1000 + i))('seed %i: apply creates exactly the names the plan printed', async (seed) => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const world = new World(await HistoryStore.open(dir.file));
    const random = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const trail: string[] = [];
    for (let round = 0; round < 25; round++) {
      const r = random();
      if (r < 0.25) world.spec = pick([0, 1, 2]);
      else if (r < 0.35) world.prefix = pick(PREFIXES);
      else if (r < 0.4) world.keepInactive = pick([0, 1, 2]);

      const plan = world.plan();
      const create = plan.masters[0]!.steps.find((s) => s.op === 'create');
      const outcome = pick(OUTCOMES);
      trail.push(`${world.prefix}|spec ${world.spec}|${plan.masters[0]!.decision} ${create?.index ?? '-'}|${outcome}`);
      const context = `seed ${seed}:\n${trail.join('\n')}`;
      if (create) {
        expect(world.everCreated.has(create.index), `${context}\n${create.index} was used before`).toBe(false);
        expect(create.index.startsWith(`${world.prefix}movies-`), context).toBe(true);
        // A pull-request job plans from the cluster alone, and names the same instance.
        const pr = world.plan(false).masters[0]!.steps.find((s) => s.op === 'create');
        expect(pr?.index, `${context}\nplan without the state file`).toBe(create.index);
      }
      const created = world.apply(plan, outcome);
      expect(created, context).toEqual(create && !['create_fails', 'killed_before_index'].includes(outcome) ? [create.index] : []);
    }
    world.store.close();
  });
});
