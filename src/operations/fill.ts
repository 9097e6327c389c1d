/** Filling an instance with documents: the plan's fill and catch_up steps (also `esm update`'s). */
import type { BulkItemError, Cluster, ReindexTask } from '../cluster/index.js';
import { neverWritten } from '../cluster/index.js';
import { BATCH_SIZE } from '../cluster/batch-size.js';
import { assertNever, RuntimeError } from '../errors.js';
import { docId, isDeletion, openSource } from '../sources/index.js';
import type { Manifest } from '../manifest/types.js';
import type { Session } from './session.js';
import type { Doc, DocumentSource } from '../sources/types.js';
import { positionWords, type SourcePosition } from '../sources/position.js';
import type { FillResume } from '../plan/types.js';
import { checkpoints, type Checkpoints } from './fill-checkpoints.js';
import { groupDigits } from '../digits.js';
import { failoverGuard, type FailoverGuard } from './failover.js';
import { formatDuration } from '../config/duration.js';

export interface FillOptions {
  /** null: every document (a fill); otherwise the documents changed after this time (a catch-up). */
  since: string | null;
  /** A reindex source: the index or alias to copy from, as the plan named it. */
  from?: string;
  /** A catch-up that leaves changes before `since` unsent: the instance's checkpoint (`lastUpdateAt`) stays. */
  keepCheckpoint?: boolean;
  /** A full fill that goes on where a stopped fill of the instance stood (the plan's `resume`). */
  resume?: FillResume;
  batchSize?: number;
  concurrency?: number;
  /** Lower refresh/replicas during the fill and restore them after (new, not-yet-active instances). */
  tune?: boolean;
  /** How long documents whose shard is unavailable (a node left) are re-sent before the fill fails (default 30 min, `--wait-timeout`). */
  waitTimeoutMs?: number;
  /** `done` counts the documents of a resumed fill from its start (`resumedFrom` of them were in before). */
  onProgress?: (p: { done: number; total: number | undefined; failed: number; elapsedMs: number; resumedFrom?: number }) => void;
  onStart?: (info: { total: number | undefined; resumedFrom?: Resumed }) => void;
}

/** Where a fill resumed: the documents in the instance already, and the position after them. */
export interface Resumed {
  docs: number;
  position: SourcePosition;
}

/**
 * A fill of at most this many documents (two bulk requests) is sent into the index as
 * it is: tuning it would cost two cluster-state updates (the settings, then their
 * restore), which a single node applies one at a time — more than the tuning saves.
 */
export const SMALL_FILL_DOCS = 10_000;

export interface FillResult {
  docs: number;
  /** When the fill started (a resumed one: when the fill it resumed first started): what a following catch-up sends the changes since. */
  startedAt: string;
  elapsedMs: number;
  /**
   * A reindex fill of an instance nothing had been written to: the source's write mark from
   * before the copy began (the prune compares it with the source's mark then).
   */
  sourceMark?: string;
}

export class FillFailed extends RuntimeError {
  constructor(
    message: string,
    readonly docsAffected: number,
    /** The fill stopped because it was asked to (Ctrl-C), not because something failed. */
    readonly interrupted = false,
  ) {
    super(message);
  }
}

/** What one fill's documents go through: the source (or reindex), how far it is, where it resumes. */
interface FillRun {
  total: number | undefined;
  /** The resumed fill's starting point, when it resumes. */
  resumed: Resumed | null;
  /** Where the written documents reach (full fills: checkpoints are recorded from this). */
  checkpoints: Checkpoints | null;
  /** Ids of documents flagged deleted read so far and not yet deleted from the instance. */
  deletions: string[];
  /** A reindex task this run did not start began copying then (epoch ms): the catch-up goes back that far. */
  taskStartedAt?: number;
  /** See FillResult.sourceMark. */
  sourceMark?: string;
}

/**
 * Sends documents into `index`, as a plan's fill or catch_up step says: every
 * document, or those changed since `opts.since`. Records `update` (full) or
 * `partial_update` and writes `filledAt` / `lastUpdateAt` into `_meta.esm`.
 * Decides nothing: the step says what to send.
 *
 * A full fill records where it stands in its history row at most every
 * `session.checkpointEveryMs` (SPEC §13): before each record the documents sent are
 * made durable (a flush while the translog is synced only every few seconds) and
 * the deletions found so far are applied. A fill that stops (killed, interrupted,
 * failed) is resumed from there by the next run; one that resumes says so, keeps the
 * first attempt's start time for the catch-up, and starts from zero (saying why)
 * when the source has changed in a way it cannot resume through.
 */
export async function runFill(s: Session, manifest: Manifest, index: string, opts: FillOptions): Promise<FillResult> {
  const master = manifest.name;
  const { since } = opts;
  const via: 'source' | 'reindex' = manifest.spec.source?.type === 'reindex' ? 'reindex' : 'source';
  let startedAt = s.now().toISOString();
  const t0 = Date.now();
  const action = since === null ? 'update' : 'partial_update';
  let fillRun: FillRun | undefined;
  const result = await s.record(
    // The action starts when the fill counts from: a later run compares it with _meta.esm's filledAt / lastUpdateAt.
    { action, master, instance: index, startedAt },
    async (actionId) => {
      const cluster = await s.cluster();
      const source = via === 'source' ? openSource(manifest, { cwd: s.config.cwd }) : null;
      const total = source ? await source.count?.({ since }) : undefined;
      const tune = (opts.tune ?? false) && since === null && (total === undefined || total > SMALL_FILL_DOCS);
      const resumed = since === null && source && opts.resume ? await resumePoint(s, source, index, opts.resume) : null;
      // A resumed fill (a re-attached reindex task too) is caught up from when the stopped fill first started.
      if (opts.resume && (resumed || via === 'reindex')) startedAt = opts.resume.startedAt;
      const store = await s.store();
      let durable = !tune;
      /** Set once a tuned fill begins: whether a primary failed over since (then acknowledged writes may be lost). */
      let failover: FailoverGuard | null = null;
      const run: FillRun = { total, resumed, checkpoints: null, deletions: [] };
      fillRun = run;
      if (since === null) {
        run.checkpoints = checkpoints({
          everyMs: s.checkpointEveryMs,
          save: async (r) => {
            // Everything before the position must survive a node crash before the history says so
            // (a reindex task's position is the task itself: it writes on, whatever esm does).
            if (run.deletions.length > 0) await cluster.deleteDocs(index, run.deletions.splice(0), s.signal ? { signal: s.signal } : {});
            if (!durable && r.position.kind !== 'task') await cluster.flush(index);
            // A primary that failed over since the fill began may have lost acknowledged writes: nothing more is recorded.
            const lost = await failover?.problem();
            if (lost) throw new FillFailed(lost, r.docs);
            const at = s.now().toISOString();
            store.saveCheckpoint(actionId, {
              docs: r.docs,
              total: total ?? null,
              startedAt,
              at,
              position: r.position as unknown as Record<string, unknown>,
              ...(resumed ? { resumedFrom: resumed.docs } : {}),
            });
          },
        });
      }
      if (tune) {
        await cluster.prepareForFill(index);
        failover = await failoverGuard(cluster, index);
      }
      let outcome: { docs: number } | { error: unknown };
      try {
        outcome = { docs: source ? await viaSource(s, cluster, manifest, source, index, since, opts, run) : await viaReindex(s, cluster, manifest, index, since, opts, run) };
      } catch (error) {
        outcome = { error };
      }
      // An interrupted reindex cancelled its task: nothing of it can be resumed, the next run copies again.
      const cancelled = 'error' in outcome && outcome.error instanceof FillFailed && outcome.error.interrupted && run.checkpoints?.last()?.position.kind === 'task';
      if (cancelled) run.checkpoints?.forget();
      const stopped = await run.checkpoints?.stop().then(
        () => null,
        (error: unknown) => ({ error }),
      );
      if (cancelled) store.clearCheckpoint(actionId);
      if (tune) {
        try {
          await cluster.restoreAfterFill(index, manifest.spec.settings);
          durable = true;
          // Flushed now, but had a primary failed over meanwhile, what it acknowledged and lost is not in the flush:
          // then neither the fill nor where it got to is recorded.
          const lost = await failover?.problem();
          if (lost) {
            durable = false;
            if (!('error' in outcome)) outcome = { error: new FillFailed(lost, outcome.docs) };
          }
        } catch (e) {
          if (!('error' in outcome)) throw e;
        }
      }
      // Where the fill got to, recorded once its documents are durable (a failed restore leaves the last periodic one).
      if (durable && run.checkpoints) {
        await run.checkpoints.saveLast().catch((e: unknown) => {
          if (!('error' in outcome)) throw e;
        });
      }
      if ('error' in outcome) throw stoppedError(outcome.error, index, run);
      if (stopped) throw stopped.error;
      // A task found running began before this run: what changed since it began must be caught up.
      if (run.taskStartedAt !== undefined && run.taskStartedAt < Date.parse(startedAt)) startedAt = new Date(run.taskStartedAt).toISOString();
      // A tuned fill was refreshed when its settings were restored.
      if (!tune) await cluster.refresh(index);
      if (since === null) {
        await cluster.updateMeta(index, { filledAt: startedAt, lastUpdateAt: startedAt });
        store.markFilled(index, startedAt);
      } else if (!opts.keepCheckpoint) {
        await cluster.updateMeta(index, { lastUpdateAt: startedAt });
        store.markUpdated(index, startedAt);
      }
      return outcome.docs;
    },
    (n) => n,
  );
  const sourceMark = fillRun?.sourceMark;
  return { docs: result, startedAt, elapsedMs: Date.now() - t0, ...(sourceMark !== undefined ? { sourceMark } : {}) };
}

/**
 * Where a fill resumes: the stopped fill's checkpoint, checked against the source as
 * it is now. Null, with a note saying why, when it cannot: the fill starts from zero.
 */
async function resumePoint(s: Session, source: DocumentSource, index: string, resume: FillResume): Promise<Resumed | null> {
  const check = source.resumeCheck ? await source.resumeCheck(resume.position) : ({ ok: false, why: 'the source cannot resume a read' } as const);
  if (!check.ok) {
    s.emit({ kind: 'note', message: `cannot resume the fill of ${index} where it stopped (${check.why}): it starts from zero` });
    return null;
  }
  if (check.note) s.emit({ kind: 'note', message: check.note });
  return { docs: resume.docs, position: check.after };
}

/** The error a stopped fill ends with: an interruption says where it stopped, and that the next run resumes from there. */
function stoppedError(e: unknown, index: string, run: FillRun): unknown {
  const reached = run.checkpoints?.last() ?? null;
  if (!(e instanceof FillFailed) || !e.interrupted) return e;
  const at = reached ?? (run.resumed ? { docs: run.resumed.docs, position: run.resumed.position } : null);
  if (at === null) return e;
  const of = run.total !== undefined ? ` of ${groupDigits(run.total)}` : '';
  return new FillFailed(
    `filling ${index} was interrupted at ${groupDigits(at.docs)}${of} documents (${positionWords(at.position, groupDigits)}); nothing was activated, and the next run resumes from there`,
    e.docsAffected,
    true,
  );
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

async function viaSource(
  s: Session,
  cluster: Cluster,
  manifest: Manifest,
  source: DocumentSource,
  index: string,
  since: string | null,
  opts: FillOptions,
  run: FillRun,
): Promise<number> {
  const { total, resumed, checkpoints: cps, deletions } = run;
  const base = resumed?.docs ?? 0;
  opts.onStart?.({ total, ...(resumed ? { resumedFrom: resumed } : {}) });
  const t0 = Date.now();
  let indexed = 0;
  const { deletedField, idField } = manifest.spec;
  const read = source.read({ since, ...(s.signal ? { signal: s.signal } : {}), ...(resumed ? { after: resumed.position } : {}) });
  // Documents flagged by deletedField are deleted from the instance, not indexed (SPEC §3 "Deletions").
  const res = await cluster.bulkWrite({
    index,
    docs: deletedField && idField ? withoutDeletions(read, deletedField, idField, deletions) : read,
    ...(manifest.spec.idField ? { idField: manifest.spec.idField } : {}),
    batchSize: opts.batchSize ?? BATCH_SIZE,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(s.signal ? { signal: s.signal } : {}),
    ...unavailableWaits(s, manifest.name, index, opts),
    ...(cps && read.position
      ? {
          positionAt: () => read.position!(),
          onCheckpoint: ({ position, written }: { position: unknown; written: number }) => {
            if (position !== null) cps.reached({ position: position as SourcePosition, docs: base + written });
          },
        }
      : {}),
    onProgress: (p) => {
      indexed = p.done - p.failed;
      opts.onProgress?.({ done: base + p.done, total, failed: p.failed, elapsedMs: Date.now() - t0, ...(resumed ? { resumedFrom: base } : {}) });
    },
  }).catch((e: unknown) => {
    // A source error (a malformed line…) or a cluster error after retries: the journal still
    // says how many documents made it in before the stop.
    throw withDocsAffected(e, base + indexed);
  });
  if (res.aborted) throw new FillFailed(`filling ${index} was interrupted after ${base + res.indexed} documents; nothing was activated`, base + res.indexed, true);
  if (res.failed > 0) {
    throw new FillFailed(`${res.failed} of ${res.indexed + res.failed} documents failed to index into ${index}: ${firstErrors(res.errors)}`, base + res.indexed);
  }
  if (deletions.length > 0) await cluster.deleteDocs(index, deletions.splice(0), s.signal ? { signal: s.signal } : {});
  return base + res.indexed;
}

/**
 * How the bulk writer treats documents whose shard is unavailable (a node left): re-sent
 * for up to `--wait-timeout`, and said once per batch, so that a stalled fill is not silent.
 */
function unavailableWaits(
  s: Session,
  master: string,
  index: string,
  opts: FillOptions,
): { unavailableTimeoutMs?: number; onUnavailable: (u: { items: number; reason: string }) => void } {
  return {
    ...(opts.waitTimeoutMs !== undefined ? { unavailableTimeoutMs: opts.waitTimeoutMs } : {}),
    onUnavailable: (u) =>
      s.emit({
        kind: 'note',
        message: `${master}: ${groupDigits(u.items)} document${u.items === 1 ? '' : 's'} for ${index} wait for a shard that is unavailable (${u.reason}); esm sends them again until it is back${opts.waitTimeoutMs !== undefined ? `, at most ${formatDuration(opts.waitTimeoutMs)}` : ''}`,
      }),
  };
}

/** The documents of `docs` that are not deletions; the ids of the deletions are pushed to `deleted`. */
async function* withoutDeletions(docs: AsyncIterable<Doc>, deletedField: string, idField: string, deleted: string[]): AsyncGenerator<Doc> {
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
  for await (const id of cluster.scanIds(from, { query: { bool: { filter } }, ...(s.signal ? { signal: s.signal } : {}) })) ids.push(id);
  await cluster.deleteDocs(index, ids, s.signal ? { signal: s.signal } : {});
}

/**
 * The source's write mark before a full reindex fill copies anything, kept only when the
 * instance had never been written to: then every document it will hold comes from the source
 * as it was at this mark or later. A resumed fill keeps the mark of the fill it resumes (the
 * earliest); one whose stopped fill recorded none has none.
 */
async function sourceMarkBefore(cluster: Cluster, index: string, from: string, resumedFrom: SourcePosition | undefined): Promise<string | undefined> {
  if (resumedFrom) return resumedFrom.kind === 'task' ? resumedFrom.sourceMark : undefined;
  const instance = await cluster.writeMark(index);
  if (instance === null || !neverWritten(instance)) return undefined;
  return (await cluster.writeMark(from)) ?? undefined;
}

async function viaReindex(s: Session, cluster: Cluster, manifest: Manifest, index: string, since: string | null, opts: FillOptions, run: FillRun): Promise<number> {
  const src = manifest.spec.source;
  if (src?.type !== 'reindex') throw new RuntimeError('internal: viaReindex without a reindex source');
  const from = opts.from ?? s.alias(src.from === 'active' ? manifest.name : src.from);
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
  const t0 = Date.now();
  let copied = 0;
  let attachedAt = 0;
  // The step starts once the copy's task is known (a re-attached one goes on from its count); a client-side copy at its first progress.
  const started = (resumedFrom?: Resumed) => opts.onStart?.({ total: undefined, ...(resumedFrom ? { resumedFrom } : {}) });
  const resumeTask = since === null && opts.resume?.position.kind === 'task' ? opts.resume.position.task : undefined;
  if (since === null) run.sourceMark = await sourceMarkBefore(cluster, index, from, opts.resume?.position);
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
    ...(resumeTask ? { resumeTask } : {}),
    onTask: (t) => {
      const position: SourcePosition = { kind: 'task', task: t.id, from, ...(run.sourceMark !== undefined ? { sourceMark: run.sourceMark } : {}) };
      if (since === null) s.emit({ kind: 'note', message: taskWords(t, from, index) });
      attachedAt = t.how === 'started' ? 0 : t.written;
      if (t.startedAt !== undefined) run.taskStartedAt = t.startedAt;
      started(t.how === 'started' ? undefined : { docs: t.written, position });
      // A full fill records its task at once: a run killed from now on finds it by this id.
      if (run.checkpoints) {
        run.checkpoints.reached({ position, docs: t.written });
        void run.checkpoints.saveNow();
      }
    },
    ...unavailableWaits(s, manifest.name, index, opts),
    onProgress: (p) => {
      copied = p.done;
      started();
      if (run.checkpoints) {
        const last = run.checkpoints.last();
        if (last?.position.kind === 'task') run.checkpoints.reached({ position: last.position, docs: p.done });
      }
      opts.onProgress?.({ done: p.done, total: p.total, failed: 0, elapsedMs: Date.now() - t0, ...(attachedAt > 0 ? { resumedFrom: attachedAt } : {}) });
    },
  }).catch((e: unknown) => {
    throw withDocsAffected(e, copied);
  });
  started();
  if (res.aborted) {
    const how = res.via === 'server' ? ': its task was cancelled, so the next run copies again from the start' : '';
    throw new FillFailed(`reindexing into ${index} was interrupted after ${groupDigits(res.created)} documents${how}`, res.created, true);
  }
  if (res.failed > 0) throw new FillFailed(`${res.failed} documents failed to reindex from ${from} into ${index}: ${firstErrors(res.errors)}`, res.created);
  return res.created;
}

/** What became of the reindex task of a stopped fill (or of one already running into the instance), in words. */
function taskWords(t: ReindexTask, from: string, index: string): string {
  switch (t.how) {
    case 'attached':
      return `re-attached to the reindex task ${t.id} copying ${from} into ${index} (${t.why}): it had written ${groupDigits(t.written)} documents; no second copy is started`;
    case 'finished':
      return `the reindex task ${t.id} copying ${from} into ${index} completed meanwhile: ${groupDigits(t.written)} documents`;
    case 'started':
      return t.why ? `${t.why}: a new reindex task ${t.id} copies ${from} into ${index} from the start` : `reindex task ${t.id} copies ${from} into ${index}`;
    default:
      return assertNever(t.how, 'task');
  }
}
