import { describe, expect, it } from 'vitest';
import { parseNodeFacts } from './info.js';

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
});
