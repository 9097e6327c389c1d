import { afterAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, esUrl, rawClient, testPrefix } from '../../test/support/es.js';
import { chooseClearPath, type ClearProgress } from './clear.js';
import { connect } from './cluster.js';

const prefix = testPrefix('clear');
const c = connect({ url: esUrl(), auth: { kind: 'none' }, caCert: null });

afterAll(async () => {
  await c.close();
  await cleanupPrefix(prefix);
});

describe('clear', () => {
  it('uses _delete_by_query when the cluster has the reindex module, scan + bulk delete otherwise', () => {
    expect(chooseClearPath({ reindex: true, deleteByQuery: true })).toBe('delete_by_query');
    expect(chooseClearPath({ reindex: false, deleteByQuery: false })).toBe('scan_and_bulk_delete');
  });

  it('takes _delete_by_query when the cluster has the reindex module, scan + bulk delete otherwise', async () => {
    const index = `${prefix}dbq-1`;
    await rawClient().indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const sent: string[] = [];
    const probe = connect({ url: esUrl(), auth: { kind: 'none' }, caCert: null }, { onRequest: (e) => sent.push(`${e.method} ${e.path}`) });
    const caps = await probe.capabilities();
    sent.length = 0;
    // Without the module the call is scan + bulk delete; with it, _delete_by_query.
    await probe.clear(index).catch(() => undefined);
    await probe.close();
    expect(sent[0]).toBe(caps.deleteByQuery ? `POST /${index}/_delete_by_query` : `POST /${index}/_count`);
  });

  it('removes every document and keeps the schema, reporting progress', async () => {
    const index = `${prefix}movies-1`;
    const es = rawClient();
    await es.indices.create({
      index,
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      mappings: { dynamic: 'strict', properties: { title: { type: 'text' }, cast: { type: 'nested', properties: { name: { type: 'keyword' } } } } },
    });
    const operations = Array.from({ length: 2300 }, (_, i) => [{ index: { _index: index, _id: String(i) } }, { title: `m${i}`, cast: [{ name: 'x' }] }]).flat();
    await es.bulk({ operations, refresh: true });
    const mappingBefore = await es.indices.getMapping({ index });

    const progress: ClearProgress[] = [];
    const res = await c.clear(index, { onProgress: (p) => progress.push(p), batchSize: 1000 });

    expect(res).toEqual({ deleted: 2300 });
    expect((await es.count({ index })).count).toBe(0);
    expect(await es.indices.getMapping({ index })).toEqual(mappingBefore);
    expect(progress[0]).toEqual({ deleted: 0, total: 2300 });
    expect(progress.map((p) => p.deleted)).toEqual([0, 1000, 2000, 2300]);
  });

  it('clears an empty index as a no-op', async () => {
    const index = `${prefix}empty-1`;
    await rawClient().indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 } });
    expect(await c.clear(index)).toEqual({ deleted: 0 });
  });
});
