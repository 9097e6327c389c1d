/**
 * Read every document of an index in a view frozen when the scan starts, so that
 * writes and deletes during the scan do not disturb it. How the view is held is an
 * engine quirk (`EngineQuirks.scan`):
 *   - `point_in_time` (Elasticsearch): `POST <index>/_pit` and `search_after` on
 *     `_shard_doc`, the cheapest stable order;
 *   - `scroll` (OpenSearch 2.x has no `_shard_doc` tiebreaker, so `search_after` on a
 *     point in time could skip documents): `_search?scroll` sorted by `_doc`.
 * The view is released at the end, on error, on abort, or when the consumer stops early.
 */
import { assertNever } from '../errors.js';
import { indexPath, type Conn } from './conn.js';

export interface ScanOptions {
  query?: Record<string, unknown>;
  /** Hits per page (default 1000). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Fields of `_source` to return; `[]` returns no source at all. Default: the whole source. */
  sourceIncludes?: string[];
  /** How long the view lives between two pages (default `1m`). */
  keepAlive?: string;
}

export interface ScanHit {
  _id: string;
  _index: string;
  _source: Record<string, unknown>;
}

type Hit = { _id?: string; _index: string; _source?: unknown; sort?: unknown[] };
type Page = { pit_id?: string; _scroll_id?: string; hits: { hits: Hit[] } };

export async function* scan(conn: Conn, index: string, opts: ScanOptions = {}): AsyncGenerator<ScanHit> {
  const size = Math.max(1, Math.floor(opts.pageSize ?? 1000));
  const source = opts.sourceIncludes === undefined ? true : opts.sourceIncludes.length === 0 ? false : opts.sourceIncludes;
  const body = { size, _source: source, ...(opts.query ? { query: opts.query } : {}) };
  const how = conn.engine.quirks.scan;
  switch (how) {
    case 'point_in_time':
      yield* byPointInTime(conn, index, body, opts);
      return;
    case 'scroll':
      yield* byScroll(conn, index, body, opts);
      return;
    default:
      assertNever(how, 'scan');
  }
}

type Body = { size: number } & Record<string, unknown>;

function* hitsOf(page: Page, signal?: AbortSignal): Generator<ScanHit> {
  for (const h of page.hits.hits) {
    signal?.throwIfAborted();
    yield { _id: h._id ?? '', _index: h._index, _source: (h._source as Record<string, unknown> | undefined) ?? {} };
  }
}

async function* byPointInTime(conn: Conn, index: string, body: Body, opts: ScanOptions): AsyncGenerator<ScanHit> {
  const { signal } = opts;
  const keepAlive = opts.keepAlive ?? '1m';
  const opened = await conn.request<{ id: string }>(
    `opening a point in time on ${index}`,
    { method: 'POST', path: `${indexPath(index)}/_pit`, querystring: { keep_alive: keepAlive } },
    { signal },
  );
  let pitId = opened.id;
  try {
    let after: unknown[] | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const page = await conn.request<Page>(
        `reading documents of ${index}`,
        {
          method: 'POST',
          path: '/_search',
          body: {
            ...body,
            track_total_hits: false,
            pit: { id: pitId, keep_alive: keepAlive },
            sort: [{ _shard_doc: 'asc' }],
            ...(after ? { search_after: after } : {}),
          },
        },
        { signal },
      );
      if (page.pit_id) pitId = page.pit_id;
      yield* hitsOf(page, signal);
      const hits = page.hits.hits;
      if (hits.length < body.size) return;
      after = hits[hits.length - 1]!.sort;
    }
  } finally {
    // Best effort: an unclosed point in time expires after keepAlive anyway.
    await conn.send({ method: 'DELETE', path: '/_pit', body: { id: pitId } }).catch(() => undefined);
  }
}

async function* byScroll(conn: Conn, index: string, body: Body, opts: ScanOptions): AsyncGenerator<ScanHit> {
  const { signal } = opts;
  const keepAlive = opts.keepAlive ?? '1m';
  let page = await conn.request<Page>(
    `reading documents of ${index}`,
    // A scroll counts its hits (it refuses track_total_hits: false).
    { method: 'POST', path: `${indexPath(index)}/_search`, querystring: { scroll: keepAlive }, body: { ...body, sort: ['_doc'] } },
    { signal },
  );
  let scrollId = page._scroll_id;
  try {
    for (;;) {
      yield* hitsOf(page, signal);
      if (page.hits.hits.length < body.size || !scrollId) return;
      signal?.throwIfAborted();
      const id: string = scrollId;
      page = await conn.request<Page>(`reading documents of ${index}`, { method: 'POST', path: '/_search/scroll', body: { scroll: keepAlive, scroll_id: id } }, { signal });
      if (page._scroll_id) scrollId = page._scroll_id;
    }
  } finally {
    if (scrollId) await conn.send({ method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [scrollId] } }).catch(() => undefined);
  }
}
