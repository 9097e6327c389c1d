import { describe, expect, it } from 'vitest';
import type { IndexDetails, ResolvedIndex, ResolvedNames } from '../cluster/resolve.js';
import { matches, selectMasters, type SelectInput } from './select.js';

/** A cluster in one line: indices (with their aliases and alias properties) and data streams. */
function cluster(
  indices: Array<{ name: string; aliases?: Record<string, Record<string, unknown>>; attributes?: string[]; meta?: Record<string, unknown>; dataStream?: string }>,
  dataStreams: Array<{ name: string; backingIndices: string[] }> = [],
): Pick<SelectInput, 'resolved' | 'details'> {
  const resolvedIndices: ResolvedIndex[] = indices.map((i) => ({ name: i.name, aliases: Object.keys(i.aliases ?? {}), attributes: i.attributes ?? ['open'], dataStream: i.dataStream ?? null }));
  const aliasNames = [...new Set(indices.flatMap((i) => Object.keys(i.aliases ?? {})))].sort();
  const resolved: ResolvedNames = {
    indices: resolvedIndices,
    aliases: aliasNames.map((a) => ({ name: a, indices: indices.filter((i) => a in (i.aliases ?? {})).map((i) => i.name) })),
    dataStreams,
  };
  const details = new Map<string, IndexDetails>(
    indices
      .filter((i) => !(i.attributes ?? []).includes('closed'))
      .map((i) => [i.name, { name: i.name, aliases: i.aliases ?? {}, settings: { number_of_shards: '1' }, mappings: i.meta ? { _meta: i.meta } : {} }]),
  );
  return { resolved, details };
}

const all = (c: Pick<SelectInput, 'resolved' | 'details'>, prefix = '') => selectMasters({ prefix, requested: null, ...c });

describe('which indices become which masters (SPEC §11)', () => {
  it('an alias over one index is the master, whatever the index is called; an index without an alias is named like it, less -N / _vN', () => {
    const s = all(cluster([{ name: 'catalog_2023', aliases: { products: {} } }, { name: 'orders-3' }, { name: 'users_v2' }, { name: 'tags' }]));
    expect(s.candidates).toEqual([
      { master: 'orders', index: 'orders-3', alias: null, way: 'alias' },
      { master: 'products', index: 'catalog_2023', alias: 'products', way: 'meta' },
      { master: 'tags', index: 'tags', alias: null, way: 'clone' },
      { master: 'users', index: 'users_v2', alias: null, way: 'alias' },
    ]);
    expect(s.skipped).toEqual([]);
  });

  it('sees only names with the environment prefix, and strips it', () => {
    const s = all(cluster([{ name: 'qa1_products', aliases: {} }, { name: 'products' }, { name: 'qa2_products' }]), 'qa1_');
    expect(s.candidates).toEqual([{ master: 'products', index: 'qa1_products', alias: null, way: 'clone' }]);
  });

  it('skips what esm cannot manage, each with its reason', () => {
    const s = all(
      cluster(
        [
          { name: 'ev-a', aliases: { events: {} } },
          { name: 'ev-b', aliases: { events: {} } },
          { name: 'logs-1', aliases: { logs: { is_write_index: true } } },
          { name: 'eu-1', aliases: { eu: { filter: { term: { region: 'eu' } } } } },
          { name: 'sh-1', aliases: { sharded: { index_routing: '1', search_routing: '1' } } },
          { name: 'old', attributes: ['closed'] },
          { name: '.kibana_1', attributes: ['open', 'hidden', 'system'] },
          { name: 'secret', attributes: ['open', 'hidden'] },
          { name: 'movies-1', meta: { esm: { master: 'movies', instance: 1, fingerprint: 'sha256:x' } } },
          { name: 'esm-locks' },
          { name: '.ds-metrics-000001', attributes: ['open', 'hidden'], dataStream: 'metrics' },
          { name: 'half', meta: { esm: { adoption: { to: 'half-1', source: 'u' } } } },
        ],
        [{ name: 'metrics', backingIndices: ['.ds-metrics-000001'] }],
      ),
    );
    expect(s.candidates).toEqual([]);
    const reasons = Object.fromEntries(s.skipped.map((x) => [x.name, x.reason]));
    expect(reasons).toEqual({
      '.ds-metrics-000001': 'a backing index of the data stream metrics',
      '.kibana_1': '.kibana_1 is a system index',
      events: 'the alias points at several indices (ev-a, ev-b); esm manages an alias over one index: point it at one, or import the indices by name',
      eu: 'a filtered alias: esm swaps aliases whole and would drop its filter',
      'esm-locks': "esm-locks is esm's own",
      half: 'an adoption of half by esm stopped before its swap: run esm apply to finish it',
      logs: 'a write alias (is_write_index): esm swaps aliases whole and would drop it',
      metrics: 'a data stream: its backing indices roll over by themselves, they are not instances esm can swap',
      'movies-1': "movies-1 is esm's already (instance of master movies)",
      old: 'old is closed: esm never opens or closes an index; open it and import again',
      secret: 'secret is a hidden index',
      sharded: 'a routed alias: esm swaps aliases whole and would drop its routing',
    });
  });

  it('gives a master one index: the alias wins over an index that would take its name; two indices for one name are both skipped', () => {
    const s = all(cluster([{ name: 'orders_new', aliases: { orders: {} } }, { name: 'orders-3' }, { name: 'items-1' }, { name: 'items-2' }]));
    expect(s.candidates).toEqual([{ master: 'orders', index: 'orders_new', alias: 'orders', way: 'meta' }]);
    expect(s.skipped).toEqual([
      { name: 'items-1', reason: 'several indices would be master items (items-1, items-2): give the one to manage the alias items and import again' },
      { name: 'items-2', reason: 'several indices would be master items (items-1, items-2): give the one to manage the alias items and import again' },
      { name: 'orders-3', reason: 'it would also be master orders, which the alias orders is' },
    ]);
  });

  it('skips a name that cannot be a master, and an index behind two aliases', () => {
    const s = all(cluster([{ name: 'logs-2024-01' }, { name: 'shared', aliases: { a: {}, b: {} } }]));
    expect(s.candidates).toEqual([]);
    expect(s.skipped.map((x) => x.name)).toEqual(['a', 'b', 'logs-2024-01']);
    expect(s.skipped.find((x) => x.name === 'logs-2024-01')?.reason).toContain('it would be master "logs-2024", which must not end with -<digits>');
    expect(s.skipped.find((x) => x.name === 'a')?.reason).toBe('shared is behind several aliases (a, b): import one of them by name');
  });

  it('takes the names asked for (wildcards too), says which matched nothing, and sends an index behind an alias to its alias', () => {
    const c = cluster([{ name: 'catalog_2023', aliases: { products: {} } }, { name: 'orders-3' }, { name: 'tags' }]);
    const s = selectMasters({ prefix: '', requested: ['ord*', 'catalog_2023', 'nothing', 'no*'], ...c });
    expect(s.candidates).toEqual([{ master: 'orders', index: 'orders-3', alias: null, way: 'alias' }]);
    expect(s.skipped).toEqual([{ name: 'catalog_2023', reason: 'it is behind the alias products: import the alias by name, which becomes the master' }]);
    expect(s.unmatched).toEqual(['nothing', 'no*']);
  });

  it('matches index patterns with * only', () => {
    expect(matches('prod*', 'products')).toBe(true);
    expect(matches('*_v2', 'users_v2')).toBe(true);
    expect(matches('p.d', 'pod')).toBe(false);
    expect(matches('products', 'products-1')).toBe(false);
  });
});
