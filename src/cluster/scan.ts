/**
 * Read every document of an index in a view frozen when the scan starts, so that
 * writes and deletes during the scan do not disturb it. How the view is held is an
 * engine quirk (`EngineQuirks.scan`):
 *   - `point_in_time` (Elasticsearch): `POST <index>/_pit` and `search_after` on
 *     `_shard_doc`, the cheapest stable order;
 *   - `scroll` (OpenSearch 2.x has no `_shard_doc` tiebreaker, so `search_after` on a
 *     point in time could skip documents): `_search?scroll` sorted by `_doc`.
 * The view is released at the end, on error, on abort, or when the consumer stops early.
 *
 * Answers are trimmed to what a scan reads (`filter_path`): an id-only scan of a million
 * documents then moves a third fewer bytes. A page some shard could not answer is an error,
 * not a short page: a caller comparing id sets must never take a partial view for the whole.
 */
import { ClusterError, assertNever } from '../errors.js';
import { indexPath, type Conn } from './conn.js';

export interface ScanOptions {
  query?: Record<string, unknown>;
  /** Hits per page (default 1000; 5000 when no source is read: such hits are a few dozen bytes). */
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

type Hit = { _id?: string; _index?: string; _source?: unknown; sort?: unknown[] };
/** A page as `filter_path` leaves it: `hits` is absent when no hit is left. */
type Page = {
  pit_id?: string;
  _scroll_id?: string;
  _shards?: { total?: number; failed?: number; failures?: Array<{ index?: string; shard?: number; reason?: { type?: string; reason?: string } }> };
  hits?: { hits?: Hit[] };
};

/** What a scan reads of an answer (`sort`: the point in time's `search_after`). */
const SHARD_FIELDS = ['_shards.total', '_shards.failed', '_shards.failures'];
const DOC_FIELDS = ['hits.hits._id', 'hits.hits._index', 'hits.hits._source', 'hits.hits.sort'];
const ID_FIELDS = ['hits.hits._id', 'hits.hits.sort'];

const ID_PAGE = 5000;
const SOURCE_PAGE = 1000;

/** Every document, with its concrete index and the `_source` fields asked for. */
export async function* scan(conn: Conn, index: string, opts: ScanOptions = {}): AsyncGenerator<ScanHit> {
  const idsOnly = opts.sourceIncludes?.length === 0;
  const source = opts.sourceIncludes === undefined ? true : idsOnly ? false : opts.sourceIncludes;
  for await (const hits of pages(conn, index, DOC_FIELDS, source, idsOnly ? ID_PAGE : SOURCE_PAGE, opts)) {
    for (const h of hits) {
      opts.signal?.throwIfAborted();
      yield { _id: h._id ?? '', _index: h._index ?? '', _source: (h._source as Record<string, unknown> | undefined) ?? {} };
    }
  }
}

/**
 * Every document's id, and nothing else: half the bytes of an id-only `scan` (no `_index`),
 * for the id-set comparisons that read millions.
 */
export async function* scanIds(conn: Conn, index: string, opts: Omit<ScanOptions, 'sourceIncludes'> = {}): AsyncGenerator<string> {
  for await (const hits of pages(conn, index, ID_FIELDS, false, ID_PAGE, opts)) {
    opts.signal?.throwIfAborted();
    for (const h of hits) yield h._id ?? '';
  }
}

type Body = { size: number } & Record<string, unknown>;

/** The pages of hits, in the view the engine holds (see the file's comment). */
async function* pages(conn: Conn, index: string, fields: string[], source: boolean | string[], defaultSize: number, opts: ScanOptions): AsyncGenerator<Hit[]> {
  const size = Math.max(1, Math.floor(opts.pageSize ?? defaultSize));
  const body: Body = { size, _source: source, ...(opts.query ? { query: opts.query } : {}) };
  const how = conn.engine.quirks.scan;
  switch (how) {
    case 'point_in_time':
      yield* byPointInTime(conn, index, body, fields, opts);
      return;
    case 'scroll':
      yield* byScroll(conn, index, body, fields, opts);
      return;
    default:
      assertNever(how, 'scan');
  }
}

const hitsIn = (page: Page): Hit[] => page.hits?.hits ?? [];

/** The hits of a page, or an error when some shard did not answer it (its hits would be missing, unseen). */
function checked(conn: Conn, index: string, page: Page): Hit[] {
  const failed = page._shards?.failed ?? 0;
  if (failed === 0) return hitsIn(page);
  const first = page._shards?.failures?.[0]?.reason;
  const why = first ? `: ${first.type ? `${first.type}: ` : ''}${first.reason ?? ''}` : '';
  throw new ClusterError(
    `${conn.engine.label} at ${conn.url}, while reading documents of ${index}: ${failed} of ${page._shards?.total ?? '?'} shards failed${why}; a partial read is not used`,
    { url: conn.url, ...(first?.type ? { type: first.type } : {}) },
  );
}

async function* byPointInTime(conn: Conn, index: string, body: Body, fields: string[], opts: ScanOptions): AsyncGenerator<Hit[]> {
  const { signal } = opts;
  const keepAlive = opts.keepAlive ?? '1m';
  const opened = await conn.request<{ id: string }>(
    `opening a point in time on ${index}`,
    { method: 'POST', path: `${indexPath(index)}/_pit`, querystring: { keep_alive: keepAlive } },
    { signal },
  );
  let pitId = opened.id;
  const filter_path = ['pit_id', ...SHARD_FIELDS, ...fields].join(',');
  try {
    let after: unknown[] | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const page = await conn.request<Page>(
        `reading documents of ${index}`,
        {
          method: 'POST',
          path: '/_search',
          querystring: { filter_path },
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
      const hits = checked(conn, index, page);
      yield hits;
      if (hits.length < body.size) return;
      after = hits[hits.length - 1]!.sort;
    }
  } finally {
    // Best effort: an unclosed point in time expires after keepAlive anyway.
    await conn.send({ method: 'DELETE', path: '/_pit', body: { id: pitId } }).catch(() => undefined);
  }
}

async function* byScroll(conn: Conn, index: string, body: Body, fields: string[], opts: ScanOptions): AsyncGenerator<Hit[]> {
  const { signal } = opts;
  const keepAlive = opts.keepAlive ?? '1m';
  const filter_path = ['_scroll_id', ...SHARD_FIELDS, ...fields.filter((f) => f !== 'hits.hits.sort')].join(',');
  let page = await conn.request<Page>(
    `reading documents of ${index}`,
    // A scroll counts its hits (it refuses track_total_hits: false).
    { method: 'POST', path: `${indexPath(index)}/_search`, querystring: { scroll: keepAlive, filter_path }, body: { ...body, sort: ['_doc'] } },
    { signal },
  );
  let scrollId = page._scroll_id;
  try {
    for (;;) {
      const hits = checked(conn, index, page);
      yield hits;
      if (hits.length < body.size || !scrollId) return;
      signal?.throwIfAborted();
      const id: string = scrollId;
      page = await conn.request<Page>(
        `reading documents of ${index}`,
        { method: 'POST', path: '/_search/scroll', querystring: { filter_path }, body: { scroll: keepAlive, scroll_id: id } },
        { signal },
      );
      if (page._scroll_id) scrollId = page._scroll_id;
    }
  } finally {
    if (scrollId) await conn.send({ method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [scrollId] } }).catch(() => undefined);
  }
}
