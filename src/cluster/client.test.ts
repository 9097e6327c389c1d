import { describe, expect, it } from 'vitest';
import { esUrl, testCluster } from '../../test/support/es.js';
import { InvalidInputError } from '../errors.js';
import { connect } from './cluster.js';
import { readNodeFacts } from './info.js';

describe('connect', () => {
  it('refuses an unreadable CA certificate file as invalid input', () => {
    expect(() => connect({ url: esUrl(), auth: { kind: 'none' }, caCert: '/nonexistent/ca.pem' })).toThrow(InvalidInputError);
    expect(() => connect({ url: esUrl(), auth: { kind: 'none' }, caCert: '/nonexistent/ca.pem' })).toThrow(/cannot read the CA certificate \/nonexistent\/ca.pem: ENOENT/);
  });

  it('reports every HTTP request, and finds the engine and reads cluster name and version once per connection', async () => {
    const seen: string[] = [];
    const c = testCluster({ onRequest: (e) => seen.push(`${e.method} ${e.path}`) });
    const first = await c.info();
    expect(first.version).toMatch(/^\d+\.\d+\.\d+/);
    // The engine probe (GET /) comes first, before anything else is sent.
    expect(seen[0]).toBe('GET /');
    expect(seen.sort()).toEqual(['GET /', 'GET /_cluster/health', 'GET /_nodes/plugins,thread_pool']);
    expect(await c.info()).toEqual(first);
    await c.capabilities();
    expect(seen).toHaveLength(3);
  });

  it("reads the data nodes' write threads (what the default bulk concurrency is made from) as the node reports them", async () => {
    const pool = (await fetch(`${esUrl()}/_nodes/thread_pool?filter_path=nodes.*.thread_pool.write.size`).then((r) => r.json())) as {
      nodes: Record<string, { thread_pool: { write: { size: number } } }>;
    };
    const threads = Object.values(pool.nodes).reduce((n, x) => n + x.thread_pool.write.size, 0);
    expect(threads).toBeGreaterThan(0);
    expect((await testCluster().nodeFacts()).writeThreads).toBe(threads);
  });
});
