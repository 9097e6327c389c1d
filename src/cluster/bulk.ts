/**
 * The bulk writer: fills an index from a document stream as fast as the
 * cluster takes it, with flat memory.
 *
 * - Documents are batched by count (`batchSize`) and size (`batchBytes`); the
 *   NDJSON body is built here as one string and sent with a single
 *   `POST <index>/_bulk` (response trimmed with `filter_path`).
 * - At most `concurrency` requests are in flight; the source is not read while
 *   every slot is busy, so at most `concurrency + 1` batches live in memory.
 * - Items rejected with 429 (`es_rejected_execution_exception`) are re-sent
 *   alone, with exponential backoff, up to `maxRetries` times; other failed
 *   items are counted and the first ten reported with their ids.
 * - Items rejected because their shard is unavailable (503, or the node that held
 *   it gone while they were on their way: see UNAVAILABLE_TYPES) are re-sent with backoff for as long as
 *   `unavailableTimeoutMs` allows from the first such rejection of the batch; then
 *   a ClusterError is thrown. Each request asks the engine to wait at most
 *   `timeout` (10 s, less with a short request timeout) for an unavailable shard,
 *   so that its answer comes before the request times out.
 * - A whole request answered 429/502/503/504, or lost to a connection error or
 *   timeout, is retried with backoff up to `maxRetries` times, then a
 *   ClusterError is thrown (after the other in-flight requests settled).
 * - On abort the source is no longer read, in-flight requests finish, and the
 *   result says `aborted: true`. Documents read but not sent are counted
 *   neither as indexed nor as failed.
 * - Checkpoints (`onCheckpoint`): batches finish out of order; whenever the batches
 *   written without a failed item form a longer unbroken run from the start, the
 *   position the source reported when the last of them closed is passed on —
 *   everything up to it is in the index. A failed item ends the run for good.
 */
import { fieldValue } from '../sources/doc-field.js';
import { jsonTextOf } from '../sources/json-text.js';
import type { Doc } from '../sources/types.js';
import { BATCH_SIZE } from './batch-size.js';
import { indexPath, type Conn } from './conn.js';
import { refresh } from './indices.js';
import { formatDuration } from '../config/duration.js';
import { ClusterError } from '../errors.js';
import { backoffDelay, withRetry, type RetryPolicy } from './retry.js';

export interface BulkItemError {
  /** The document's `_id` (from idField or the source index), null when Elasticsearch was to assign it. */
  id: string | null;
  /** HTTP status of the item; 0 for a document esm refused before sending it. */
  status: number;
  type: string;
  reason: string;
}

export interface BulkResult {
  indexed: number;
  failed: number;
  /** The first ten item failures. */
  errors: BulkItemError[];
  aborted: boolean;
}

export interface BulkProgress {
  /** Documents settled so far: indexed + failed. */
  done: number;
  failed: number;
}

export interface BulkWriteBaseOptions {
  index: string;
  /** Documents per request (default BATCH_SIZE). */
  batchSize?: number;
  /** Bytes of NDJSON per request (default 5 MB); a larger single document is sent alone. */
  batchBytes?: number;
  /** Requests in flight (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Retries of a rejected item or a failed request (default 6). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled at each retry, capped at 15 s (default 200). */
  retryDelayMs?: number;
  /** How long items whose shard is unavailable are re-sent, from their first rejection (default 30 min). */
  unavailableTimeoutMs?: number;
  /** Called once per batch when some of its items wait for an unavailable shard. */
  onUnavailable?: (info: { items: number; reason: string }) => void;
  /** Called after every request settles (and once at the end). */
  onProgress?: (p: BulkProgress) => void;
  /** Where the source stands just after the item last read (asked when a batch closes); opaque here, handed back by onCheckpoint. */
  positionAt?: () => unknown;
  /** Every item up to `position` is written (`written` of them, none failed): see the module's doc. */
  onCheckpoint?: (c: { position: unknown; written: number }) => void;
}

export interface BulkWriteOptions extends BulkWriteBaseOptions {
  docs: AsyncIterable<Doc>;
  /** `_id` is the string of this field's value (top-level key, or a dotted path); without it Elasticsearch assigns ids. */
  idField?: string;
}

export interface BulkWriteHitsOptions extends BulkWriteBaseOptions {
  /** Documents with their ids, e.g. the hits of a scan. */
  hits: AsyncIterable<{ _id: string; _source?: Doc }>;
}

export const BULK_DEFAULTS = {
  batchSize: BATCH_SIZE,
  batchBytes: 5 * 1024 * 1024,
  concurrency: 2,
  maxRetries: 6,
  retryDelayMs: 200,
  unavailableTimeoutMs: 30 * 60_000,
} as const;

/**
 * Item errors that say the shard was out of reach, not that the document is wrong: its
 * primary not active (503), or the node holding it gone while the item was on its way
 * (seen as `node_not_connected_exception` on OpenSearch 2.19 when a node is killed).
 */
const UNAVAILABLE_TYPES = new Set([
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'primary_missing_action_exception',
  'node_not_connected_exception',
  'node_disconnected_exception',
  'node_closed_exception',
  'connect_transport_exception',
  'send_request_transport_exception',
  'shard_not_in_primary_mode_exception',
  'retry_on_primary_exception',
]);

function shardUnavailable(r: BulkItemResponse): boolean {
  return r.status === 503 || UNAVAILABLE_TYPES.has(r.error?.type ?? '') || UNAVAILABLE_TYPES.has(r.error?.caused_by?.type ?? '');
}

/** The longest the engine is asked to wait for an unavailable shard within one bulk request. */
const SHARD_WAIT_MS = 10_000;

const MAX_REPORTED_ERRORS = 10;
const MAX_BACKOFF_MS = 15_000;

/** Write documents into `index`, taking `_id` from `idField` when given. */
export function bulkWrite(conn: Conn, opts: BulkWriteOptions): Promise<BulkResult> {
  const { idField } = opts;
  return writeItems(conn, opts, opts.docs, (doc, n) => {
    if (idField === undefined) return { id: null, doc };
    const value = fieldValue(doc, idField);
    if (value === undefined || value === null || value === '') {
      return { error: { id: null, status: 0, type: 'missing_id', reason: `document #${n} has no value in idField "${idField}"` } };
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
      return {
        error: { id: null, status: 0, type: 'invalid_id', reason: `document #${n}: idField "${idField}" holds ${Array.isArray(value) ? 'an array' : 'an object'}, not a string or number` },
      };
    }
    return { id: String(value), doc };
  });
}

/** Write documents that carry their own ids (`{ _id, _source }`), keeping the ids. */
export function bulkWriteHits(conn: Conn, opts: BulkWriteHitsOptions): Promise<BulkResult> {
  return writeItems(conn, opts, opts.hits, (hit) => ({ id: hit._id, doc: hit._source ?? {} }));
}

type ToItem<T> = (x: T, n: number) => { id: string | null; doc: Doc } | { error: BulkItemError };

/** One document ready to send: its two NDJSON lines. */
interface Item {
  id: string | null;
  lines: string;
}

/** A batch as launched: its place in the source's order and where the source stood when it closed (undefined: not asked). */
interface BatchMeta {
  seq: number;
  position: unknown;
  /** An item of it was refused before sending: the run of written batches ends before it. */
  tainted: boolean;
}

interface BulkItemResponse {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

async function writeItems<T>(conn: Conn, opts: BulkWriteBaseOptions, source: AsyncIterable<T>, toItem: ToItem<T>): Promise<BulkResult> {
  const batchSize = positive(opts.batchSize, BULK_DEFAULTS.batchSize);
  const batchBytes = positive(opts.batchBytes, BULK_DEFAULTS.batchBytes);
  const concurrency = positive(opts.concurrency, BULK_DEFAULTS.concurrency);
  const maxRetries = Math.max(0, opts.maxRetries ?? BULK_DEFAULTS.maxRetries);
  const retryDelayMs = Math.max(0, opts.retryDelayMs ?? BULK_DEFAULTS.retryDelayMs);
  const unavailableTimeoutMs = Math.max(0, opts.unavailableTimeoutMs ?? BULK_DEFAULTS.unavailableTimeoutMs);
  const { signal, index } = opts;
  // Well within one request's timeout, so that a shard that cannot be written is reported, not timed out.
  const shardWait = `${Math.max(1, Math.floor(Math.min(SHARD_WAIT_MS, (conn.context('').timeoutMs ?? 30_000) / 3) / 1000))}s`;
  const policy: RetryPolicy = {
    tries: maxRetries + 1,
    baseMs: retryDelayMs,
    maxMs: MAX_BACKOFF_MS,
    ...(conn.retry.deadlineMs !== undefined ? { deadlineMs: conn.retry.deadlineMs } : {}),
  };
  const path = indexPath(index, '/_bulk');

  const result: BulkResult = { indexed: 0, failed: 0, errors: [], aborted: false };
  const fail = (e: BulkItemError) => {
    result.failed++;
    if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(e);
  };
  const progress = () => opts.onProgress?.({ done: result.indexed + result.failed, failed: result.failed });

  /** One POST _bulk, retried as a whole on 429/5xx/connection errors; null when aborted during a backoff. */
  const post = async (items: Item[]): Promise<{ errors?: boolean; items?: Array<Record<string, BulkItemResponse>> } | null> => {
    let body = '';
    for (const item of items) body += item.lines;
    try {
      // The request itself is not aborted: a bulk the server may have started is let finish.
      return await withRetry(
        () =>
          conn.send<{ errors?: boolean; items?: Array<Record<string, BulkItemResponse>> }>({
            method: 'POST',
            path,
            querystring: { filter_path: 'errors,items.*.status,items.*.error', timeout: shardWait },
            bulkBody: body,
          }),
        policy,
        conn.context(`writing documents to ${index}`, signal),
      );
    } catch (e) {
      if (signal?.aborted) return null;
      throw e;
    }
  };

  /** Send one batch; re-send its 429-rejected items alone until they pass or retries run out. True when every item was written. */
  const send = async (batch: Item[]): Promise<boolean> => {
    let pending = batch;
    let ok = true;
    /** When an item of this batch was first refused for an unavailable shard. */
    let unavailableSince: number | null = null;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const res = await post(pending);
      if (res === null) return false;
      if (res.errors === false) {
        result.indexed += pending.length;
        break;
      }
      const rejected: Item[] = [];
      const unavailable: { items: Item[]; error?: BulkItemResponse['error'] } = { items: [] };
      for (let i = 0; i < pending.length; i++) {
        const item = pending[i]!;
        const entry = res.items?.[i];
        const r = entry ? Object.values(entry)[0] : undefined;
        if (!r) {
          ok = false;
          fail({ id: item.id, status: 0, type: 'no_response', reason: `${conn.engine.label} returned no result for this item` });
        } else if (r.status < 300) {
          result.indexed++;
        } else if (r.status === 429 && attempt < maxRetries) {
          rejected.push(item);
        } else if (shardUnavailable(r)) {
          unavailable.items.push(item);
          unavailable.error = r.error;
        } else {
          ok = false;
          const cause = r.error?.caused_by?.reason ? ` (${r.error.caused_by.reason})` : '';
          fail({ id: item.id, status: r.status, type: r.error?.type ?? 'unknown', reason: (r.error?.reason ?? `status ${r.status}`) + cause });
        }
      }
      if (unavailable.items.length > 0) {
        const reason = `${unavailable.error?.type ?? 'unavailable'}: ${unavailable.error?.reason ?? 'shard not available'}`;
        if (unavailableSince === null) {
          unavailableSince = Date.now();
          opts.onUnavailable?.({ items: unavailable.items.length, reason });
        } else if (Date.now() - unavailableSince >= unavailableTimeoutMs) {
          throw new ClusterError(
            `gave up writing documents to ${index}: ${unavailable.items.length} of them waited ${formatDuration(Date.now() - unavailableSince)} for a shard that stayed unavailable (the bound, --wait-timeout, is ${formatDuration(unavailableTimeoutMs)}): ${reason}`,
            { url: conn.url, status: 503, ...(unavailable.error?.type ? { type: unavailable.error.type } : {}) },
          );
        }
        rejected.push(...unavailable.items);
      }
      pending = rejected;
      if (pending.length > 0) {
        progress();
        if (!(await pause(backoffDelay(attempt + 1, policy), signal))) return false;
      }
    }
    progress();
    return ok;
  };

  // The unbroken run of written batches from the start (see the module's doc).
  const finished = new Map<number, { ok: boolean; count: number; position: unknown }>();
  let nextSeq = 0;
  let written = 0;
  let broken = false;
  const settle = (meta: BatchMeta, count: number, ok: boolean) => {
    if (!opts.onCheckpoint || broken) return;
    finished.set(meta.seq, { ok: ok && !meta.tainted, count, position: meta.position });
    let reached: { position: unknown; written: number } | null = null;
    for (let b = finished.get(nextSeq); b !== undefined; b = finished.get(nextSeq)) {
      finished.delete(nextSeq++);
      if (!b.ok) {
        broken = true;
        finished.clear();
        break;
      }
      written += b.count;
      if (b.position !== undefined) reached = { position: b.position, written };
    }
    if (reached) opts.onCheckpoint(reached);
  };

  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  /** Start sending a batch once a slot is free; false when the run must stop instead. */
  const launch = async (batch: Item[], meta: BatchMeta): Promise<boolean> => {
    while (inflight.size >= concurrency) await Promise.race(inflight);
    if (failure || signal?.aborted) return false;
    const p: Promise<void> = send(batch)
      .then((ok) => settle(meta, batch.length, ok))
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    return true;
  };

  /** Read the source into batches and launch them. True when every document was read and sent off. */
  const readSource = async (): Promise<boolean> => {
    let batch: Item[] = [];
    let bytes = 0;
    let n = 0;
    let seq = 0;
    let tainted = false;
    /**
     * `closedAfterLast`: the batch ends with the item last read, so the source's position is
     * just after it (a batch closed to make room for the item just read is not: no position).
     */
    const flush = async (closedAfterLast: boolean): Promise<boolean> => {
      const meta: BatchMeta = { seq: seq++, position: closedAfterLast ? opts.positionAt?.() : undefined, tainted };
      const launched = await launch(batch, meta);
      batch = [];
      bytes = 0;
      tainted = false;
      return launched;
    };
    for await (const x of source) {
      if (signal?.aborted || failure) return false;
      n++;
      const made = toItem(x, n);
      if ('error' in made) {
        fail(made.error);
        tainted = true;
        continue;
      }
      let lines: string;
      try {
        // A line read as JSON goes as it was read; anything else is serialised here.
        lines = actionLine(made.id) + (jsonTextOf(made.doc) ?? JSON.stringify(made.doc)) + '\n';
      } catch (e) {
        fail({ id: made.id, status: 0, type: 'serialization', reason: `document #${n} cannot be written as JSON: ${(e as Error).message}` });
        tainted = true;
        continue;
      }
      const size = Buffer.byteLength(lines);
      if (batch.length > 0 && bytes + size > batchBytes && !(await flush(false))) return false;
      batch.push({ id: made.id, lines });
      bytes += size;
      if (batch.length >= batchSize && !(await flush(true))) return false;
    }
    // A source that ends early because the signal aborted has not been read to its end.
    if (signal?.aborted) return false;
    return batch.length === 0 || (await flush(true));
  };

  let complete = false;
  let sourceError: { error: unknown } | undefined;
  try {
    complete = !signal?.aborted && (await readSource());
  } catch (error) {
    // A source may also stop by throwing once the signal aborted: that is an abort, not a failure.
    if (!signal?.aborted) sourceError = { error };
  }
  // Whatever happened, the requests already sent finish.
  while (inflight.size > 0) await Promise.race(inflight);
  if (sourceError) throw sourceError.error;
  if (failure) throw failure.error;
  result.aborted = !complete;
  progress();
  return result;
}

function actionLine(id: string | null): string {
  return id === null ? '{"index":{}}\n' : `{"index":{"_id":${JSON.stringify(id)}}}\n`;
}

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 1 ? Math.floor(v) : dflt;
}

/** Wait `ms`; resolves false (early) when the signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Which `index.*` settings a full fill relaxes, and their Elasticsearch defaults are restored with null. */
const FILL_SETTINGS = ['refresh_interval', 'number_of_replicas', 'translog.durability'] as const;

/**
 * Before the full fill of a new instance that no one reads yet: no refreshes, no
 * replicas (each document is written once, on one shard copy), and the translog
 * synced every few seconds instead of at every bulk request. Safe because the
 * instance is not active: whatever a crash could lose of it is lost before the
 * fill is recorded as complete, and restoreAfterFill flushes before anything can
 * activate it.
 */
export async function prepareForFill(conn: Conn, index: string): Promise<void> {
  await conn.request(`preparing ${index} for filling (refresh_interval -1, no replicas, translog durability async)`, {
    method: 'PUT',
    path: indexPath(index, '/_settings'),
    body: { index: { refresh_interval: '-1', number_of_replicas: 0, translog: { durability: 'async' } } },
  });
}

/**
 * After the fill: the manifest's `refresh_interval` / `number_of_replicas` /
 * `translog.durability` (from its settings, nested or dotted, with or without
 * `index.`), or null — the engine's default — when it does not declare them; then
 * a flush, so that every document is in a Lucene commit on disk (none only in a
 * translog not yet synced), and a refresh so that they are searchable and counted.
 */
export async function restoreAfterFill(conn: Conn, index: string, desiredSettings: Record<string, unknown>): Promise<void> {
  const settings: Record<string, unknown> = {};
  for (const key of FILL_SETTINGS) settings[key] = declaredSetting(desiredSettings, key);
  await conn.request(`restoring the settings of ${index} after filling`, { method: 'PUT', path: indexPath(index, '/_settings'), body: { index: settings } });
  // force: right after the durability changed, a plain flush may do nothing (seen on 8.19).
  await conn.request(`flushing ${index}`, { method: 'POST', path: indexPath(index, '/_flush'), querystring: { force: 'true', wait_if_ongoing: 'true' } });
  await refresh(conn, index);
}

/** A setting as a manifest declares it (nested, dotted, with or without `index.`), as a string; null when absent. */
export function declaredSetting(settings: Record<string, unknown>, key: string): string | null {
  const candidates = [settings[key], settings[`index.${key}`], nested(settings, ['index', ...key.split('.')]), nested(settings, key.split('.'))];
  for (const v of candidates) {
    if (v !== undefined && v !== null && typeof v !== 'object') return String(v);
  }
  return null;
}

function nested(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
