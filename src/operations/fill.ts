/**
 * Filling an instance with documents: a full fill, an incremental update since
 * the instance's last completed update, or since a given date (`esm update`,
 * and the plan's fill / catch_up steps). Records `update` (full) or
 * `partial_update` and writes `filledAt` / `lastUpdateAt` into `_meta.esm`.
 */
import type { BulkItemError, Cluster } from '../cluster/index.js';
import { BATCH_SIZE } from '../cluster/batch-size.js';
import { InvalidInputError, RuntimeError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { ensureRecorded, loadMasterState } from './master-state.js';
import type { Session } from './session.js';
import type { Doc } from '../sources/types.js';

export type FillMode = { kind: 'full' } | { kind: 'incremental' } | { kind: 'since'; since: string };

export interface FillOptions {
  mode: FillMode;
  batchSize?: number;
  concurrency?: number;
  /** Lower refresh/replicas during the fill and restore them after (new, not-yet-active instances). */
  tune?: boolean;
  onProgress?: (p: { done: number; total: number | undefined; failed: number; elapsedMs: number }) => void;
  onStart?: (info: { total: number | undefined; since: string | null; via: 'source' | 'reindex' }) => void;
}

export interface FillResult {
  master: string;
  index: string;
  docs: number;
  /** null for a full fill. */
  since: string | null;
  via: 'source' | 'reindex';
  elapsedMs: number;
  note: string | null;
}

export class FillFailed extends RuntimeError {
  constructor(
    message: string,
    readonly docsAffected: number,
  ) {
    super(message);
  }
}

export async function fillInstance(s: Session, manifest: Manifest, index: string, opts: FillOptions): Promise<FillResult> {
  const master = manifest.name;
  const st = await loadMasterState(s, master, { allowConflicts: true });
  const inst = st.instances.find((i) => i.name === index);
  if (!inst) throw new InvalidInputError(`${index} does not exist (instances of ${master}: ${st.instances.map((i) => i.name).join(', ') || 'none'})`);
  const { since, note } = resolveSince(manifest, inst.lastUpdateAt, opts.mode);
  if (since !== null && !manifest.spec.idField) {
    throw new InvalidInputError(
      `an incremental update of ${master} needs spec.idField: without it Elasticsearch assigns new ids and every re-sent document would be a duplicate (use --full on a new instance)`,
    );
  }
  await ensureRecorded(s, { ...inst, master, createdAt: inst.index.meta?.createdAt ?? null, commit: inst.index.meta?.commit ?? null });

  const via: 'source' | 'reindex' = manifest.spec.source?.type === 'reindex' ? 'reindex' : 'source';
  const startedAt = s.now();
  const t0 = Date.now();
  const action = since === null ? 'update' : 'partial_update';
  let docs = 0;
  const result = await s.record(
    { action, master, instance: index },
    async () => {
      const cluster = await s.cluster();
      const tune = (opts.tune ?? false) && since === null;
      if (tune) await cluster.prepareForFill(index);
      try {
        docs = via === 'reindex' ? await viaReindex(s, cluster, manifest, index, since, opts) : await viaSource(s, cluster, manifest, index, since, opts);
      } finally {
        if (tune) await cluster.restoreAfterFill(index, manifest.spec.settings);
      }
      await cluster.refresh(index);
      const at = startedAt.toISOString();
      const store = await s.store();
      if (since === null) {
        await cluster.updateMeta(index, { filledAt: at, lastUpdateAt: at });
        store.markFilled(index, at);
      } else if (coversCheckpoint(since, inst.lastUpdateAt)) {
        await cluster.updateMeta(index, { lastUpdateAt: at });
        store.markUpdated(index, at);
      }
      return docs;
    },
    (n) => n,
  );
  return { master, index, docs: result, since, via, elapsedMs: Date.now() - t0, note };
}

/** `id: type: reason` of the first failed documents. */
function firstErrors(errors: readonly BulkItemError[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.id ?? '(no id)'}: ${e.type}: ${e.reason}`)
    .join('; ');
}

/** Attaches the count of documents written before a failure, which Session.record journals. */
function withDocsAffected(e: unknown, docs: number): unknown {
  if (e instanceof Error && (e as { docsAffected?: number }).docsAffected === undefined) Object.assign(e, { docsAffected: docs });
  return e;
}

/**
 * Whether an update of the documents changed after `since` leaves nothing
 * unsent since the instance's checkpoint (its last completed update): only
 * then may the checkpoint move. A `--since` later than the checkpoint skipped
 * the changes in between, and the next incremental update must still send them.
 */
export function coversCheckpoint(since: string, lastUpdateAt: string | null): boolean {
  return lastUpdateAt !== null && Date.parse(since) <= Date.parse(lastUpdateAt);
}

/** Which documents to send: all (null) or those changed after the returned time. */
export function resolveSince(manifest: Manifest, lastUpdateAt: string | null, mode: FillMode): { since: string | null; note: string | null } {
  switch (mode.kind) {
    case 'full':
      return { since: null, note: null };
    case 'since':
      if (!manifest.spec.updatedField) {
        throw new InvalidInputError(`--since needs spec.updatedField in the manifest of ${manifest.name}: esm cannot tell which documents changed`);
      }
      return { since: mode.since, note: null };
    case 'incremental':
      if (!manifest.spec.updatedField) return { since: null, note: 'no updatedField: a full update' };
      if (!lastUpdateAt) return { since: null, note: 'no completed update yet: a full update' };
      return { since: lastUpdateAt, note: `documents changed since ${lastUpdateAt}` };
  }
}

async function viaSource(s: Session, cluster: Cluster, manifest: Manifest, index: string, since: string | null, opts: FillOptions): Promise<number> {
  const { openSource } = await import('../sources/index.js');
  const source = openSource(manifest, { cwd: s.config.cwd });
  const total = await source.count?.({ since });
  opts.onStart?.({ total, since, via: 'source' });
  const t0 = Date.now();
  let indexed = 0;
  const { deletedField, idField } = manifest.spec;
  const read = source.read({ since, ...(s.signal ? { signal: s.signal } : {}) });
  // Documents flagged by deletedField are deleted from the instance, not indexed (SPEC §3 "Deletions").
  const deletions: string[] = [];
  const res = await cluster.bulkWrite({
    index,
    docs: deletedField && idField ? withoutDeletions(read, deletedField, idField, deletions) : read,
    ...(manifest.spec.idField ? { idField: manifest.spec.idField } : {}),
    batchSize: opts.batchSize ?? BATCH_SIZE,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(s.signal ? { signal: s.signal } : {}),
    onProgress: (p) => {
      indexed = p.done - p.failed;
      opts.onProgress?.({ done: p.done, total, failed: p.failed, elapsedMs: Date.now() - t0 });
    },
  }).catch((e: unknown) => {
    // A source error (a malformed line…) or a cluster error after retries: the journal still
    // says how many documents made it in before the stop.
    throw withDocsAffected(e, indexed);
  });
  if (res.aborted) throw new FillFailed(`filling ${index} was interrupted after ${res.indexed} documents; nothing was activated`, res.indexed);
  if (res.failed > 0) {
    throw new FillFailed(`${res.failed} of ${res.indexed + res.failed} documents failed to index into ${index}: ${firstErrors(res.errors)}`, res.indexed);
  }
  if (deletions.length > 0) await cluster.deleteDocs(index, deletions, s.signal ? { signal: s.signal } : {});
  return res.indexed;
}

/** The documents of `docs` that are not deletions; the ids of the deletions are pushed to `deleted`. */
async function* withoutDeletions(docs: AsyncIterable<Doc>, deletedField: string, idField: string, deleted: string[]): AsyncGenerator<Doc> {
  const { docId, isDeletion } = await import('../sources/index.js');
  for await (const doc of docs) {
    if (!isDeletion(doc, deletedField)) {
      yield doc;
      continue;
    }
    const id = docId(doc, idField);
    if (id !== null) deleted.push(id);
  }
}

/** A query for the documents `deletedField` marks as deleted: the field is set, and not false. */
export function flaggedQuery(deletedField: string): Record<string, unknown> {
  return { bool: { filter: [{ exists: { field: deletedField } }], must_not: [{ term: { [deletedField]: false } }] } };
}

/** An incremental reindex: the documents flagged as deleted since `since` in `from` are deleted from `index`. */
async function deleteFlagged(s: Session, cluster: Cluster, manifest: Manifest, from: string, index: string, since: string): Promise<void> {
  const filter: Record<string, unknown>[] = [flaggedQuery(manifest.spec.deletedField!)];
  if (manifest.spec.updatedField) filter.push({ range: { [manifest.spec.updatedField]: { gt: since } } });
  const ids: string[] = [];
  for await (const hit of cluster.scan(from, { query: { bool: { filter } }, sourceIncludes: [], ...(s.signal ? { signal: s.signal } : {}) })) ids.push(hit._id);
  await cluster.deleteDocs(index, ids, s.signal ? { signal: s.signal } : {});
}

async function viaReindex(s: Session, cluster: Cluster, manifest: Manifest, index: string, since: string | null, opts: FillOptions): Promise<number> {
  const src = manifest.spec.source;
  if (src?.type !== 'reindex') throw new RuntimeError('internal: viaReindex without a reindex source');
  const fromMaster = src.from === 'active' ? manifest.name : src.from;
  const from = s.alias(fromMaster);
  const filters: Record<string, unknown>[] = [];
  if (src.query) filters.push(src.query);
  if (since !== null && manifest.spec.updatedField) filters.push({ range: { [manifest.spec.updatedField]: { gt: since } } });
  const deletedField = manifest.spec.deletedField;
  const query = deletedField
    ? { bool: { filter: filters, must_not: [flaggedQuery(deletedField)] } }
    : filters.length === 0
      ? undefined
      : filters.length === 1
        ? filters[0]
        : { bool: { filter: filters } };
  if (deletedField && since !== null) await deleteFlagged(s, cluster, manifest, from, index, since);
  opts.onStart?.({ total: undefined, since, via: 'reindex' });
  const t0 = Date.now();
  let copied = 0;
  const res = await cluster.reindex({
    source: from,
    dest: index,
    ...(query ? { query } : {}),
    ...(src.script !== undefined ? { script: src.script } : {}),
    ...(src.requestsPerSecond !== undefined ? { requestsPerSecond: src.requestsPerSecond } : {}),
    ...(src.slices !== undefined ? { slices: src.slices } : {}),
    ...(s.signal ? { signal: s.signal } : {}),
    batchSize: opts.batchSize ?? BATCH_SIZE,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    onProgress: (p) => {
      copied = p.done;
      opts.onProgress?.({ done: p.done, total: p.total, failed: 0, elapsedMs: Date.now() - t0 });
    },
  }).catch((e: unknown) => {
    throw withDocsAffected(e, copied);
  });
  if (res.aborted) throw new FillFailed(`reindexing into ${index} was interrupted after ${res.created} documents`, res.created);
  if (res.failed > 0) throw new FillFailed(`${res.failed} documents failed to reindex from ${from} into ${index}: ${firstErrors(res.errors)}`, res.created);
  return res.created;
}
