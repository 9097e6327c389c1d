/**
 * Read every document of an index: a point in time (`POST <index>/_pit`) and
 * `search_after` on `_shard_doc`, the cheapest stable order. The view is frozen
 * when the scan starts, so writes and deletes during the scan do not disturb it.
 * The point in time is closed at the end, on error, on abort, or when the
 * consumer stops early.
 */
import type { Conn } from './conn.js';

export interface ScanOptions {
  query?: Record<string, unknown>;
  /** Hits per page (default 1000). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Fields of `_source` to return; `[]` returns no source at all. Default: the whole source. */
  sourceIncludes?: string[];
  /** How long the point in time lives between two pages (default `1m`). */
  keepAlive?: string;
}

export interface ScanHit {
  _id: string;
  _index: string;
  _source: Record<string, unknown>;
}

type Page = { pit_id?: string; hits: { hits: Array<{ _id?: string; _index: string; _source?: unknown; sort?: unknown[] }> } };

export async function* scan(conn: Conn, index: string, opts: ScanOptions = {}): AsyncGenerator<ScanHit> {
  const { signal } = opts;
  const keepAlive = opts.keepAlive ?? '1m';
  const size = Math.max(1, Math.floor(opts.pageSize ?? 1000));
  const source = opts.sourceIncludes === undefined ? true : opts.sourceIncludes.length === 0 ? false : opts.sourceIncludes;
  const opened = await conn.call(
    `opening a point in time on ${index}`,
    () => conn.client.openPointInTime({ index, keep_alive: keepAlive }, { signal }),
    { signal },
  );
  let pitId = opened.id;
  try {
    let after: unknown[] | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const page = (await conn.call(
        `reading documents of ${index}`,
        () =>
          conn.client.search(
            {
              pit: { id: pitId, keep_alive: keepAlive },
              size,
              sort: [{ _shard_doc: 'asc' }],
              track_total_hits: false,
              _source: source,
              ...(opts.query ? { query: opts.query as never } : {}),
              ...(after ? { search_after: after as never } : {}),
            },
            { signal },
          ),
        { signal },
      )) as unknown as Page;
      if (page.pit_id) pitId = page.pit_id;
      const hits = page.hits.hits;
      for (const h of hits) {
        signal?.throwIfAborted();
        yield { _id: h._id ?? '', _index: h._index, _source: (h._source as Record<string, unknown> | undefined) ?? {} };
      }
      if (hits.length < size) return;
      after = hits[hits.length - 1]!.sort;
    }
  } finally {
    // Best effort: an unclosed point in time expires after keepAlive anyway.
    await conn.client.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}
