/**
 * The alias swap's request (pure): ONE `_aliases` call that removes the alias from
 * every index holding it and adds it to the new one, so that readers never see it on
 * two indices nor on none. Answered by the memory cluster as Elasticsearch answers it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCluster } from '../../test/support/memory-cluster.js';
import { ClusterError } from '../errors.js';
import { swapActions } from './aliases.js';

describe('swapActions', () => {
  it('removes the alias from every index, then adds it to the new one', () => {
    expect(swapActions('movies', 'movies-2')).toEqual([{ remove: { index: '*', alias: 'movies' } }, { add: { index: 'movies-2', alias: 'movies' } }]);
  });
});

describe('swapAlias', () => {
  const world = () => {
    const c = new MemoryCluster();
    c.addIndex('movies-1', { aliases: ['movies'] });
    c.addIndex('movies-2');
    c.addIndex('movies-3', { aliases: ['movies'] });
    c.addIndex('books-1', { aliases: ['books'] });
    return c;
  };

  it('leaves the alias on the new instance only, in one request, other aliases untouched', async () => {
    const c = world();
    await c.swapAlias('movies', { from: 'movies-1', to: 'movies-2' });
    expect(c.aliasTargets('movies')).toEqual(['movies-2']);
    expect(c.aliasTargets('books')).toEqual(['books-1']);
    expect(c.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /_aliases']);
  });

  it('a first activation (no index holds the alias yet) adds it', async () => {
    const c = world();
    await c.swapAlias('songs', { from: null, to: 'movies-2' });
    expect(c.aliasTargets('songs')).toEqual(['movies-2']);
  });

  it('a missing target fails the whole call and moves nothing', async () => {
    const c = world();
    await expect(c.swapAlias('movies', { from: 'movies-1', to: 'movies-9' })).rejects.toBeInstanceOf(ClusterError);
    expect(c.aliasTargets('movies')).toEqual(['movies-1', 'movies-3']);
  });
});
