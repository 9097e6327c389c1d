/**
 * The executor on a memory cluster (the same steps against real nodes: test/apply,
 * test/e2e): it runs each step of the plan as written, asks the apply lock before
 * every step, and a lock lost between two steps stops the master there — nothing
 * more is written, the alias stays where it was, and the journal says why.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemorySession } from '../../test/support/memory-cluster.js';
import { scratchDir, writeIn } from '../../test/support/scratch.js';
import { RefusedError } from '../errors.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import { createPlan } from '../plan/plan.js';
import { executePlan } from './executor.js';

async function aFirstApply() {
  const dir = scratchDir('executor');
  writeIn(dir, 'movies.ndjson', ['m-1', 'm-2', 'm-3'].map((id) => JSON.stringify({ id, title: id, updated_at: '2026-01-01T00:00:00Z' })).join('\n') + '\n');
  const manifest = aManifest({ name: 'movies', source: { type: 'ndjson', path: 'movies.ndjson' }, dir });
  const cluster = new MemoryCluster();
  const s = new MemorySession(cluster, { statePath: path.join(dir, 'state.sqlite'), cwd: dir });
  const plan = createPlan({
    manifests: [manifest],
    snapshot: await cluster.snapshot(''),
    history: (await s.store()).view(),
    prefix: '',
    now: new Date('2026-01-01T00:00:00.000Z'),
    planId: 'p1',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
  });
  const journal = async () => (await s.store()).listActions().reverse().map((a) => `${a.action} ${a.instance} ${a.status}${a.error ? `: ${a.error}` : ''}`);
  return { cluster, s, plan, journal };
}

describe('executePlan', () => {
  it('runs the steps as planned: the instance is created, filled, then activated', async () => {
    const { cluster, s, plan, journal } = await aFirstApply();
    expect(plan.masters[0]!.steps.map((st) => st.op)).toEqual(['create', 'fill', 'prune', 'wait', 'activate']);
    const r = await executePlan(s, plan, { checkpoint: () => {} });
    expect(r.ok).toBe(true);
    expect(cluster.aliasTargets('movies')).toEqual(['movies-1']);
    expect(await cluster.count('movies-1')).toBe(3);
    // Before the activation, documents the source no longer has are pruned (id sets compared).
    expect(await journal()).toEqual(['create movies-1 complete', 'update movies-1 complete', 'prune movies-1 complete', 'activate movies-1 complete']);
  });

  it('asks the lock before every step; a lock lost after the create stops the master: no fill, no activation', async () => {
    const { cluster, s, plan, journal } = await aFirstApply();
    const lost = new RefusedError('lost the apply lock for prefix "": taken over by bob@ci');
    let asked = 0;
    const r = await executePlan(s, plan, {
      checkpoint: () => {
        if (++asked > 1) throw lost;
      },
    });
    expect(asked).toBe(2);
    expect(r.ok).toBe(false);
    expect(r.masters[0]!.steps.map((st) => `${st.op} ${st.status}`)).toEqual(['create done', 'fill failed', 'prune skipped', 'wait skipped', 'activate skipped']);
    expect(cluster.aliasTargets('movies')).toEqual([]);
    expect(await cluster.count('movies-1')).toBe(0);
    expect(await journal()).toEqual([
      'create movies-1 complete',
      `update movies-1 failed: ${lost.message}`,
      'prune movies-1 aborted: not run: an earlier step of this master failed',
      'activate movies-1 aborted: not run: an earlier step of this master failed',
    ]);
  });

  it('waits for the instance to be green before moving the alias; past --wait-timeout the activation fails, the alias stays, the journal says why', async () => {
    const { cluster, s, plan, journal } = await aFirstApply();
    // The instance never gets its replica: one of its two shard copies stays unassigned.
    const reads: string[] = [];
    Object.assign(cluster, {
      indexHealth: async (index: string) => {
        reads.push(index);
        return { status: 'yellow', activePrimaryShards: 1, activeShards: 1, initializingShards: 0, relocatingShards: 0, unassignedShards: 1, dataNodes: 1 };
      },
      unassignedReason: async () => 'a replica of shard 0 is unassigned; e.g. on node-1: a copy of this shard is already allocated to this node',
    });
    const events: string[] = [];
    s.bindEmit((e) => void (e.kind === 'step_progress' && e.step.op === 'wait' && events.push(`${e.done}/${e.total}`)));
    const r = await executePlan(s, plan, { checkpoint: () => {}, waitTimeoutMs: 1500 });
    expect(r.ok).toBe(false);
    expect(r.masters[0]!.steps.map((st) => `${st.op} ${st.status}`)).toEqual(['create done', 'fill done', 'prune done', 'wait failed', 'activate skipped']);
    const error = r.masters[0]!.steps[3]!.error!;
    expect(error).toMatch(/^movies-1 did not turn green within 1\.5s \(--wait-timeout\): yellow, 1 of 2 shard copies active \(1 unassigned\), 1 data node; a replica of shard 0 is unassigned; .*It was not activated: the alias stays where it was/);
    expect(reads.length).toBeGreaterThan(1);
    expect(events.every((e) => e === '1/2')).toBe(true);
    expect(cluster.aliasTargets('movies')).toEqual([]);
    // The wait changes nothing, so it has no action of its own: the activation it held back is the one that failed.
    expect(await journal()).toEqual(['create movies-1 complete', 'update movies-1 complete', 'prune movies-1 complete', `activate movies-1 failed: ${error}`]);
  });
});
