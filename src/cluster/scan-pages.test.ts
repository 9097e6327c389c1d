/**
 * The scan's page rule without a node (the same on real nodes: scan.test.ts): a page some
 * shard did not answer is an error, never a short page taken for the end — an id-set
 * comparison would otherwise delete documents the source still has.
 */
import { describe, expect, it } from 'vitest';
import { opensearch } from './opensearch/index.js';
import { DEFAULT_RETRY } from './retry.js';
import type { Conn } from './conn.js';
import type { HttpRequest } from './engine.js';
import { scan, scanIds } from './scan.js';

/** A connection answering a scroll: the pages given, in order, then an empty one. */
function scrolling(pages: object[]): Conn & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const answer = (req: HttpRequest) => {
    sent.push(req);
    if (req.method === 'DELETE') return Promise.resolve({});
    return Promise.resolve({ _scroll_id: 'sid', ...(pages.shift() ?? {}) });
  };
  return {
    url: 'http://fake.invalid:9200',
    engine: opensearch,
    retry: DEFAULT_RETRY,
    context: (what) => ({ url: 'http://fake.invalid:9200', what }),
    send: (req) => answer(req) as never,
    request: (_what, req) => answer(req) as never,
    sent,
  };
}

const ok = (ids: string[]) => ({ _shards: { total: 2, failed: 0 }, hits: { hits: ids.map((_id) => ({ _id, _index: 'films-1' })) } });

describe('scan pages', () => {
  it('refuses a page some shard failed to answer, and releases its scroll', async () => {
    const conn = scrolling([ok(['a', 'b']), { _shards: { total: 2, failed: 1, failures: [{ reason: { type: 'node_disconnected_exception', reason: 'node left' } }] }, hits: { hits: [{ _id: 'c' }] } }]);
    const seen: string[] = [];
    const read = (async () => {
      for await (const id of scanIds(conn, 'films', { pageSize: 2 })) seen.push(id);
    })();
    await expect(read).rejects.toThrow('while reading documents of films: 1 of 2 shards failed: node_disconnected_exception: node left; a partial read is not used');
    expect(seen).toEqual(['a', 'b']);
    expect(conn.sent.at(-1)).toMatchObject({ method: 'DELETE', path: '/_search/scroll' });
  });

  it('reads on to a short page when every shard answered, and asks only for what it reads', async () => {
    const conn = scrolling([ok(['a', 'b']), ok(['c'])]);
    const hits = [];
    for await (const h of scan(conn, 'films', { pageSize: 2, sourceIncludes: [] })) hits.push(h._id);
    expect(hits).toEqual(['a', 'b', 'c']);
    const first = conn.sent[0]!;
    expect(String(first.querystring?.filter_path)).toContain('_shards.failed');
    expect(String(first.querystring?.filter_path)).toContain('hits.hits._id');
  });
});
