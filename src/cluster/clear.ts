/**
 * Remove every document of an index, keeping its schema (`esm clear`).
 * With the reindex module: `_delete_by_query` as a task, polled for progress.
 * Without it (e.g. a minimal distribution): scan the ids, delete them with bulk
 * requests, refresh.
 */
import { assertNever, ClusterError } from '../errors.js';
import type { Conn } from './conn.js';
import type { Capabilities } from './info.js';
import { count, refresh } from './indices.js';
import { backoffDelay, esError, sleep } from './retry.js';
import { scan } from './scan.js';

export interface ClearProgress {
  deleted: number;
  total: number;
}

export interface ClearOptions {
  signal?: AbortSignal;
  onProgress?: (p: ClearProgress) => void;
  /** Ids per bulk request in the fallback path (default 1000). */
  batchSize?: number;
}

export type ClearPath = 'delete_by_query' | 'scan_and_bulk_delete';

/** Which way to clear on this cluster (pure). */
export function chooseClearPath(capabilities: Capabilities): ClearPath {
  return capabilities.deleteByQuery ? 'delete_by_query' : 'scan_and_bulk_delete';
}

export async function clearIndex(conn: Conn, index: string, capabilities: Capabilities, opts: ClearOptions = {}): Promise<{ deleted: number }> {
  const path = chooseClearPath(capabilities);
  switch (path) {
    case 'delete_by_query':
      return deleteByQuery(conn, index, opts);
    case 'scan_and_bulk_delete':
      return scanAndDelete(conn, index, opts);
    default:
      return assertNever(path, 'clear path');
  }
}

const POLL_MS = 500;

async function deleteByQuery(conn: Conn, index: string, opts: ClearOptions): Promise<{ deleted: number }> {
  const { signal } = opts;
  const started = await conn.call(
    `starting delete-by-query on ${index}`,
    () =>
      conn.client.deleteByQuery(
        { index, conflicts: 'proceed', refresh: true, wait_for_completion: false, query: { match_all: {} } },
        { signal },
      ),
    { signal },
  );
  const taskId = String(started.task);
  try {
    for (;;) {
      const t = await conn.call(`watching task ${taskId}`, () => conn.client.tasks.get({ task_id: taskId }, { signal }), { signal });
      const status = (t.task.status ?? {}) as { deleted?: number; total?: number };
      if (t.completed) {
        const r = (t.response ?? {}) as { deleted?: number; total?: number; failures?: unknown[] };
        if (t.error) {
          const { type, reason } = esError({ error: t.error });
          throw new ClusterError(`clearing ${index} failed: ${[type, reason].filter(Boolean).join(': ')}`, { url: conn.url, type });
        }
        if (r.failures && r.failures.length > 0) {
          const first = r.failures[0] as { cause?: { type?: string; reason?: string } };
          throw new ClusterError(
            `clearing ${index} failed for ${r.failures.length} document(s): ${first.cause?.type ?? ''} ${first.cause?.reason ?? ''}`.trim(),
            { url: conn.url, type: first.cause?.type },
          );
        }
        const deleted = r.deleted ?? status.deleted ?? 0;
        opts.onProgress?.({ deleted, total: r.total ?? deleted });
        return { deleted };
      }
      opts.onProgress?.({ deleted: status.deleted ?? 0, total: status.total ?? 0 });
      await sleep(POLL_MS, signal);
    }
  } catch (err) {
    if (signal?.aborted) await conn.client.tasks.cancel({ task_id: taskId }).catch(() => undefined);
    throw err;
  }
}

interface BulkDeleteResponse {
  errors?: boolean;
  items?: Array<{ delete?: { _id?: string; status: number; result?: string; error?: { type?: string; reason?: string } } }>;
}

async function scanAndDelete(conn: Conn, index: string, opts: ClearOptions): Promise<{ deleted: number }> {
  const { signal } = opts;
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1000));
  const total = await count(conn, index);
  let deleted = 0;
  opts.onProgress?.({ deleted, total });
  let batch: Array<{ _index: string; _id: string }> = [];
  const flush = async () => {
    deleted += await bulkDelete(conn, batch, signal);
    batch = [];
    opts.onProgress?.({ deleted, total: Math.max(total, deleted) });
  };
  for await (const hit of scan(conn, index, { sourceIncludes: [], pageSize: batchSize, signal })) {
    batch.push({ _index: hit._index, _id: hit._id });
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await refresh(conn, index);
  return { deleted };
}

/** Delete these documents; items rejected with 429 are re-sent with backoff. Returns how many were deleted. */
async function bulkDelete(conn: Conn, docs: Array<{ _index: string; _id: string }>, signal?: AbortSignal): Promise<number> {
  let pending = docs;
  let deleted = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const body = pending.map((d) => JSON.stringify({ delete: { _index: d._index, _id: d._id } })).join('\n') + '\n';
    const res = (await conn.call(
      `deleting documents of ${docs[0]!._index}`,
      () =>
        conn.client.transport.request(
          { method: 'POST', path: '/_bulk', querystring: { filter_path: 'errors,items.*.status,items.*.result,items.*.error' }, bulkBody: body },
          { signal },
        ),
      { signal },
    )) as BulkDeleteResponse;
    const rejected: typeof pending = [];
    for (let i = 0; i < pending.length; i++) {
      const r = res.items?.[i]?.delete;
      if (!r) continue;
      if (r.status < 300) deleted++;
      else if (r.status === 404) continue; // already gone
      else if (r.status === 429 && attempt < conn.retry.tries) rejected.push(pending[i]!);
      else {
        const { type, reason } = esError({ error: r.error });
        throw new ClusterError(`cannot delete document ${pending[i]!._id} of ${pending[i]!._index}: ${r.status} ${[type, reason].filter(Boolean).join(': ')}`, {
          url: conn.url,
          status: r.status,
          type,
        });
      }
    }
    pending = rejected;
    if (pending.length > 0) await sleep(backoffDelay(attempt, conn.retry), signal);
  }
  return deleted;
}
