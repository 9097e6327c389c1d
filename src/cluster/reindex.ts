/**
 * Fill an index from another one (SPEC §3, source type `reindex`).
 *
 * - Server side, when the cluster has the reindex module: `POST _reindex` with
 *   `wait_for_completion=false`, `slices` (default auto) and `requests_per_second`,
 *   then the task is watched (tasks.ts: progress from its running slices); its
 *   failures are reported, a failed task throws, an abort cancels the task.
 * - A task outlives esm: a fill killed while its task ran finds it again — by the
 *   task id its checkpoint recorded (`resumeTask`), or else by its description
 *   (`reindex from [...] to [<dest>]`) — and watches it instead of starting a second
 *   copy; a task that completed gives its result. One that failed, was cancelled or
 *   is gone is started again, and `onTask` says why.
 * - Client side otherwise (Elasticsearch's integ-test distribution, some
 *   managed offerings): a scan of the source piped into the bulk writer, keeping
 *   every `_id`; `query` and `requestsPerSecond` are honoured, `slices` has no
 *   meaning there, a `script` is refused (scripts run only inside the reindex module).
 */
import { ClusterError, RuntimeError } from '../errors.js';
import { bulkWriteHits, type BulkItemError } from './bulk.js';
import type { Conn } from './conn.js';
import { count } from './indices.js';
import { BATCH_SIZE } from './batch-size.js';
import { sleep } from './retry.js';
import { scan } from './scan.js';
import { POLL_MS, runningProgress, taskOutcome, watchTask, type TaskCounts, type TaskEnd, type TaskProgress, type TaskResponse } from './tasks.js';

export interface ReindexOptions {
  /** Concrete index (or alias) to copy from. */
  source: string;
  /** Index to copy into. */
  dest: string;
  /** Only the documents matching this query. */
  query?: Record<string, unknown>;
  /** A reindex script (`{ source, lang, params }`, or its source as a string); needs the reindex module. */
  script?: Record<string, unknown> | string;
  /** Server side: slices of the task (default `auto`: one a shard). */
  slices?: number | 'auto';
  /** Server side: throttle to this many documents a second (default: unthrottled). */
  requestsPerSecond?: number;
  capabilities: { reindex: boolean };
  signal?: AbortSignal;
  onProgress?: (p: ReindexProgress) => void;
  /** Delay between two reads of the task's status (server side; default POLL_MS). */
  pollMs?: number;
  /** Documents per batch: the task's scroll size (server side, default 1000), the page and bulk size (client side, default BATCH_SIZE). */
  batchSize?: number;
  /** Client side: bulk requests in flight (default 2). */
  concurrency?: number;
  /** Server side: the task a stopped fill started (its checkpoint): re-attached to, never started again. */
  resumeTask?: string;
  /** Server side: the task the copy runs as, once known (started, re-attached to, or found finished). */
  onTask?: (t: ReindexTask) => void;
  /** Client side: how long documents whose shard is unavailable are re-sent (see BulkWriteBaseOptions). */
  unavailableTimeoutMs?: number;
  onUnavailable?: (info: { items: number; reason: string }) => void;
}

/** The server task of a copy, and how this run came to it. */
export interface ReindexTask {
  id: string;
  /** `started`: a new task; `attached`: one still running; `finished`: one that had completed already. */
  how: 'started' | 'attached' | 'finished';
  /** Attached to: how it was found. Started although a task was asked for: why that one could not be used. */
  why?: string;
  /** Documents the task had written when this run came to it. */
  written: number;
  /** When the task started (epoch ms), for one this run did not start. */
  startedAt?: number;
}

export interface ReindexProgress {
  done: number;
  total: number | undefined;
}

export interface ReindexResult {
  /** Documents written into `dest` (created or updated). */
  created: number;
  failed: number;
  /** The first ten failures. */
  errors: BulkItemError[];
  aborted: boolean;
  via: 'server' | 'client';
}

/** Which way a reindex runs on a cluster (pure): the plan says so too. */
export function reindexPath(capabilities: { reindex: boolean }): 'server' | 'client' {
  return capabilities.reindex ? 'server' : 'client';
}

export async function runReindex(conn: Conn, opts: ReindexOptions): Promise<ReindexResult> {
  return reindexPath(opts.capabilities) === 'server' ? serverReindex(conn, opts) : clientReindex(conn, opts);
}

/** The `_reindex` request body (pure). */
export function reindexBody(opts: Pick<ReindexOptions, 'source' | 'dest' | 'query' | 'script' | 'batchSize'>): Record<string, unknown> {
  return {
    source: { index: opts.source, ...(opts.query ? { query: opts.query } : {}), ...(opts.batchSize !== undefined ? { size: opts.batchSize } : {}) },
    dest: { index: opts.dest },
    ...(opts.script !== undefined ? { script: typeof opts.script === 'string' ? { source: opts.script } : opts.script } : {}),
  };
}

/** The `_reindex` query string (pure). */
export function reindexQuery(opts: Pick<ReindexOptions, 'slices' | 'requestsPerSecond'>): Record<string, string | number | boolean> {
  return {
    wait_for_completion: false,
    slices: opts.slices ?? 'auto',
    ...(opts.requestsPerSecond !== undefined ? { requests_per_second: opts.requestsPerSecond } : {}),
  };
}

async function serverReindex(conn: Conn, opts: ReindexOptions): Promise<ReindexResult> {
  const { source, dest, signal } = opts;
  const what = `reindexing ${source} into ${dest}`;
  let task = await existingTask(conn, dest, opts.resumeTask, what);
  if (task === null || 'unusable' in task) {
    const why = task?.unusable;
    const started = await conn.request<{ task?: string }>(`starting ${what}`, {
      method: 'POST',
      path: '/_reindex',
      querystring: reindexQuery(opts),
      body: reindexBody(opts),
    });
    if (!started.task) throw new ClusterError(`${conn.engine.label} at ${conn.url} started no task while ${what}`, { url: conn.url });
    task = { id: started.task, how: 'started', written: 0, ...(why ? { why } : {}) } satisfies ReindexTask;
  }
  const { end: finished, ...shown } = task as ReindexTask & { end?: TaskEnd };
  opts.onTask?.(shown);
  if (finished) {
    opts.onProgress?.({ done: finished.written, total: finished.total });
    return { created: finished.written, failed: finished.failed, errors: finished.failures, aborted: false, via: 'server' };
  }
  const end = await watchTask(conn, task.id, {
    what,
    ...(signal ? { signal } : {}),
    pollMs: Math.max(10, opts.pollMs ?? POLL_MS),
    onProgress: (p) => opts.onProgress?.({ done: p.written, total: p.total }),
  });
  return { created: end.written, failed: end.failed, errors: end.failures, aborted: end.aborted, via: 'server' };
}

/**
 * The task a copy into `dest` should use instead of starting one: the stopped fill's
 * (`resumeTask`) when it still runs or completed well, else a running reindex into
 * `dest` found by its description. `{ unusable }`: the task asked for cannot be used, and why.
 */
async function existingTask(conn: Conn, dest: string, resumeTask: string | undefined, what: string): Promise<(ReindexTask & { end?: TaskEnd }) | { unusable: string } | null> {
  let why: string | undefined;
  if (resumeTask !== undefined) {
    const state = await taskState(conn, resumeTask, what);
    switch (state.kind) {
      case 'running':
        return { id: resumeTask, how: 'attached', why: 'its id was recorded by the stopped fill', written: state.progress.written, ...(state.startedAt ? { startedAt: state.startedAt } : {}) };
      case 'completed':
        return { id: resumeTask, how: 'finished', written: state.end.written, end: state.end };
      case 'unusable':
        why = `the reindex task ${resumeTask} of the stopped fill ${state.why}`;
    }
  }
  const running = await runningReindexInto(conn, dest, what);
  if (running) return { id: running.id, how: 'attached', why: `found by its description "${running.description}"`, written: running.written, ...(running.startedAt ? { startedAt: running.startedAt } : {}) };
  return why ? { unusable: why } : null;
}

type TaskState = { kind: 'running'; progress: TaskProgress; startedAt?: number } | { kind: 'completed'; end: TaskEnd } | { kind: 'unusable'; why: string };

/** Whether a task still runs, completed well (its counts), or cannot be used (failed, cancelled, gone). */
async function taskState(conn: Conn, id: string, what: string): Promise<TaskState> {
  let t: TaskResponse;
  try {
    t = await conn.request<TaskResponse>(`reading task ${id} (${what})`, { method: 'GET', path: `/_tasks/${encodeURIComponent(id)}` });
  } catch (e) {
    if (e instanceof ClusterError && e.details.status === 404) return { kind: 'unusable', why: 'is gone (the cluster kept no result of it)' };
    throw e;
  }
  if (!t.completed) {
    const startedAt = t.task?.start_time_in_millis;
    return { kind: 'running', progress: runningProgress(t.task?.status ?? {}, []), ...(startedAt ? { startedAt } : {}) };
  }
  const ended = taskOutcome(t);
  return 'why' in ended ? { kind: 'unusable', why: ended.why } : { kind: 'completed', end: ended };
}

/** A top-level reindex task running into `dest` (found by the description the engine gives it), or null. */
async function runningReindexInto(conn: Conn, dest: string, what: string): Promise<{ id: string; description: string; written: number; startedAt?: number } | null> {
  const list = await conn.request<{
    nodes?: Record<string, { tasks?: Record<string, { description?: string; parent_task_id?: string; cancelled?: boolean; status?: TaskCounts; start_time_in_millis?: number }> }>;
  }>(
    `looking for a reindex task already running into ${dest} (${what})`,
    { method: 'GET', path: '/_tasks', querystring: { actions: '*reindex', detailed: true } },
  );
  for (const node of Object.values(list.nodes ?? {})) {
    for (const [id, t] of Object.entries(node.tasks ?? {})) {
      if (t.parent_task_id || t.cancelled || !isReindexInto(t.description, dest)) continue;
      return {
        id,
        description: t.description!,
        written: (t.status?.created ?? 0) + (t.status?.updated ?? 0),
        ...(t.start_time_in_millis ? { startedAt: t.start_time_in_millis } : {}),
      };
    }
  }
  return null;
}

/** `reindex from [src] to [dest]` (or `… updated with Script{…} to [dest]`): the engines' description of a reindex into `dest` (pure). */
export function isReindexInto(description: string | undefined, dest: string): boolean {
  return description !== undefined && description.startsWith('reindex from ') && description.endsWith(` to [${dest}]`);
}

async function clientReindex(conn: Conn, opts: ReindexOptions): Promise<ReindexResult> {
  const { source, dest, query, signal } = opts;
  if (opts.script !== undefined) {
    throw new RuntimeError(
      `reindex scripts need the reindex module on the cluster, which ${conn.url} does not have: remove spec.source.script, or fill ${dest} from another source`,
    );
  }
  const total = await count(conn, source, query);
  const result = await bulkWriteHits(conn, {
    index: dest,
    hits: throttled(scan(conn, source, { ...(query ? { query } : {}), pageSize: opts.batchSize ?? BATCH_SIZE, ...(signal ? { signal } : {}) }), opts.requestsPerSecond, signal),
    batchSize: opts.batchSize ?? BATCH_SIZE,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(signal ? { signal } : {}),
    ...(opts.unavailableTimeoutMs !== undefined ? { unavailableTimeoutMs: opts.unavailableTimeoutMs } : {}),
    ...(opts.onUnavailable ? { onUnavailable: opts.onUnavailable } : {}),
    onProgress: ({ done }) => opts.onProgress?.({ done, total }),
  });
  return { created: result.indexed, failed: result.failed, errors: result.errors, aborted: result.aborted, via: 'client' };
}

/** The items of `it` at no more than `perSecond` a second (all at once without a rate). */
async function* throttled<T>(it: AsyncIterable<T>, perSecond: number | undefined, signal?: AbortSignal): AsyncGenerator<T> {
  if (perSecond === undefined) return yield* it;
  const t0 = Date.now();
  let n = 0;
  for await (const x of it) {
    const wait = t0 + (n++ * 1000) / perSecond - Date.now();
    // Short waits are gathered into longer ones: a timer per document would cost more than it paces.
    if (wait > 20) await sleep(wait, signal);
    yield x;
  }
}
