/**
 * `esm clear` on the real node of the run: `_delete_by_query` where the node has the
 * reindex module (OpenSearch), scan + bulk delete where it has none (Elasticsearch's
 * integ-test distribution). Each test asserts the path this node takes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchPrefix, testCluster } from '../../test/support/es.js';
import { chooseClearPath, type ClearProgress } from './clear.js';
import type { InstanceMeta } from './types.js';

const prefix = scratchPrefix('clear');
const sent: string[] = [];
const c = testCluster({ onRequest: (e) => sent.push(`${e.method} ${e.path}`) });
const meta = (instance: number): InstanceMeta => ({ master: 'movies', instance, fingerprint: 'sha256:test', createdAt: '2024-05-01T10:00:00.000Z', commit: null });
let deleteByQuery = false;

beforeAll(async () => {
  deleteByQuery = (await c.capabilities()).deleteByQuery;
});

describe('clear', () => {
  it('uses _delete_by_query when the cluster has the reindex module, scan + bulk delete otherwise', () => {
    expect(chooseClearPath({ reindex: true, deleteByQuery: true })).toBe('delete_by_query');
    expect(chooseClearPath({ reindex: false, deleteByQuery: false })).toBe('scan_and_bulk_delete');
  });

  it('removes every document and keeps the schema, reporting progress, on the path this cluster has', async () => {
    const index = `${prefix}movies-1`;
    const mappings = { dynamic: 'strict', properties: { id: { type: 'integer' }, title: { type: 'text' }, cast: { type: 'nested', properties: { name: { type: 'keyword' } } } } };
    await c.createIndex(index, { settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings, meta: meta(1) });
    async function* docs() {
      for (let i = 0; i < 2300; i++) yield { id: i, title: `m${i}`, cast: [{ name: 'x' }] };
    }
    expect((await c.bulkWrite({ index, docs: docs(), idField: 'id' })).indexed).toBe(2300);
    await c.refresh(index);
    const before = await c.getIndex(index);

    sent.length = 0;
    const progress: ClearProgress[] = [];
    const res = await c.clear(index, { onProgress: (p) => progress.push(p), batchSize: 1000, pollMs: 50 });

    expect(res).toEqual({ deleted: 2300 });
    expect(await c.count(index)).toBe(0);
    const after = await c.getIndex(index);
    expect(after!.mappings).toEqual(before!.mappings);
    expect(after!.settings).toEqual(before!.settings);
    expect(progress.at(-1)).toEqual({ deleted: 2300, total: 2300 });
    if (deleteByQuery) {
      expect(sent).toContain(`POST /${index}/_delete_by_query`);
      expect(sent.some((r) => r.startsWith('POST /_bulk'))).toBe(false);
    } else {
      expect(sent.some((r) => r.includes('_delete_by_query'))).toBe(false);
      expect(progress.map((p) => p.deleted)).toEqual([0, 1000, 2000, 2300]);
    }
  });

  it('clears an empty index as a no-op', async () => {
    const index = `${prefix}empty-1`;
    await c.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: {}, meta: meta(1) });
    expect(await c.clear(index, { pollMs: 50 })).toEqual({ deleted: 0 });
  });
});
