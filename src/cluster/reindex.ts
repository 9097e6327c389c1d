/**
 * Fill an index from another one (SPEC §3, source type `reindex`).
 *
 * - Server side, when the cluster has the reindex module: `POST _reindex` with
 *   `wait_for_completion=false` and `slices=auto`, then `GET _tasks/<id>` every
 *   `pollMs` for progress; the task's failures are reported, a failed task
 *   throws, an abort cancels the task.
 * - Client side otherwise (Elasticsearch's integ-test distribution, some
 *   managed offerings): a point-in-time scan of the source piped into the bulk
 *   writer, keeping every `_id`; `query` is honoured, a `script` is refused
 *   (scripts run only inside the reindex module).
 */
import { ClusterError, RuntimeError } from '../errors.js';
import { bulkWriteHits, connOf, type BulkItemError, type ClientOrConn } from './bulk.js';
import type { Conn } from './conn.js';
import { esError, sleep } from './retry.js';
import { scan } from './scan.js';
import { BATCH_SIZE } from './batch-size.js';

export interface ReindexOptions {
  /** Concrete index (or alias) to copy from. */
  source: string;
  /** Index to copy into. */
  dest: string;
  /** Only the documents matching this query. */
  query?: Record<string, unknown>;
  /** A reindex script (`{ source, lang, params }`, or its source as a string); needs the reindex module. */
  script?: Record<string, unknown> | string;
  capabilities: { reindex: boolean };
  signal?: AbortSignal;
  onProgress?: (p: ReindexProgress) => void;
  /** Delay between two reads of the task's status (server side; default 1000 ms). */
  pollMs?: number;
  /** Client side: documents per page and per bulk request (default BATCH_SIZE). */
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

const MAX_REPORTED_ERRORS = 10;

export async function runReindex(client: ClientOrConn, opts: ReindexOptions): Promise<ReindexResult> {
  const conn = connOf(client);
  return opts.capabilities.reindex ? serverReindex(conn, opts) : clientReindex(conn, opts);
}

/** The `_reindex` request body (pure). */
export function reindexBody(opts: Pick<ReindexOptions, 'source' | 'dest' | 'query' | 'script'>): Record<string, unknown> {
  return {
    source: { index: opts.source, ...(opts.query ? { query: opts.query } : {}) },
    dest: { index: opts.dest },
    ...(opts.script !== undefined ? { script: typeof opts.script === 'string' ? { source: opts.script } : opts.script } : {}),
  };
}

interface TaskStatus {
  total?: number;
  created?: number;
  updated?: number;
}
interface ReindexFailure {
  id?: string;
  status?: number;
  cause?: { type?: string; reason?: string };
  reason?: { type?: string; reason?: string };
}
interface TaskResponse {
  completed?: boolean;
  task?: { status?: TaskStatus };
  response?: TaskStatus & { failures?: ReindexFailure[] };
  error?: unknown;
}

async function serverReindex(conn: Conn, opts: ReindexOptions): Promise<ReindexResult> {
  const { source, dest, signal } = opts;
  const pollMs = Math.max(10, opts.pollMs ?? 1000);
  const what = `reindexing ${source} into ${dest}`;
  const started = (await conn.call(`starting ${what}`, () =>
    conn.client.transport.request({
      method: 'POST',
      path: '/_reindex',
      querystring: { wait_for_completion: false, slices: 'auto' },
      body: reindexBody(opts),
    }),
  )) as { task?: string };
  const taskId = started.task;
  if (!taskId) throw new ClusterError(`Elasticsearch at ${conn.url} started no task while ${what}`, { url: conn.url });
  const taskPath = `/_tasks/${encodeURIComponent(taskId)}`;

  let done = 0;
  for (;;) {
    if (signal?.aborted) {
      await conn.call(`cancelling task ${taskId} (${what})`, () =>
        conn.client.transport.request({ method: 'POST', path: `${taskPath}/_cancel`, querystring: { wait_for_completion: true } }),
      );
      return { created: done, failed: 0, errors: [], aborted: true, via: 'server' };
    }
    const t = (await conn.call(`reading task ${taskId} (${what})`, () =>
      conn.client.transport.request({ method: 'GET', path: taskPath }),
    )) as TaskResponse;
    const status = t.completed && t.response ? t.response : (t.task?.status ?? {});
    done = (status.created ?? 0) + (status.updated ?? 0);
    opts.onProgress?.({ done, total: t.completed || status.total ? (status.total ?? 0) : undefined });
    if (t.completed) {
      if (t.error) {
        const { type, reason } = esError({ error: t.error });
        throw new ClusterError(`${what} failed: ${[type, reason].filter(Boolean).join(': ') || 'unknown error'}`, { url: conn.url, type });
      }
      const failures = t.response?.failures ?? [];
      return {
        created: done,
        failed: failures.length,
        errors: failures.slice(0, MAX_REPORTED_ERRORS).map(failureOf),
        aborted: false,
        via: 'server',
      };
    }
    await sleep(pollMs, signal).catch(() => undefined);
  }
}

function failureOf(f: ReindexFailure): BulkItemError {
  const e = f.cause ?? f.reason ?? {};
  return { id: f.id ?? null, status: f.status ?? 0, type: e.type ?? 'unknown', reason: e.reason ?? '' };
}

async function clientReindex(conn: Conn, opts: ReindexOptions): Promise<ReindexResult> {
  const { source, dest, query, signal } = opts;
  if (opts.script !== undefined) {
    throw new RuntimeError(
      `reindex scripts need the reindex module on the cluster, which ${conn.url} does not have: remove spec.source.script, or fill ${dest} from another source`,
    );
  }
  const counted = (await conn.call(`counting the documents of ${source}`, () =>
    conn.client.count({ index: source, ...(query ? { query: query as never } : {}) }),
  )) as { count: number };
  const total = counted.count;
  const result = await bulkWriteHits(conn, {
    index: dest,
    hits: scan(conn, source, { query, pageSize: opts.batchSize ?? BATCH_SIZE, signal }),
    batchSize: opts.batchSize ?? BATCH_SIZE,
    concurrency: opts.concurrency,
    signal,
    onProgress: ({ done }) => opts.onProgress?.({ done, total }),
  });
  return { created: result.indexed, failed: result.failed, errors: result.errors, aborted: result.aborted, via: 'client' };
}
