/**
 * Fill an index from another one (SPEC §3, source type `reindex`).
 *
 * - Server side, when the cluster has the reindex module: `POST _reindex` with
 *   `wait_for_completion=false`, `slices` (default auto) and `requests_per_second`,
 *   then the task is watched (tasks.ts: progress from its running slices); its
 *   failures are reported, a failed task throws, an abort cancels the task.
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
import { POLL_MS, watchTask } from './tasks.js';

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
  const started = await conn.request<{ task?: string }>(`starting ${what}`, {
    method: 'POST',
    path: '/_reindex',
    querystring: reindexQuery(opts),
    body: reindexBody(opts),
  });
  const taskId = started.task;
  if (!taskId) throw new ClusterError(`${conn.engine.label} at ${conn.url} started no task while ${what}`, { url: conn.url });
  const end = await watchTask(conn, taskId, {
    what,
    ...(signal ? { signal } : {}),
    pollMs: Math.max(10, opts.pollMs ?? POLL_MS),
    onProgress: (p) => opts.onProgress?.({ done: p.written, total: p.total }),
  });
  return { created: end.written, failed: end.failed, errors: end.failures, aborted: end.aborted, via: 'server' };
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
