/**
 * Activation's guards and its record (SPEC §6, §9), without a node: an instance is
 * activated only once filled, and only when it holds at least `activation.minDocRatio`
 * of the active instance's documents (else refused, exit 4, nothing moved, nothing
 * recorded); a swap that went through records `activate` and the master's new active
 * instance in the state file — what `rollback`, `list` and the next plan read.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemorySession } from '../../test/support/memory-cluster.js';
import { scratchDir } from '../../test/support/scratch.js';
import type { InstanceMeta } from '../cluster/types.js';
import { RefusedError } from '../errors.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import { activateInstance, swapAlias } from './activate.js';

const meta = (n: number, filled = true): InstanceMeta => ({
  master: 'movies',
  instance: n,
  fingerprint: aManifest().fingerprint,
  createdAt: '2026-01-01T00:00:00.000Z',
  commit: null,
  filledAt: filled ? '2026-01-01T00:10:00.000Z' : null,
  lastUpdateAt: null,
});
const docs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m-${i}` }));

/** movies-1 active with 100 documents; movies-2 filled with `have`; movies-3 never filled. */
function world(have: number) {
  const cluster = new MemoryCluster();
  cluster.addIndex('movies-1', { meta: meta(1), aliases: ['movies'], docs: docs(100) });
  cluster.addIndex('movies-2', { meta: meta(2), docs: docs(have) });
  cluster.addIndex('movies-3', { meta: meta(3, false), docs: docs(100) });
  const s = new MemorySession(cluster, { statePath: path.join(scratchDir('activate'), 'state.sqlite') });
  const recorded = async () => {
    const store = await s.store();
    return { actions: store.listActions().map((a) => `${a.action} ${a.instance} ${a.status}`), active: store.view().masters.find((m) => m.name === 'movies')?.activeInstance ?? null };
  };
  return { cluster, s, recorded };
}
const step = (minDocRatio: number) => ({ master: 'movies', alias: 'movies', from: 'movies-1', to: 'movies-2', minDocRatio });

describe("the plan's activate step", () => {
  it('refuses an instance below activation.minDocRatio of the active one: nothing moves, nothing is recorded', async () => {
    const { cluster, s, recorded } = world(89);
    const e = await swapAlias(s, step(0.9)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefusedError);
    expect((e as Error).message).toBe('movies-2 holds 89 documents, fewer than activation.minDocRatio 0.9 × 100 of the active movies-1; fill it or pass --force');
    expect(cluster.aliasTargets('movies')).toEqual(['movies-1']);
    expect(await recorded()).toEqual({ actions: [], active: null });
  });

  it('swaps at exactly the ratio, and records the activation and the new active instance', async () => {
    const { cluster, s, recorded } = world(90);
    await swapAlias(s, step(0.9));
    expect(cluster.aliasTargets('movies')).toEqual(['movies-2']);
    expect(await recorded()).toEqual({ actions: ['activate movies-2 complete'], active: 'movies-2' });
  });

  it('with minDocRatio 0 or no instance to move from, counts nothing', async () => {
    const { cluster, s } = world(0);
    await swapAlias(s, step(0));
    expect(cluster.aliasTargets('movies')).toEqual(['movies-2']);
    await swapAlias(s, { ...step(1), alias: 'films', from: null });
    expect(cluster.aliasTargets('films')).toEqual(['movies-2']);
  });
});

describe('esm activate', () => {
  it('refuses an instance that was never filled, unless forced', async () => {
    const { cluster, s, recorded } = world(100);
    const manifest = aManifest({ name: 'movies', minDocRatio: 0.9 });
    await expect(activateInstance(s, manifest, 3)).rejects.toThrow('movies-3 was never filled; fill it first (esm update movies-3 --full) or pass --force');
    expect(cluster.aliasTargets('movies')).toEqual(['movies-1']);
    expect((await recorded()).actions).toEqual([]);
    const r = await activateInstance(s, manifest, 3, { force: true });
    expect(r).toMatchObject({ from: 'movies-1', to: 'movies-3', changed: true });
    expect(cluster.aliasTargets('movies')).toEqual(['movies-3']);
    expect(await recorded()).toEqual({ actions: ['activate movies-3 complete'], active: 'movies-3' });
  });

  it('applies the manifest\'s minDocRatio, and --force overrides it', async () => {
    const { cluster, s } = world(50);
    const manifest = aManifest({ name: 'movies', minDocRatio: 0.9 });
    await expect(activateInstance(s, manifest, 2)).rejects.toBeInstanceOf(RefusedError);
    expect(cluster.aliasTargets('movies')).toEqual(['movies-1']);
    await activateInstance(s, manifest, 2, { force: true });
    expect(cluster.aliasTargets('movies')).toEqual(['movies-2']);
  });
});
