import { beforeAll, describe, expect, it } from 'vitest';
import { rawClient, scratchPrefix, testCluster } from '../../test/support/es.js';
import type { ScanHit } from './scan.js';

const prefix = scratchPrefix('scan');
const index = `${prefix}movies-1`;
const c = testCluster();
const TOTAL = 2500;

async function openContexts(): Promise<number> {
  const s = await rawClient().indices.stats({ index, metric: 'search' });
  return s._all.total?.search?.open_contexts ?? 0;
}

async function collect(it: AsyncIterable<ScanHit>): Promise<ScanHit[]> {
  const out: ScanHit[] = [];
  for await (const h of it) out.push(h);
  return out;
}

beforeAll(async () => {
  const es = rawClient();
  await es.indices.create({ index, settings: { number_of_shards: 2, number_of_replicas: 0 } });
  const operations = Array.from({ length: TOTAL }, (_, i) => [{ index: { _index: index, _id: `m${i}` } }, { n: i, title: `movie ${i}`, even: i % 2 === 0 }]).flat();
  await es.bulk({ operations, refresh: true });
});

describe('scan', () => {
  it('reads every document exactly once across pages and closes its point in time', async () => {
    const hits = await collect(c.scan(index, { pageSize: 400 }));
    expect(hits).toHaveLength(TOTAL);
    expect(new Set(hits.map((h) => h._id)).size).toBe(TOTAL);
    const m7 = hits.find((h) => h._id === 'm7')!;
    expect(m7).toEqual({ _id: 'm7', _index: index, _source: { n: 7, title: 'movie 7', even: false } });
    expect(await openContexts()).toBe(0);
  });

  it('filters with a query and returns only the requested source fields, or none', async () => {
    const even = await collect(c.scan(index, { query: { term: { even: true } }, sourceIncludes: ['n'], pageSize: 1000 }));
    expect(even).toHaveLength(TOTAL / 2);
    expect(even.every((h) => Object.keys(h._source).join() === 'n' && (h._source.n as number) % 2 === 0)).toBe(true);
    const idsOnly = await collect(c.scan(index, { query: { ids: { values: ['m1', 'm2'] } }, sourceIncludes: [] }));
    expect(idsOnly.map((h) => h._source)).toEqual([{}, {}]);
  });

  it('reads every id, and only ids, across pages', async () => {
    const ids: string[] = [];
    for await (const id of c.scanIds(index, { pageSize: 700 })) ids.push(id);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: TOTAL }, (_, i) => `m${i}`)));
    const even: string[] = [];
    for await (const id of c.scanIds(index, { query: { term: { even: true } } })) even.push(id);
    expect(even.sort()).toEqual(Array.from({ length: TOTAL / 2 }, (_, i) => `m${i * 2}`).sort());
    expect(await openContexts()).toBe(0);
  });

  it('sees the documents as they were when it started', async () => {
    const seen: string[] = [];
    for await (const h of c.scan(index, { pageSize: 500 })) {
      if (seen.length === 0) await rawClient().index({ index, id: 'late', document: { n: -1 }, refresh: true });
      seen.push(h._id);
    }
    expect(seen).toHaveLength(TOTAL);
    expect(seen).not.toContain('late');
    await rawClient().delete({ index, id: 'late', refresh: true });
  });

  it('closes its point in time when the consumer stops early', async () => {
    let n = 0;
    for await (const _ of c.scan(index, { pageSize: 100 })) {
      if (++n === 150) break;
    }
    expect(await openContexts()).toBe(0);
  });

  it('refuses a page some shard could not answer instead of returning fewer documents', async () => {
    // Two indices behind one alias, where the query fails on one of them (a word on a long field):
    // the engine answers 200 with that index's documents missing and `_shards.failed` > 0.
    const es = rawClient();
    const [numbers, words, both] = [`${prefix}numbers`, `${prefix}words`, `${prefix}both`];
    await es.indices.create({ index: numbers, settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { code: { type: 'long' } } } });
    await es.indices.create({ index: words, settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { code: { type: 'keyword' } } } });
    await es.bulk({ refresh: true, operations: [{ index: { _index: numbers, _id: 'n1' } }, { code: 1 }, { index: { _index: words, _id: 'w1' } }, { code: 'x' }] });
    await es.indices.putAlias({ index: [numbers, words], name: both });
    const partial = await es.search({ index: both, query: { term: { code: 'x' } } });
    expect(partial._shards.failed).toBe(1);
    await expect(collect(c.scan(both, { query: { term: { code: 'x' } }, sourceIncludes: [] }))).rejects.toThrow(/reading documents of .*both: 1 of 2 shards failed.*a partial read is not used/);
    const ids = c.scanIds(both, { query: { term: { code: 'x' } } });
    await expect(ids.next()).rejects.toThrow(/1 of 2 shards failed/);
    expect(await collect(c.scan(both, { sourceIncludes: [] }))).toHaveLength(2);
  });

  it('stops with the abort reason and closes its point in time when aborted', async () => {
    const ctl = new AbortController();
    let n = 0;
    const run = (async () => {
      for await (const _ of c.scan(index, { pageSize: 100, signal: ctl.signal })) {
        if (++n === 250) ctl.abort(new Error('user pressed ctrl-c'));
      }
    })();
    await expect(run).rejects.toThrow('user pressed ctrl-c');
    expect(n).toBe(250);
    expect(await openContexts()).toBe(0);
  });
});
