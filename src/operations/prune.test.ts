import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aManifest } from '../../test/support/manifest-builders.js';
import { MemoryCluster, MemorySession } from '../../test/support/memory-cluster.js';
import { scratchDir } from '../../test/support/scratch.js';
import { bothOrNeither, pruneMissing } from './prune.js';

/** A task that runs until stopped, saying when it saw the stop and when it ended. */
function untilStopped(log: string[], name: string) {
  return (stop: AbortSignal) =>
    new Promise<void>((_, reject) => {
      stop.addEventListener('abort', () => {
        log.push(`${name} stopped`);
        setTimeout(() => {
          log.push(`${name} ended`);
          reject(stop.reason);
        }, 10);
      });
    });
}

describe('bothOrNeither (the prune reads source and instance side by side)', () => {
  it('runs the tasks side by side and resolves when all are done', async () => {
    const log: string[] = [];
    const task = (name: string, ms: number) => () => new Promise<void>((r) => setTimeout(() => (log.push(name), r()), ms));
    await bothOrNeither(undefined, [task('slow', 30), task('fast', 5)]);
    expect(log).toEqual(['fast', 'slow']);
  });

  it('stops the others when one fails, and throws that failure once they have ended', async () => {
    const log: string[] = [];
    const failing = async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('the source file disappeared');
    };
    await expect(bothOrNeither(undefined, [failing, untilStopped(log, 'instance scan')])).rejects.toThrow('the source file disappeared');
    // Thrown only after the other task ended: nothing it holds is released under it.
    expect(log).toEqual(['instance scan stopped', 'instance scan ended']);
  });

  it('stops every task with the run’s own stop reason', async () => {
    const log: string[] = [];
    const outer = new AbortController();
    const run = bothOrNeither(outer.signal, [untilStopped(log, 'a'), untilStopped(log, 'b')]);
    outer.abort(new Error('interrupted (SIGINT)'));
    await expect(run).rejects.toThrow('interrupted (SIGINT)');
    expect(log.sort()).toEqual(['a ended', 'a stopped', 'b ended', 'b stopped']);
  });

  it('does not start work that is already stopped', async () => {
    const outer = new AbortController();
    outer.abort(new Error('interrupted (SIGTERM)'));
    const seen: boolean[] = [];
    await expect(bothOrNeither(outer.signal, [async (stop) => { seen.push(stop.aborted); stop.throwIfAborted(); }])).rejects.toThrow('SIGTERM');
    expect(seen).toEqual([true]);
  });
});

describe('pruneMissing with the source write mark a reindex fill noted', () => {
  /** films (a, b, y) read by the reindex source of movies, whose instance holds a, b and x: as many documents on both sides. */
  function setup() {
    const cluster = new MemoryCluster();
    cluster.addIndex('films', { docs: [{ id: 'a' }, { id: 'b' }, { id: 'y' }] });
    cluster.addIndex('movies-1', { docs: [{ id: 'a' }, { id: 'b' }, { id: 'x' }] });
    const s = new MemorySession(cluster, { statePath: path.join(scratchDir('prune-mark'), 'state.sqlite') });
    const manifest = aManifest({ name: 'movies', source: { type: 'reindex', from: 'films' } });
    const ids = (index: string) => [...cluster.indices.get(index)!.docs.keys()].sort();
    return { cluster, s, manifest, ids };
  }

  it('compares nothing while the source bears the mark and both sides hold as many documents', async () => {
    const { cluster, s, manifest, ids } = setup();
    const mark = (await cluster.writeMark('films'))!;
    const r = await pruneMissing(s, manifest, 'movies-1', { sourceMark: mark });
    expect(r).toEqual({ index: 'movies-1', deleted: 0, sourceIds: 3, instanceIds: 3, sourceUnchanged: true });
    expect(ids('movies-1')).toEqual(['a', 'b', 'x']);
    await s.close();
  });

  it('compares, and deletes what the source does not have, once the source was written since the mark', async () => {
    const { cluster, s, manifest, ids } = setup();
    const mark = (await cluster.writeMark('films'))!;
    await cluster.bulkWriteHits({ index: 'films', hits: (async function* () { yield { _id: 'y', _source: { id: 'y', title: 'rewritten' } }; })() } as never);
    const r = await pruneMissing(s, manifest, 'movies-1', { sourceMark: mark });
    expect(r).toMatchObject({ deleted: 1, sourceUnchanged: false });
    expect(ids('movies-1')).toEqual(['a', 'b']);
    await s.close();
  });

  it('compares when the counts differ, whatever the mark', async () => {
    const { cluster, s, manifest, ids } = setup();
    await cluster.deleteDocs('movies-1', ['x']);
    await cluster.deleteDocs('films', ['y']);
    cluster.indices.get('movies-1')!.docs.set('z', { id: 'z' });
    const r = await pruneMissing(s, manifest, 'movies-1', { sourceMark: (await cluster.writeMark('films'))! });
    expect(r).toMatchObject({ deleted: 1, sourceIds: 2, instanceIds: 3, sourceUnchanged: false });
    expect(ids('movies-1')).toEqual(['a', 'b']);
    await s.close();
  });
});

