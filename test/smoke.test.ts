// Proves the test run talks to a real Elasticsearch node: index, bulk, count, alias swap, delete.
import { describe, expect, it } from 'vitest';
import { esUrl, isOpenSearch, rawClient, rawOpenSearchClient, scratchPrefix, testEngine } from './support/es.js';

const prefix = scratchPrefix('smoke');

describe('real search node', () => {
  it('reports its version and cluster name', async () => {
    const nodes = await rawClient().nodes.info({ node_id: '_local', filter_path: 'nodes.*.version' });
    const version = Object.values(nodes.nodes)[0]!.version;
    const health = await rawClient().cluster.health();
    // Printed so that the CI log shows which server the suite ran against.
    console.log(`smoke: ${testEngine().name} ${version} at ${esUrl()} (cluster ${health.cluster_name}, ${health.status})`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(['green', 'yellow']).toContain(health.status);
  });

  it('bulk-indexes 1,000 documents, counts them, swaps an alias atomically and deletes', async () => {
    const es = rawClient();
    const a = `${prefix}movies-1`;
    const b = `${prefix}movies-2`;
    const alias = `${prefix}movies`;
    for (const index of [a, b]) {
      await es.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 } });
    }
    const operations = Array.from({ length: 1000 }, (_, i) => [{ index: { _index: a, _id: String(i) } }, { title: `movie ${i}` }]).flat();
    const res = await es.bulk({ operations, refresh: true });
    expect(res.errors).toBe(false);
    expect((await es.count({ index: a })).count).toBe(1000);

    await es.indices.updateAliases({ actions: [{ add: { index: a, alias } }] });
    expect((await es.count({ index: alias })).count).toBe(1000);
    await es.indices.updateAliases({ actions: [{ remove: { index: a, alias } }, { add: { index: b, alias } }] });
    const holders = Object.keys(await es.indices.getAlias({ name: alias }));
    expect(holders).toEqual([b]);
    expect((await es.count({ index: alias })).count).toBe(0);

    await es.indices.delete({ index: [a, b] });
    expect(await es.indices.exists({ index: a })).toBe(false);
  });
});

describe('the engine\'s own client', () => {
  it('on OpenSearch, answers with the modules esm needs; elsewhere, is refused with a clear message', async () => {
    if (!isOpenSearch()) {
      expect(() => rawOpenSearchClient()).toThrow(/rawOpenSearchClient\(\) in the elasticsearch9? project/);
      return;
    }
    const { body } = await rawOpenSearchClient().nodes.info({ node_id: '_local', metric: ['plugins'] });
    const modules = Object.values(body.nodes)[0]!.modules!.map((m) => m.name);
    // ingest-common and lang-mustache: a node assembled by an older scripts/opensearch.mjs lacks them
    // (its next start assembles them); the companion tests need them.
    expect(modules).toEqual(
      expect.arrayContaining(['analysis-common', 'lang-painless', 'mapper-extras', 'parent-join', 'reindex', 'ingest-common', 'lang-mustache']),
    );
  });
});
