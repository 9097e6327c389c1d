/**
 * Property (SPEC §7 numbering): for any seeded sequence of plans, applies, failures,
 * kills, schema changes and prefix switches, the instance a plan names is the instance
 * apply creates — never a number used before, the same with or without the state file
 * (a pull-request plan), per prefix. The planner and the executor are esm's own, the
 * history a real state file (sql.js); only the cluster is in memory, where a step can
 * fail, or the process "die" (from then on nothing more reaches the cluster or the file).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemorySession, type FaultPoint } from '../../test/support/memory-cluster.js';
import { rng } from '../../test/support/rng.js';
import { scratchDir, writeIn } from '../../test/support/scratch.js';
import { executePlan } from '../apply/executor.js';
import { ClusterError } from '../errors.js';
import { HistoryStore } from '../history/index.js';
import type { Manifest } from '../manifest/types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import { aHistory } from '../../test/support/plan-builders.js';
import type { IndexSpec } from './diff.js';
import { createPlan } from './plan.js';
import type { Plan } from './types.js';

const SPECS: IndexSpec[] = [
  { settings: { number_of_shards: 1 }, mappings: { properties: { title: { type: 'text' } } } },
  { settings: { number_of_shards: 1 }, mappings: { properties: { title: { type: 'keyword' } } } },
  { settings: { number_of_shards: 2 }, mappings: { properties: { title: { type: 'keyword' } } } },
];
const PREFIXES = ['', 'qa1_', 'qa2_'];

type Outcome = 'ok' | 'create_fails' | 'killed_before_index' | 'killed_after_index' | 'killed_before_drops';
const OUTCOMES: Outcome[] = ['ok', 'ok', 'create_fails', 'killed_before_index', 'killed_after_index', 'killed_before_drops'];

class Died extends Error {}

class World {
  readonly cluster = new MemoryCluster();
  /** Every index name that ever existed in the cluster. */
  readonly everCreated = new Set<string>();
  spec = 0;
  prefix = '';
  keepInactive = 1;
  private dead = false;
  store!: HistoryStore;

  constructor(readonly dir: string) {
    writeIn(dir, 'movies.ndjson', ['m-1', 'm-2'].map((id) => JSON.stringify({ id, title: id, updated_at: '2025-01-01T00:00:00.000Z' })).join('\n') + '\n');
  }

  /** (Re)opens the state file, as the next run does; its writes fail once this run has died. */
  async open(): Promise<void> {
    this.dead = false;
    this.store = await HistoryStore.open(path.join(this.dir, 'state.sqlite'), {}, {
      write: (file, bytes) => {
        if (this.dead) throw new Died('the process is gone');
        writeFileSync(file, bytes); // atomic writes are tested in history/; here only what is written counts
      },
    });
  }

  manifest(): Manifest {
    return withFingerprint({
      name: 'movies',
      labels: {},
      spec: { ...structuredClone(SPECS[this.spec]!), source: { type: 'ndjson', path: 'movies.ndjson' }, idField: 'id', updatedField: 'updated_at', activation: { minDocRatio: 0 }, retention: { keepInactive: this.keepInactive } },
      origin: { file: 'manifests/movies.yaml', line: 1, col: 1, dir: this.dir },
    });
  }

  async plan(withHistory = true): Promise<Plan> {
    return createPlan({
      manifests: [this.manifest()],
      snapshot: await this.cluster.snapshot(this.prefix),
      history: withHistory ? this.store.view() : aHistory(),
      prefix: this.prefix,
      now: new Date('2025-06-01T12:00:00.000Z'),
      planId: 'p',
      git: null,
      base: { stateHash: '', clusterHash: '' },
    });
  }

  /** Runs `plan` with esm's executor, failing or dying where `outcome` says. Returns the indices it created. */
  async apply(plan: Plan, outcome: Outcome): Promise<string[]> {
    const before = new Set(this.cluster.indices.keys());
    this.cluster.fault = (at: FaultPoint) => {
      if (this.dead) throw new Died('the process is gone');
      const die = () => {
        this.dead = true;
        throw new Died('killed');
      };
      if (at.op === 'create' && outcome === 'create_fails') throw new ClusterError(`Elasticsearch answered 400 (illegal_argument_exception) while creating index ${at.index}`, { status: 400 });
      if (at.op === 'create' && outcome === 'killed_before_index') die();
      // The index is made; the process dies before it writes anything more.
      if (at.op === 'create' && outcome === 'killed_after_index') queueMicrotask(() => (this.dead = true));
      if (at.op === 'delete' && outcome === 'killed_before_drops') die();
    };
    const s = new MemorySession(this.cluster, { statePath: path.join(this.dir, 'state.sqlite'), prefix: this.prefix, cwd: this.dir }, { store: this.store });
    await executePlan(s, plan).catch((e: unknown) => {
      if (!this.dead) throw e;
    });
    if (this.dead) await this.open();
    const created = [...this.cluster.indices.keys()].filter((i) => !before.has(i));
    for (const i of created) this.everCreated.add(i);
    return created;
  }
}

describe('instance numbering (property)', () => {
  it.each(Array.from({ length: 30 }, (_, i) => 1000 + i))('seed %i: apply creates exactly the names the plan printed', async (seed) => {
    const world = new World(scratchDir('numbering'));
    await world.open();
    const random = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const trail: string[] = [];
    for (let round = 0; round < 25; round++) {
      const r = random();
      if (r < 0.25) world.spec = pick([0, 1, 2]);
      else if (r < 0.35) world.prefix = pick(PREFIXES);
      else if (r < 0.4) world.keepInactive = pick([0, 1, 2]);

      const plan = await world.plan();
      const create = plan.masters[0]!.steps.find((s) => s.op === 'create');
      const outcome = pick(OUTCOMES);
      trail.push(`${world.prefix}|spec ${world.spec}|${plan.masters[0]!.decision} ${create?.index ?? '-'}|${outcome}`);
      const context = `seed ${seed}:\n${trail.join('\n')}`;
      if (create) {
        expect(world.everCreated.has(create.index), `${context}\n${create.index} was used before`).toBe(false);
        expect(create.index.startsWith(`${world.prefix}movies-`), context).toBe(true);
        // A pull-request job plans from the cluster alone, and names the same instance.
        const pr = (await world.plan(false)).masters[0]!.steps.find((s) => s.op === 'create');
        expect(pr?.index, `${context}\nplan without the state file`).toBe(create.index);
      }
      const created = await world.apply(plan, outcome);
      expect(created, context).toEqual(create && !['create_fails', 'killed_before_index'].includes(outcome) ? [create.index] : []);
    }
    world.store.close();
  });
});
