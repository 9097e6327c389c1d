import { describe, expect, it } from 'vitest';
import { bulkConcurrencyFor, parseNodeFacts } from './info.js';

const node = (version: string, modules: string[]) => ({ version, modules: modules.map((name) => ({ name })) });

describe('parseNodeFacts', () => {
  it('finds the reindex module (reindex and delete-by-query) only when every node has it', () => {
    expect(parseNodeFacts({ nodes: { a: node('8.19.7', ['reindex', 'x-pack-core']) } }).capabilities).toEqual({ reindex: true, deleteByQuery: true });
    expect(parseNodeFacts({ nodes: { a: node('8.19.7', ['reindex']), b: node('8.19.7', ['apm']) } }).capabilities).toEqual({
      reindex: false,
      deleteByQuery: false,
    });
    expect(parseNodeFacts({ nodes: { a: node('8.19.7', ['transport-netty4', 'x-pack-core']) } }).capabilities.reindex).toBe(false);
    expect(parseNodeFacts({}).capabilities.reindex).toBe(false);
  });

  it('reports the lowest version of a mixed cluster (during a rolling upgrade)', () => {
    expect(parseNodeFacts({ nodes: { a: node('8.19.7', []), b: node('8.9.2', []), c: node('8.10.0', []) } }).version).toBe('8.9.2');
    expect(parseNodeFacts({ nodes: {} }).version).toBe('unknown');
  });

  it('counts the write threads of the data nodes only, and says null when a node does not tell', () => {
    const n = (roles: string[] | undefined, size: number | undefined) => ({ version: '8.19.7', ...(roles ? { roles } : {}), ...(size !== undefined ? { thread_pool: { write: { size } } } : {}) });
    expect(parseNodeFacts({ nodes: { a: n(['data', 'master'], 4), b: n(['data_hot'], 8), m: n(['master'], 2) } }).writeThreads).toBe(12);
    expect(parseNodeFacts({ nodes: { a: n(undefined, 2) } }).writeThreads).toBe(2);
    expect(parseNodeFacts({ nodes: { a: n(['data'], 4), b: n(['data'], undefined) } }).writeThreads).toBeNull();
    expect(parseNodeFacts({}).writeThreads).toBeNull();
  });
});

describe('bulkConcurrencyFor', () => {
  it('is one bulk request per write thread, between 2 and 8; 2 when the threads are not known', () => {
    expect([null, 1, 2, 3, 6, 8, 48].map(bulkConcurrencyFor)).toEqual([2, 2, 2, 3, 6, 8, 8]);
  });
});
