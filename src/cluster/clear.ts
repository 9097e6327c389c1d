/**
 * Remove every document of an index, keeping its schema (`esm clear`).
 * With the reindex module: `_delete_by_query` as a task, polled for progress.
 * Without it (e.g. a minimal distribution): scan the ids, delete them with bulk
 * requests, refresh.
 */
import { assertNever, ClusterError } from '../errors.js';
import { indexPath, type Conn } from './conn.js';
import type { Capabilities } from './info.js';
import { count, refresh } from './indices.js';
import { backoffDelay, esError, sleep, withRetry } from './retry.js';
import { scan } from './scan.js';
import { POLL_MS, watchTask } from './tasks.js';

export interface ClearProgress {
  deleted: number;
  total: number;
}

export interface ClearOptions {
  signal?: AbortSignal;
  onProgress?: (p: ClearProgress) => void;
  /** Ids per bulk request in the fallback path (default 1000). */
  batchSize?: number;
  /** Delay between two reads of the task (`_delete_by_query` path; default POLL_MS). */
  pollMs?: number;
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

async function deleteByQuery(conn: Conn, index: string, opts: ClearOptions): Promise<{ deleted: number }> {
  const { signal } = opts;
  const what = `clearing ${index}`;
  const started = await conn.request<{ task?: string }>(
    `starting delete-by-query on ${index}`,
    {
      method: 'POST',
      path: `${indexPath(index)}/_delete_by_query`,
      querystring: { conflicts: 'proceed', refresh: true, wait_for_completion: false, slices: 'auto' },
      body: { query: { match_all: {} } },
    },
    { signal },
  );
  if (!started.task) throw new ClusterError(`${conn.engine.label} at ${conn.url} started no task while ${what}`, { url: conn.url });
  const end = await watchTask(conn, started.task, {
    what,
    ...(signal ? { signal } : {}),
    pollMs: opts.pollMs ?? POLL_MS,
    onProgress: (p) => opts.onProgress?.({ deleted: p.deleted, total: p.total ?? 0 }),
  });
  if (end.aborted) signal?.throwIfAborted();
  if (end.failures.length > 0) {
    const first = end.failures[0]!;
    throw new ClusterError(`${what} failed for ${end.failures.length} document(s): ${first.type} ${first.reason}`.trim(), { url: conn.url, type: first.type });
  }
  opts.onProgress?.({ deleted: end.deleted, total: end.total ?? end.deleted });
  return { deleted: end.deleted };
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
  for await (const hit of scan(conn, index, { sourceIncludes: [], pageSize: batchSize, ...(signal ? { signal } : {}) })) {
    batch.push({ _index: hit._index, _id: hit._id });
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await refresh(conn, index);
  return { deleted };
}

export interface DeleteDocsOptions {
  signal?: AbortSignal;
  /** Ids per bulk request (default 1000). */
  batchSize?: number;
  /** Refresh the index afterwards (default true; a caller deleting batch after batch refreshes once at the end). */
  refresh?: boolean;
}

/** Delete documents of `index` by id, in bulk requests of `batchSize`, then refresh. Returns how many were deleted. */
export async function deleteDocs(conn: Conn, index: string, ids: readonly string[], opts: DeleteDocsOptions = {}): Promise<number> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1000));
  let deleted = 0;
  for (let i = 0; i < ids.length; i += batchSize) {
    deleted += await bulkDelete(conn, ids.slice(i, i + batchSize).map((_id) => ({ _index: index, _id })), opts.signal);
  }
  if (ids.length > 0 && (opts.refresh ?? true)) await refresh(conn, index);
  return deleted;
}

/**
 * Delete these documents; items rejected with 429 are re-sent with backoff. Returns how
 * many were deleted. A request whose answer was lost may have been executed: before it
 * is sent again, the documents still there are read (real-time), and those gone count
 * as deleted by it — a re-sent delete would only find them missing.
 */
async function bulkDelete(conn: Conn, docs: Array<{ _index: string; _id: string }>, signal?: AbortSignal): Promise<number> {
  let pending = docs;
  let deleted = 0;
  const what = `deleting documents of ${docs[0]!._index}`;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const res = await withRetry(
      async (send) => {
        if (send > 1) {
          const present = await stillThere(conn, pending, signal);
          deleted += pending.length - present.length;
          pending = present;
          if (pending.length === 0) return { items: [] } satisfies BulkDeleteResponse;
        }
        const body = pending.map((d) => JSON.stringify({ delete: { _index: d._index, _id: d._id } })).join('\n') + '\n';
        return conn.send<BulkDeleteResponse>(
          { method: 'POST', path: '/_bulk', querystring: { filter_path: 'errors,items.*.status,items.*.result,items.*.error' }, bulkBody: body },
          { signal },
        );
      },
      conn.retry,
      conn.context(what, signal),
    );
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
          ...(type ? { type } : {}),
        });
      }
    }
    pending = rejected;
    if (pending.length > 0) await sleep(backoffDelay(attempt, conn.retry), signal);
  }
  return deleted;
}

/** Which of these ids `index` holds now (real-time `_mget`): how a later run counts a delete whose answer it never got. */
export async function idsPresent(conn: Conn, index: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const present = await conn.request<{ docs?: Array<{ _id?: string; found?: boolean }> }>(`looking for ${ids.length} documents in ${index}`, {
    method: 'POST',
    path: '/_mget',
    querystring: { _source: false, filter_path: 'docs._id,docs.found' },
    body: { docs: ids.map((_id) => ({ _index: index, _id })) },
  });
  return ids.filter((_, i) => present.docs?.[i]?.found === true);
}

/** Which of these documents exist now (`_mget` is real-time: no refresh needed). */
async function stillThere(conn: Conn, docs: Array<{ _index: string; _id: string }>, signal?: AbortSignal): Promise<Array<{ _index: string; _id: string }>> {
  const res = await conn.send<{ docs?: Array<{ found?: boolean }> }>(
    { method: 'POST', path: '/_mget', querystring: { _source: false, filter_path: 'docs.found' }, body: { docs: docs.map((d) => ({ _index: d._index, _id: d._id })) } },
    { signal },
  );
  return docs.filter((_, i) => res.docs?.[i]?.found !== false);
}
