import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, esUrl, rawClient, testPrefix } from '../../test/support/es.js';
import { ClusterError, RuntimeError } from '../errors.js';
import { connect, type Cluster } from './cluster.js';
import type { ReindexProgress } from './reindex.js';

const prefix = testPrefix('reindex');
const es = () => rawClient();
const c = connect({ url: esUrl(), auth: { kind: 'none' }, caCert: null });
const source = `${prefix}movies-1`;
let n = 0;
const destName = () => `${prefix}movies-${++n + 1}`;

beforeAll(async () => {
  await es().indices.create({
    index: source,
    settings: { number_of_shards: 2, number_of_replicas: 0 },
    mappings: { properties: { title: { type: 'text' }, genre: { type: 'keyword' }, year: { type: 'integer' } } },
  });
  const operations = Array.from({ length: 2500 }, (_, i) => [
    { index: { _id: `m${i}` } },
    { title: `movie ${i}`, genre: i % 5 === 0 ? 'noir' : 'drama', year: 1950 + (i % 70) },
  ]).flat();
  await es().bulk({ index: source, operations, refresh: true });
});

afterAll(async () => {
  await c.close();
  await cleanupPrefix(prefix);
});

async function docCount(index: string): Promise<number> {
  await es().indices.refresh({ index });
  return (await es().count({ index })).count;
}

describe('reindex without the reindex module (client-side copy)', () => {
  it('copies every document with its id, reporting progress against the source count', async () => {
    const dest = destName();
    const seen: ReindexProgress[] = [];
    const result = await c.reindex({ source, dest, onProgress: (p) => seen.push(p) });
    expect(result).toEqual({ created: 2500, failed: 0, errors: [], aborted: false, via: 'client' });
    expect(await docCount(dest)).toBe(2500);
    expect((await es().get({ index: dest, id: 'm1234' }))._source).toEqual({ title: 'movie 1234', genre: 'drama', year: 1994 });
    expect(seen.at(-1)).toEqual({ done: 2500, total: 2500 });
  });

  it('copies only the documents matching the query', async () => {
    const dest = destName();
    const query = { term: { genre: 'noir' } };
    const result = await c.reindex({ source, dest, query,  });
    expect(result.created).toBe(500);
    expect(await docCount(dest)).toBe(500);
    expect((await es().count({ index: dest, query: { term: { genre: 'drama' } } })).count).toBe(0);
    expect((await es().exists({ index: dest, id: 'm1235' }))).toBe(true);
  });

  it('refuses a script, which needs the reindex module, before writing anything', async () => {
    const dest = destName();
    const err = await c.reindex({ source, dest, script: "ctx._source.year += 1",  }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as Error).message).toMatch(/^reindex scripts need the reindex module on the cluster/);
    expect(await es().indices.exists({ index: dest })).toBe(false);
  });

  it('stops on abort and says so', async () => {
    const dest = destName();
    const ac = new AbortController();
    const result = await c.reindex({
      source,
      dest,
      batchSize: 100,
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    expect(result.aborted).toBe(true);
    expect(result.created).toBeLessThan(2500);
    expect(await docCount(dest)).toBe(result.created);
  });
});

/**
 * The test node has no reindex module, so the server path is checked against a
 * fake Elasticsearch that records requests and plays a task's life.
 */
interface Recorded {
  method: string;
  url: string;
  body: unknown;
}
async function fakeReindexServer(taskReads: unknown[]): Promise<{ client: Cluster; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  let reads = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (!req.url?.startsWith('/_nodes/')) requests.push({ method: req.method ?? '', url: req.url ?? '', body: text ? JSON.parse(text) : undefined });
      let answer: unknown = {};
      if (req.url?.startsWith('/_nodes/plugins')) answer = { nodes: { n1: { version: '8.19.7', modules: [{ name: 'reindex' }] } } };
      else if (req.url?.startsWith('/_reindex')) answer = { task: 'node1:42' };
      else if (req.url?.endsWith('/_cancel?wait_for_completion=true')) answer = { nodes: {} };
      else if (req.url?.startsWith('/_tasks/')) answer = taskReads[Math.min(reads++, taskReads.length - 1)];
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth: { kind: 'none' }, caCert: null, engine: 'elasticsearch' });
  return {
    client,
    requests,
    async close() {
      await client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
const running = (created: number) => ({ completed: false, task: { status: { total: 300, created, updated: 0 } } });

describe('runReindex with the reindex module (server side)', () => {
  it('starts a sliced task without waiting, polls it for progress and reports its failures', async () => {
    const failures = [{ index: 'movies-2', id: 'm7', status: 400, cause: { type: 'mapper_parsing_exception', reason: 'failed to parse field [year]' } }];
    const fake = await fakeReindexServer([
      running(0),
      running(150),
      { completed: true, task: { status: { total: 300, created: 299 } }, response: { total: 300, created: 299, updated: 0, failures } },
    ]);
    try {
      const seen: ReindexProgress[] = [];
      const result = await fake.client.reindex({
        source: 'movies-1',
        dest: 'movies-2',
        query: { term: { genre: 'noir' } },
        script: 'ctx._source.year += 1',
        pollMs: 10,
        onProgress: (p) => seen.push(p),
      });
      expect(result).toEqual({
        created: 299,
        failed: 1,
        errors: [{ id: 'm7', status: 400, type: 'mapper_parsing_exception', reason: 'failed to parse field [year]' }],
        aborted: false,
        via: 'server',
      });
      expect(fake.requests[0]).toEqual({
        method: 'POST',
        url: '/_reindex?wait_for_completion=false&slices=auto',
        body: {
          source: { index: 'movies-1', query: { term: { genre: 'noir' } } },
          dest: { index: 'movies-2' },
          script: { source: 'ctx._source.year += 1' },
        },
      });
      expect(fake.requests.slice(1).map((r) => `${r.method} ${r.url}`)).toEqual(['GET /_tasks/node1%3A42', 'GET /_tasks/node1%3A42', 'GET /_tasks/node1%3A42']);
      expect(seen).toEqual([
        { done: 0, total: 300 },
        { done: 150, total: 300 },
        { done: 299, total: 300 },
      ]);
    } finally {
      await fake.close();
    }
  });

  it('cancels the task on abort', async () => {
    const fake = await fakeReindexServer([running(10)]);
    try {
      const ac = new AbortController();
      const result = await fake.client.reindex({
        source: 'movies-1',
        dest: 'movies-2',
        pollMs: 10,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      });
      expect(result).toMatchObject({ created: 10, aborted: true, via: 'server' });
      expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', url: '/_tasks/node1%3A42/_cancel?wait_for_completion=true' });
    } finally {
      await fake.close();
    }
  });

  it('throws a ClusterError when the task failed', async () => {
    const fake = await fakeReindexServer([{ completed: true, error: { type: 'index_not_found_exception', reason: 'no such index [movies-1]' } }]);
    try {
      const err = await fake.client.reindex({ source: 'movies-1', dest: 'movies-2', pollMs: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as Error).message).toBe('reindexing movies-1 into movies-2 failed: index_not_found_exception: no such index [movies-1]');
    } finally {
      await fake.close();
    }
  });
});
