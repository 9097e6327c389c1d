/**
 * The plan's `prune` step, before an instance is activated: the documents it
 * holds whose id the source no longer has are deleted (SPEC §3 "Deletions",
 * id-set comparison): the ids of an ndjson or sqlite source (its documents,
 * less those `deletedField` flags), of a module's `ids` export, or of the index
 * a reindex source reads. Both sides are sorted in bounded memory (runs spilled
 * to temporary files, id-sets.ts) and compared in one pass, so esm's memory does
 * not grow with the number of ids (SPEC §13). Recorded as a `prune` of the instance.
 */
import type { Cluster } from '../cluster/index.js';
import { RuntimeError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { flaggedQuery } from './fill.js';
import { idsNotIn, SortedIds, type SortedIdsOptions } from './id-sets.js';
import type { Session } from './session.js';

export interface PruneResult {
  index: string;
  /** Documents deleted from the instance. */
  deleted: number;
  /** Ids the source holds now. */
  sourceIds: number;
  /** Documents the instance held before. */
  instanceIds: number;
  /** The source was not written since the fill's copy began (its write mark unchanged): no ids were compared. */
  sourceUnchanged: boolean;
}

export interface PruneOptions {
  /** Called once, with how many ids the comparison reads (both sides; undefined when the source cannot say). */
  onStart?: ((info: { total: number | undefined }) => void) | undefined;
  /** Ids read so far, from the source and the instance. */
  onProgress?: ((p: { done: number; total: number | undefined; failed: number; elapsedMs: number }) => void) | undefined;
  /** How the ids are sorted (tests: small runs, to spill on a few ids). */
  sort?: SortedIdsOptions;
  /** The source's write mark from before the fill's copy began (FillResult.sourceMark). */
  sourceMark?: string | undefined;
}

/** Ids deleted per bulk request. */
const DELETE_BATCH = 1000;
/** Ids read between two progress reports. */
const PROGRESS_EVERY = 10_000;

export async function pruneMissing(s: Session, manifest: Manifest, index: string, opts: PruneOptions = {}): Promise<PruneResult> {
  const idField = manifest.spec.idField;
  if (!idField) throw new RuntimeError(`internal: an id-set comparison of ${manifest.name} without spec.idField`);
  return s.record(
    { action: 'prune', master: manifest.name, instance: index },
    async (_id, action) => {
      const cluster = await s.cluster();
      const signal = s.signal ? { signal: s.signal } : {};
      await cluster.refresh(index);
      const held = await cluster.count(index);
      const listed = await sourceCount(s, cluster, manifest);
      // A reindex source not written since the copy began (and as many documents on both sides): the instance
      // holds exactly the ids the source held then, which it still does. Nothing to compare, nothing to delete.
      if (opts.sourceMark !== undefined && manifest.spec.source?.type === 'reindex' && listed === held && (await cluster.writeMark(reindexFrom(s, manifest))) === opts.sourceMark) {
        opts.onStart?.({ total: 0 });
        return { index, deleted: 0, sourceIds: listed, instanceIds: held, sourceUnchanged: true };
      }
      const total = listed === null ? undefined : listed + held;
      opts.onStart?.({ total });
      const t0 = Date.now();
      let read = 0;
      const report = () => opts.onProgress?.({ done: read, total, failed: 0, elapsedMs: Date.now() - t0 });
      const source = new SortedIds(opts.sort);
      const instance = new SortedIds(opts.sort);
      try {
        // Both sides at once: what the source holds now, and the instance as filled and caught up
        // (the instance was refreshed above; deletions wait until both are read).
        const collect = async (ids: AsyncIterable<string>, into: SortedIds) => {
          for await (const id of ids) {
            const spill = into.add(id);
            if (spill) await spill;
            if (++read % PROGRESS_EVERY === 0) report();
          }
        };
        await bothOrNeither(s.signal, [
          (stop) => collect(sourceIds(s, cluster, manifest, idField, stop), source),
          (stop) => collect(instanceIds(cluster, index, stop), instance),
        ]);
        report();
        let batch: string[] = [];
        let deleted = 0;
        const flush = async () => {
          deleted += await cluster.deleteDocs(index, batch, { ...signal, refresh: false });
          batch = [];
        };
        await idsNotIn(await instance.cursor(), await source.cursor(), (id) => {
          batch.push(id);
          return batch.length >= DELETE_BATCH ? flush() : undefined;
        });
        if (batch.length > 0) {
          // The last delete: what it deletes is saved first, so a run killed before its answer can be counted by the next (reconcile.ts).
          action.detail({ prune: { deletedBefore: deleted, lastBatch: batch } });
          await flush();
        }
        if (deleted > 0) await cluster.refresh(index);
        return { index, deleted, sourceIds: source.size, instanceIds: instance.size, sourceUnchanged: false };
      } finally {
        source.dispose();
        instance.dispose();
      }
    },
    (r) => r.deleted,
  );
}

/** How many ids the source will list, when it can say without listing them (null: it cannot). */
async function sourceCount(s: Session, cluster: Cluster, manifest: Manifest): Promise<number | null> {
  const source = manifest.spec.source;
  if (!source) return 0;
  if (source.type === 'reindex') return cluster.count(reindexFrom(s, manifest), reindexIdsQuery(manifest));
  if (source.type === 'module') return null;
  const { openSource } = await import('../sources/index.js');
  return (await openSource(manifest, { cwd: s.config.cwd }).count?.({ since: null })) ?? null;
}

function reindexFrom(s: Session, manifest: Manifest): string {
  const source = manifest.spec.source;
  if (source?.type !== 'reindex') throw new RuntimeError(`internal: ${manifest.name} has no reindex source`);
  return s.alias(source.from === 'active' ? manifest.name : source.from);
}

/** The documents of the index a reindex source reads that it copies: its query, less those `deletedField` flags. */
function reindexIdsQuery(manifest: Manifest): Record<string, unknown> {
  const source = manifest.spec.source;
  const must_not = manifest.spec.deletedField ? [flaggedQuery(manifest.spec.deletedField)] : [];
  return { bool: { filter: source?.type === 'reindex' && source.query ? [source.query] : [], must_not } };
}

/**
 * Runs the tasks side by side; when one fails the others are stopped (the signal each is
 * given), and the first failure is thrown once all have ended, so that nothing they hold is
 * released under them. `outer` (the run's stop signal) stops them all.
 */
export async function bothOrNeither(outer: AbortSignal | undefined, tasks: Array<(stop: AbortSignal) => Promise<void>>): Promise<void> {
  const stop = new AbortController();
  const onOuter = () => stop.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  outer?.addEventListener('abort', onOuter, { once: true });
  try {
    const ended = await Promise.allSettled(
      tasks.map((task) =>
        task(stop.signal).catch((err: unknown) => {
          if (!stop.signal.aborted) stop.abort(err);
          throw err;
        }),
      ),
    );
    // The failure that stopped the others, not the "stopped" they answered with.
    if (stop.signal.aborted) throw stop.signal.reason;
    for (const e of ended) if (e.status === 'rejected') throw e.reason;
  } finally {
    outer?.removeEventListener('abort', onOuter);
  }
}

async function* instanceIds(cluster: Cluster, index: string, signal: AbortSignal): AsyncGenerator<string> {
  yield* cluster.scanIds(index, { signal });
}

/** The ids the source holds now, one by one. */
async function* sourceIds(s: Session, cluster: Cluster, manifest: Manifest, idField: string, stop: AbortSignal): AsyncGenerator<string> {
  const source = manifest.spec.source;
  const signal = { signal: stop };
  if (!source) return;
  if (source.type === 'reindex') {
    yield* cluster.scanIds(reindexFrom(s, manifest), { query: reindexIdsQuery(manifest), ...signal });
    return;
  }
  const { docId, isDeletion, openSource } = await import('../sources/index.js');
  const stream = openSource(manifest, { cwd: s.config.cwd });
  if (source.type === 'module') {
    if (!stream.ids) throw new RuntimeError(`internal: module source of ${manifest.name} cannot list ids`);
    yield* stream.ids(signal);
    return;
  }
  for await (const doc of stream.read({ since: null, ...signal })) {
    if (isDeletion(doc, manifest.spec.deletedField)) continue;
    const id = docId(doc, idField);
    if (id !== null) yield id;
  }
}
