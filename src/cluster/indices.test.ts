import { describe, expect, it } from 'vitest';
import { rawClient, scratchPrefix, testCluster } from '../../test/support/es.js';
import { ClusterError, RefusedError } from '../errors.js';
import type { InstanceMeta } from './types.js';

const prefix = scratchPrefix('indices');
const oneShard = { number_of_shards: 1, number_of_replicas: 0 };
const requests: string[] = [];
const c = testCluster({ onRequest: (e) => requests.push(`${e.method} ${e.path}`) });
const es = () => rawClient();
let n = 0;
const name = (label = 'ix') => `${prefix}${label}-${++n}`;

function aMeta(over: Partial<InstanceMeta> = {}): InstanceMeta {
  return { master: 'movies', instance: 1, fingerprint: 'sha256:' + 'b'.repeat(64), createdAt: '2024-05-01T10:00:00.000Z', commit: null, ...over };
}

async function plainIndex(index: string): Promise<void> {
  await es().indices.create({ index, settings: oneShard });
}

async function holders(alias: string): Promise<string[]> {
  const res = await es().indices.getAlias({ name: alias }, { ignore: [404] });
  return Object.keys(res)
    .filter((k) => k !== 'error' && k !== 'status')
    .sort();
}

describe('indices', () => {
  it('creates an index with its spec and _meta.esm, and reads it back', async () => {
    const index = name('movies');
    await c.createIndex(index, {
      settings: { index: { number_of_shards: 1 }, 'index.number_of_replicas': 0 },
      mappings: { dynamic: 'strict', properties: { title: { type: 'text' } } },
      meta: aMeta(),
    });
    const got = await c.getIndex(index);
    expect(got).toMatchObject({ name: index, aliases: [], docs: 0, meta: aMeta() });
    expect(got!.settings).toMatchObject({ number_of_shards: '1', number_of_replicas: '0' });
    expect(got!.mappings).toMatchObject({ dynamic: 'strict', properties: { title: { type: 'text' } } });
  });

  it('treats a create whose index already exists with the same meta as done, and any other as an error', async () => {
    const index = name('movies');
    const spec = { settings: oneShard, mappings: {}, meta: aMeta({ createdAt: '2024-06-01T00:00:00.000Z' }) };
    await c.createIndex(index, spec);
    await c.createIndex(index, spec);
    const e = await c.createIndex(index, { ...spec, meta: aMeta({ createdAt: '2024-06-02T00:00:00.000Z' }) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClusterError);
    expect((e as ClusterError).message).toContain('resource_already_exists_exception');
    expect((e as ClusterError).message).toContain(`while creating index ${index}`);
  });

  it('getIndex: null for a missing index; through an alias, the concrete index', async () => {
    expect(await c.getIndex(`${prefix}missing`)).toBeNull();
    const index = name();
    await plainIndex(index);
    await c.swapAlias(`${prefix}via`, { from: null, to: index });
    expect((await c.getIndex(`${prefix}via`))!.name).toBe(index);
  });

  it('updateMeta merges into _meta.esm and keeps the other _meta keys', async () => {
    const index = name();
    await c.createIndex(index, { settings: oneShard, mappings: { _meta: { owner: 'search-team' } }, meta: aMeta() });
    const merged = await c.updateMeta(index, { filledAt: '2024-05-02T00:00:00.000Z', fingerprint: 'sha256:' + 'c'.repeat(64) });
    expect(merged).toEqual(aMeta({ filledAt: '2024-05-02T00:00:00.000Z', fingerprint: 'sha256:' + 'c'.repeat(64) }));
    const mapping = await es().indices.getMapping({ index });
    expect(mapping[index]!.mappings._meta).toEqual({ owner: 'search-team', esm: merged });
  });

  it('puts settings (dotted keys, null resets) and mappings', async () => {
    const index = name();
    await plainIndex(index);
    await c.putSettings(index, { 'index.refresh_interval': '5s', 'index.max_result_window': 20000 });
    await c.putSettings(index, { 'index.max_result_window': null });
    await c.putMapping(index, { properties: { year: { type: 'integer' } } });
    const s = await es().indices.getSettings({ index, flat_settings: true });
    expect(s[index]!.settings).toMatchObject({ 'index.refresh_interval': '5s' });
    expect(s[index]!.settings!['index.max_result_window']).toBeUndefined();
    const m = await es().indices.getMapping({ index });
    expect(m[index]!.mappings.properties).toMatchObject({ year: { type: 'integer' } });
  });

  it('counts top-level documents (nested ones excluded) after a refresh', async () => {
    const index = name();
    await es().indices.create({ index, settings: oneShard, mappings: { properties: { tags: { type: 'nested' } } } });
    await es().bulk({ operations: [{ index: { _index: index } }, { tags: [{ t: 1 }, { t: 2 }] }, { index: { _index: index } }, { tags: [{ t: 3 }] }] });
    await c.refresh(index);
    expect(await c.count(index)).toBe(2);
    expect(await c.count(index, { nested: { path: 'tags', query: { term: { 'tags.t': 3 } } } })).toBe(1);
  });

  it('deletes indices by name, refuses patterns, and ignores missing ones only when asked', async () => {
    const a = name();
    const b = name();
    await Promise.all([plainIndex(a), plainIndex(b)]);
    await expect(c.deleteIndices([`${prefix}*`])).rejects.toBeInstanceOf(RefusedError);
    await expect(c.deleteIndices([a, `${prefix}never`])).rejects.toMatchObject({ details: { status: 404 } });
    expect(await es().indices.exists({ index: a })).toBe(true);
    await c.deleteIndices([a, b, `${prefix}never`], { ignoreMissing: true });
    expect(await es().indices.exists({ index: [a, b], allow_no_indices: false, ignore_unavailable: false })).toBe(false);
    await c.deleteIndices([]);
  });
});

describe('aliases', () => {
  it('swaps an alias in one _aliases call: from none, then from one instance to the next', async () => {
    const alias = `${prefix}swap`;
    const [one, two] = [name('swap'), name('swap')];
    await Promise.all([plainIndex(one), plainIndex(two)]);
    await c.swapAlias(alias, { from: null, to: one });
    expect(await holders(alias)).toEqual([one]);
    requests.length = 0;
    await c.swapAlias(alias, { from: one, to: two });
    expect(requests).toEqual(['POST /_aliases']);
    expect(await holders(alias)).toEqual([two]);
  });

  it('leaves the alias where it was when the target does not exist', async () => {
    const alias = `${prefix}stay`;
    const one = name('stay');
    await plainIndex(one);
    await c.swapAlias(alias, { from: null, to: one });
    const e = await c.swapAlias(alias, { from: one, to: `${prefix}nothing-9` }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClusterError);
    expect((e as ClusterError).message).toContain('index_not_found_exception');
    expect(await holders(alias)).toEqual([one]);
  });

  it('removes an alias pointing at several indices so that it ends on the target only', async () => {
    const alias = `${prefix}many`;
    const [a, b, t] = [name('many'), name('many'), name('many')];
    await Promise.all([plainIndex(a), plainIndex(b), plainIndex(t)]);
    await es().indices.updateAliases({ actions: [{ add: { index: a, alias } }, { add: { index: b, alias } }] });
    await c.swapAlias(alias, { from: a, to: t });
    expect(await holders(alias)).toEqual([t]);
  });

  it('refuses an alias whose name is a concrete index', async () => {
    const clash = name('clash');
    const target = name('clash');
    await Promise.all([plainIndex(clash), plainIndex(target)]);
    await expect(c.swapAlias(clash, { from: null, to: target })).rejects.toThrow(/invalid_alias_name_exception/);
  });

  it('removes an alias from one index or from all, a missing alias being no error', async () => {
    const alias = `${prefix}rm`;
    const [a, b] = [name('rm'), name('rm')];
    await Promise.all([plainIndex(a), plainIndex(b)]);
    await es().indices.updateAliases({ actions: [{ add: { index: a, alias } }, { add: { index: b, alias } }] });
    await c.removeAlias(alias, a);
    expect(await holders(alias)).toEqual([b]);
    await c.removeAlias(alias);
    expect(await holders(alias)).toEqual([]);
    await c.removeAlias(alias);
  });
});
