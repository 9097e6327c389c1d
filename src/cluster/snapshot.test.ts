import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient, scratchPrefix, testCluster, testPrefix } from '../../test/support/es.js';
import type { Cluster } from './cluster.js';
import type { ClusterSnapshot, InstanceMeta } from './types.js';

const prefix = scratchPrefix('snap');
const small = scratchPrefix('snap2');
const large = scratchPrefix('snap200');
const foreign = scratchPrefix('foreign') + 'other';
const oneShard = { number_of_shards: 1, number_of_replicas: 0 };
const templates: string[] = [];

function aMeta(over: Partial<InstanceMeta> = {}): InstanceMeta {
  return { master: 'movies', instance: 1, fingerprint: 'sha256:' + 'a'.repeat(64), createdAt: '2024-05-01T10:00:00.000Z', commit: 'abc1234', ...over };
}

function cluster(counter?: { n: number }): Cluster {
  return testCluster({ onRequest: counter ? () => counter.n++ : undefined });
}

/**
 * `count` masters under `p`: an instance each (holding one document), behind its
 * alias. One index template, one bulk request that auto-creates the indices and one
 * aliases request, instead of 200 create-index requests.
 */
async function masters(p: string, count: number): Promise<void> {
  const es = rawClient();
  const names = Array.from({ length: count }, (_, i) => `m${i}`);
  templates.push(`${p}masters`);
  await es.indices.putIndexTemplate({
    name: `${p}masters`,
    index_patterns: [`${p}*`],
    priority: 500,
    template: { settings: oneShard, mappings: { _meta: { esm: aMeta() } } },
  });
  const bulk = await es.bulk({ operations: names.flatMap((m) => [{ index: { _index: `${p}${m}-1`, _id: '1' } }, { master: m }]), timeout: '5m' });
  expect(bulk.errors).toBe(false);
  await es.indices.updateAliases({ actions: names.map((m) => ({ add: { index: `${p}${m}-1`, alias: `${p}${m}` } })) });
  await es.indices.refresh({ index: `${p}*` });
}

let snap: ClusterSnapshot;

beforeAll(async () => {
  const es = rawClient();
  const c = cluster();
  await c.createIndex(`${prefix}movies-1`, {
    settings: { ...oneShard, 'index.max_result_window': 5000 },
    mappings: {
      _meta: { team: 'search' },
      properties: { title: { type: 'text' }, cast: { type: 'nested', properties: { name: { type: 'keyword' } } } },
    },
    meta: aMeta({ filledAt: '2024-05-01T11:00:00.000Z' }),
  });
  await c.swapAlias(`${prefix}movies`, { from: null, to: `${prefix}movies-1` });
  // 3 documents with 2 nested documents each: Elasticsearch stores 9 Lucene documents.
  const operations = [1, 2, 3].flatMap((i) => [
    { index: { _index: `${prefix}movies-1`, _id: String(i) } },
    { title: `movie ${i}`, cast: [{ name: 'a' }, { name: 'b' }] },
  ]);
  await es.bulk({ operations, refresh: true });
  // A concrete index that esm did not create.
  await es.indices.create({ index: `${prefix}legacy`, settings: oneShard });
  // An alias under the prefix pointing outside it (a foreign alias).
  await es.indices.create({ index: foreign, settings: oneShard, aliases: { [`${prefix}books`]: {} } });
  // Hidden indices are not part of the picture.
  await es.indices.create({ index: `${prefix}hidden`, settings: { ...oneShard, 'index.hidden': true } });
  snap = await c.snapshot(prefix);
});

afterAll(async () => {
  await Promise.all(templates.map((name) => rawClient().indices.deleteIndexTemplate({ name }, { ignore: [404] })));
});

describe('snapshot', () => {
  it('names the cluster, its version and its optional modules', async () => {
    const es = rawClient();
    const health = await es.cluster.health();
    const nodes = await es.nodes.info({ metric: 'plugins' });
    const node = Object.values(nodes.nodes)[0]!;
    const hasReindex = (node.modules ?? []).some((m) => m.name === 'reindex');
    expect(snap.clusterName).toBe(health.cluster_name);
    expect(snap.version).toBe(node.version);
    expect(snap.prefix).toBe(prefix);
    expect(snap.capabilities).toEqual({ reindex: hasReindex, deleteByQuery: hasReindex });
    expect(await cluster().info()).toEqual({ clusterName: health.cluster_name, version: node.version, engine: snap.engine });
    expect(snap.engine).toMatch(/^(elasticsearch|opensearch)$/);
  });

  it('lists the indices under the prefix and the foreign index a prefixed alias points at, not hidden ones', () => {
    expect(snap.indices.map((i) => i.name).sort()).toEqual([`${prefix}legacy`, `${prefix}movies-1`, foreign].sort());
    expect(snap.aliases).toEqual({ [`${prefix}books`]: [foreign], [`${prefix}movies`]: [`${prefix}movies-1`] });
  });

  it('reads _meta.esm, mappings, nested index settings, aliases, health and top-level document counts', () => {
    const movies = snap.indices.find((i) => i.name === `${prefix}movies-1`)!;
    expect(movies.meta).toEqual(aMeta({ filledAt: '2024-05-01T11:00:00.000Z' }));
    expect(movies.mappings._meta).toEqual({ team: 'search', esm: aMeta({ filledAt: '2024-05-01T11:00:00.000Z' }) });
    expect(movies.mappings.properties).toMatchObject({ title: { type: 'text' } });
    expect(movies.settings).toMatchObject({ number_of_shards: '1', number_of_replicas: '0', max_result_window: '5000' });
    expect(movies.aliases).toEqual([`${prefix}movies`]);
    expect(movies.docs).toBe(3);
    expect(movies.health).toBe('green');
    const legacy = snap.indices.find((i) => i.name === `${prefix}legacy`)!;
    expect(legacy.meta).toBeNull();
    expect(legacy.docs).toBe(0);
    expect(snap.indices.find((i) => i.name === foreign)!.meta).toBeNull();
  });

  it('with an empty prefix reads every open, non-hidden index', async () => {
    const all = await cluster().snapshot('');
    const names = all.indices.map((i) => i.name);
    expect(names).toContain(`${prefix}movies-1`);
    expect(names).not.toContain(`${prefix}hidden`);
    expect(all.aliases[`${prefix}movies`]).toEqual([`${prefix}movies-1`]);
  });

  it('narrowed to one master, reads only that master\'s indices and its alias, even when it points outside the prefix', async () => {
    const movies = await cluster().snapshot(prefix, { master: 'movies' });
    expect(movies.indices.map((i) => i.name)).toEqual([`${prefix}movies-1`]);
    expect(movies.aliases).toEqual({ [`${prefix}movies`]: [`${prefix}movies-1`] });
    const books = await cluster().snapshot(prefix, { master: 'books' });
    expect(books.indices.map((i) => i.name)).toEqual([foreign]);
  });

  it('is empty for a prefix that holds nothing', async () => {
    const none = await cluster().snapshot(testPrefix('none'));
    expect(none.indices).toEqual([]);
    expect(none.aliases).toEqual({});
  });

  // Creating 200 indices is slow on a busy 2-core machine (each one is a cluster state
  // update: about a minute under load), hence the long budget of this one test.
  it('takes as many requests for 200 masters as for 2, and counts the documents of all 200', { timeout: 300_000 }, async () => {
    await Promise.all([masters(small, 2), masters(large, 200)]);
    const few = { n: 0 };
    const many = { n: 0 };
    const a = await cluster(few).snapshot(small);
    const b = await cluster(many).snapshot(large);
    expect(a.indices).toHaveLength(2);
    expect(b.indices).toHaveLength(200);
    expect(Object.keys(b.aliases)).toHaveLength(200);
    expect(b.indices.every((i) => i.meta !== null)).toBe(true);
    expect(b.indices.filter((i) => i.docs !== 1).map((i) => i.name)).toEqual([]);
    expect(many.n).toBe(few.n);
    expect(few.n).toBeLessThanOrEqual(5);
  });
});
