import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { esUrl, isOpenSearch, rawClient, scratchPrefix, testCluster, testEngine } from '../../test/support/es.js';
import { startFaultProxy } from '../../test/support/fault-proxy.js';
import { whenDone } from '../../test/support/scratch.js';
import { ClusterError } from '../errors.js';
import type { Doc } from '../sources/types.js';
import type { BulkProgress } from './bulk.js';
import type { Cluster } from './cluster.js';

const prefix = scratchPrefix('bulk');
let n = 0;
const indexName = () => `${prefix}${++n}`;
const es = () => rawClient();
/** The port under test, at the node or at a proxy in front of it (the engine forced: a proxy may fail the probe too). */
const clusterAt = (url: string): Cluster => testCluster({ url, forceEngine: true });
const c = clusterAt(esUrl());

async function* movies(count: number, make: (i: number) => Doc = (i) => ({ id: i, title: `movie ${i}`, year: 1900 + (i % 120) })): AsyncGenerator<Doc> {
  for (let i = 0; i < count; i++) yield make(i);
}

async function docCount(index: string): Promise<number> {
  await es().indices.refresh({ index });
  return (await es().count({ index })).count;
}

async function strictIndex(index: string): Promise<void> {
  await es().indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' }, year: { type: 'integer' } } },
  });
}

/**
 * Fault injection a real node cannot produce on demand: a proxy in front of
 * Elasticsearch that can answer whole _bulk requests with a status, or reject
 * single items with 429 (those items never reach Elasticsearch). It and its client
 * close when the test is done.
 */
interface BulkFaultPlan {
  /** Answer this many _bulk requests with `status` before forwarding. */
  failRequests?: { count: number; status: number };
  /** How many times the item with this _id is rejected with 429 before it is let through. */
  rejectItem?: (id: string) => number;
  /** What a rejected item is answered: 429 (a full queue, default) or 503 (its shard is unavailable: a node left). */
  rejectAs?: 429 | 503;
}
interface BulkFaultProxy {
  client: Cluster;
  bulkRequests: number;
  bulkBodies: string[];
  /** The path and query string of each _bulk request. */
  bulkUrls: string[];
}
async function bulkFaultProxy(plan: BulkFaultPlan): Promise<BulkFaultProxy> {
  const target = new URL(esUrl());
  const rejections = new Map<string, number>();
  let failed = 0;
  const state = { bulkRequests: 0, bulkBodies: [] as string[], bulkUrls: [] as string[] };
  const rejectedItem = () => (plan.rejectAs === 503 ? unavailableItem() : tooManyItem());
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks).toString();
      const isBulk = req.method === 'POST' && /\/_bulk(\?|$)/.test(req.url ?? '');
      // Positions (in the request) of the items rejected here, the others are forwarded.
      const rejected: number[] = [];
      if (isBulk) {
        state.bulkRequests++;
        state.bulkBodies.push(body);
        state.bulkUrls.push(req.url ?? '');
        if (plan.failRequests && failed < plan.failRequests.count) {
          failed++;
          res.writeHead(plan.failRequests.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { type: 'injected', reason: 'injected fault' }, status: plan.failRequests.status }));
          return;
        }
        if (plan.rejectItem) {
          const lines = body.split('\n').filter((l) => l !== '');
          const kept: string[] = [];
          for (let i = 0; i < lines.length; i += 2) {
            const id = (JSON.parse(lines[i]!) as { index: { _id?: string } }).index._id ?? '';
            const seen = rejections.get(id) ?? 0;
            if (seen < plan.rejectItem(id)) {
              rejections.set(id, seen + 1);
              rejected.push(i / 2);
            } else {
              kept.push(lines[i]!, lines[i + 1]!);
            }
          }
          body = kept.length ? kept.join('\n') + '\n' : '';
        }
      }
      const total = isBulk ? rejected.length + body.split('\n').filter((l) => l !== '').length / 2 : 0;
      const answerRejectedOnly = isBulk && body === '' && rejected.length > 0;
      if (answerRejectedOnly) {
        res.writeHead(200, { 'content-type': 'application/json', ...(isOpenSearch() ? {} : { 'x-elastic-product': 'Elasticsearch' }) });
        res.end(JSON.stringify({ errors: true, items: rejected.map(() => rejectedItem()) }));
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'content-length': Buffer.byteLength(body) } },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            let text = Buffer.concat(out).toString();
            if (isBulk && rejected.length > 0 && up.statusCode === 200) {
              const parsed = JSON.parse(text) as { errors: boolean; items: unknown[] };
              const items: unknown[] = [];
              let k = 0;
              for (let i = 0; i < total; i++) items.push(rejected.includes(i) ? rejectedItem() : parsed.items[k++]);
              text = JSON.stringify({ ...parsed, errors: true, items });
            }
            const headers = { ...up.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            res.writeHead(up.statusCode ?? 500, headers);
            res.end(text);
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  whenDone(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    client: clusterAt(`http://127.0.0.1:${port}`),
    get bulkRequests() {
      return state.bulkRequests;
    },
    get bulkBodies() {
      return state.bulkBodies;
    },
    get bulkUrls() {
      return state.bulkUrls;
    },
  };
}
const tooManyItem = () => ({
  index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution (injected): queue capacity reached' } },
});
// What an engine answers for an item whose primary is on a node that left (seen on OpenSearch 2.19 after kill -9 of a node).
const unavailableItem = () => ({
  index: { status: 503, error: { type: 'unavailable_shards_exception', reason: '[idx][2] primary shard is not active Timeout: [10s] (injected)' } },
});

describe('bulkWrite', () => {
  it('writes 10,000 documents with ids from idField, reporting progress to the end', async () => {
    const index = indexName();
    const seen: BulkProgress[] = [];
    const result = await c.bulkWrite({ index, docs: movies(10_000), idField: 'id', onProgress: (p) => seen.push(p) });
    expect(result).toEqual({ indexed: 10_000, failed: 0, errors: [], aborted: false });
    expect(await docCount(index)).toBe(10_000);
    expect((await es().get({ index, id: '1234' }))._source).toEqual({ id: 1234, title: 'movie 1234', year: 1934 });
    expect(seen.at(-1)).toEqual({ done: 10_000, failed: 0 });
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
  });

  it('lets Elasticsearch assign ids without idField', async () => {
    const index = indexName();
    const result = await c.bulkWrite({ index, docs: movies(2500), batchSize: 1000 });
    expect(result.indexed).toBe(2500);
    expect(await docCount(index)).toBe(2500);
  });

  it('reports the documents Elasticsearch refuses, with their ids, and writes the others', async () => {
    const index = indexName();
    await strictIndex(index);
    const result = await c.bulkWrite({
      index,
      idField: 'id',
      docs: movies(300, (i) => (i % 20 === 7 ? { id: `m${i}`, title: 't', director: 'unknown field' } : { id: `m${i}`, title: 't' })),
      batchSize: 100,
    });
    expect(result.indexed).toBe(285);
    expect(result.failed).toBe(15);
    expect(result.errors).toHaveLength(10);
    const refusedIds = Array.from({ length: 15 }, (_, k) => `m${k * 20 + 7}`);
    for (const e of result.errors) {
      expect(refusedIds).toContain(e.id);
      expect(e).toMatchObject({ status: 400, type: 'strict_dynamic_mapping_exception' });
      expect(e.reason).toMatch(/director/);
    }
    expect(await docCount(index)).toBe(285);
  });

  it('counts a document without an idField value as failed, with a clear reason', async () => {
    const index = indexName();
    const docs = [{ id: 'a' }, { title: 'no id' }, { id: null }, { id: 7 }, { id: { nested: true } }];
    const result = await c.bulkWrite({ index, idField: 'id', docs: movies(docs.length, (i) => docs[i]!) });
    expect(result.indexed).toBe(2);
    expect(result.failed).toBe(3);
    expect(result.errors).toEqual([
      { id: null, status: 0, type: 'missing_id', reason: 'document #2 has no value in idField "id"' },
      { id: null, status: 0, type: 'missing_id', reason: 'document #3 has no value in idField "id"' },
      { id: null, status: 0, type: 'invalid_id', reason: 'document #5: idField "id" holds an object, not a string or number' },
    ]);
    expect((await es().get({ index, id: '7' })).found).toBe(true);
  });

  it('splits batches by bytes as well as by count', async () => {
    const proxy = await bulkFaultProxy({});
    const index = indexName();
    const big = 'x'.repeat(1000);
    const result = await proxy.client.bulkWrite({ index, idField: 'id', docs: movies(100, (i) => ({ id: i, text: big })), batchBytes: 10_000 });
    expect(result.indexed).toBe(100);
    expect(proxy.bulkRequests).toBeGreaterThanOrEqual(10);
    for (const body of proxy.bulkBodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(10_000);
  });

  it('checkpoints the unbroken run of written batches from the start: every document up to the position is in the index', async () => {
    const index = indexName();
    let read = 0;
    const checkpoints: Array<{ position: unknown; written: number }> = [];
    let ahead = 0;
    const result = await c.bulkWrite({
      index,
      idField: 'id',
      docs: (async function* () {
        for await (const d of movies(5_000)) {
          read++;
          yield d;
        }
      })(),
      batchSize: 250,
      concurrency: 3,
      positionAt: () => read,
      onCheckpoint: (cp) => {
        checkpoints.push(cp);
        ahead = Math.max(ahead, read - cp.written);
      },
    });
    expect(result.indexed).toBe(5_000);
    // The position is where the source stood when the batch closed: exactly the documents written.
    for (const cp of checkpoints) expect(cp.position).toBe(cp.written);
    expect(checkpoints.map((cp) => cp.written)).toEqual([...new Set(checkpoints.map((cp) => cp.written))].sort((a, b) => a - b));
    expect(checkpoints.at(-1)).toEqual({ position: 5_000, written: 5_000 });
    expect(ahead).toBeGreaterThan(0);
  });

  it('ends the run of checkpoints before a batch with a refused document, also one refused before sending', async () => {
    const index = indexName();
    await strictIndex(index);
    let read = 0;
    const checkpoints: number[] = [];
    const result = await c.bulkWrite({
      index,
      idField: 'id',
      docs: (async function* () {
        for await (const d of movies(1_000, (i) => (i === 620 ? { id: `m${i}`, director: 'unknown field' } : { id: `m${i}`, title: 't' }))) {
          read++;
          yield d;
        }
      })(),
      batchSize: 100,
      concurrency: 2,
      positionAt: () => read,
      onCheckpoint: (cp) => checkpoints.push(cp.written),
    });
    expect(result).toMatchObject({ indexed: 999, failed: 1 });
    expect(checkpoints.at(-1)).toBe(600);

    const refused: number[] = [];
    read = 0;
    await c.bulkWrite({
      index: indexName(),
      idField: 'id',
      docs: (async function* () {
        for await (const d of movies(1_000, (i) => (i === 350 ? { title: 'no id' } : { id: `m${i}` }))) {
          read++;
          yield d;
        }
      })(),
      batchSize: 100,
      positionAt: () => read,
      onCheckpoint: (cp) => refused.push(cp.written),
    });
    expect(refused.at(-1)).toBe(300);
  });

  it('does not read the source faster than requests drain', async () => {
    const index = indexName();
    let pulled = 0;
    let worstLead = 0;
    async function* counted(): AsyncGenerator<Doc> {
      for (let i = 0; i < 20_000; i++) {
        pulled++;
        yield { id: i };
      }
    }
    await c.bulkWrite({
      index,
      docs: counted(),
      batchSize: 500,
      concurrency: 2,
      onProgress: ({ done }) => {
        worstLead = Math.max(worstLead, pulled - done);
      },
    });
    // At most: the batches in flight, the one being filled, and the document that waits for a slot.
    expect(worstLead).toBeLessThanOrEqual(3 * 500 + 1);
    expect(pulled).toBe(20_000);
  });

  it('stops reading on abort, lets in-flight requests finish and says aborted', async () => {
    const index = indexName();
    const ac = new AbortController();
    let pulled = 0;
    async function* endless(): AsyncGenerator<Doc> {
      for (let i = 0; ; i++) {
        pulled++;
        yield { id: i, title: `movie ${i}` };
      }
    }
    const result = await c.bulkWrite({
      index,
      idField: 'id',
      docs: endless(),
      batchSize: 200,
      signal: ac.signal,
      onProgress: ({ done }) => {
        if (done >= 2000) ac.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.failed).toBe(0);
    expect(result.indexed).toBeGreaterThanOrEqual(2000);
    expect(pulled).toBeLessThan(result.indexed + 4 * 200);
    expect(await docCount(index)).toBe(result.indexed);
  });

  it('returns at once, reading nothing, when the signal is already aborted', async () => {
    let pulled = 0;
    async function* docs(): AsyncGenerator<Doc> {
      pulled++;
      yield { id: 1 };
    }
    const result = await c.bulkWrite({ index: indexName(), docs: docs(), signal: AbortSignal.abort() });
    expect(result).toEqual({ indexed: 0, failed: 0, errors: [], aborted: true });
    expect(pulled).toBe(0);
  });

  it('re-sends items rejected with 429 alone, with backoff, until they pass', async () => {
    const proxy = await bulkFaultProxy({ rejectItem: (id) => (Number(id) % 10 === 3 ? 2 : 0) });
    const index = indexName();
    const result = await proxy.client.bulkWrite({ index, idField: 'id', docs: movies(500), batchSize: 100, retryDelayMs: 5 });
    expect(result).toEqual({ indexed: 500, failed: 0, errors: [], aborted: false });
    expect(await docCount(index)).toBe(500);
    // 5 batches, then for each two rounds of re-sending only the rejected items.
    expect(proxy.bulkRequests).toBe(15);
    const retryBody = proxy.bulkBodies[proxy.bulkBodies.length - 1]!;
    expect(retryBody.split('\n').filter((l) => l.startsWith('{"index"')).every((l) => /"_id":"\d*3"/.test(l))).toBe(true);
  });

  it('re-sends items whose shard is unavailable for as long as the bound allows, however many tries that takes, saying so once a batch', async () => {
    const proxy = await bulkFaultProxy({ rejectAs: 503, rejectItem: (id) => (Number(id) % 7 === 2 ? 4 : 0) });
    const index = indexName();
    const said: Array<{ items: number; reason: string }> = [];
    const result = await proxy.client.bulkWrite({ index, idField: 'id', docs: movies(200), batchSize: 100, maxRetries: 1, retryDelayMs: 1, onUnavailable: (u) => said.push(u) });
    expect(result).toEqual({ indexed: 200, failed: 0, errors: [], aborted: false });
    expect(await docCount(index)).toBe(200);
    // Two batches (ids 0-99 hold 14 ids ≡ 2 mod 7, ids 100-199 hold 15), each said once, sent again four times.
    expect(said.map((u) => u.items).sort()).toEqual([14, 15]);
    expect(said.every((u) => /^unavailable_shards_exception: .*primary shard is not active/.test(u.reason))).toBe(true);
    expect(proxy.bulkRequests).toBe(2 + 2 * 4);
    // Each request asks the engine to wait at most 10 s for a shard, so that its answer comes before the request times out.
    expect(proxy.bulkUrls.every((u) => /[?&]timeout=10s(&|$)/.test(u))).toBe(true);
  });

  it('throws a ClusterError naming the bound once a shard stayed unavailable past it, after what could be written was', async () => {
    const proxy = await bulkFaultProxy({ rejectAs: 503, rejectItem: (id) => (id === '5' ? 1_000_000 : 0) });
    const index = indexName();
    const err = await proxy.client
      .bulkWrite({ index, idField: 'id', docs: movies(50), retryDelayMs: 20, unavailableTimeoutMs: 300 })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as Error).message).toMatch(
      new RegExp(`^gave up writing documents to ${index}: 1 of them waited \\S+ for a shard that stayed unavailable \\(the bound, --wait-timeout, is 300ms\\): unavailable_shards_exception`),
    );
    expect(await docCount(index)).toBe(49);
  });

  it('counts items still rejected after the last retry as failed', async () => {
    const proxy = await bulkFaultProxy({ rejectItem: (id) => (id === '42' ? 100 : 0) });
    const index = indexName();
    const result = await proxy.client.bulkWrite({ index, idField: 'id', docs: movies(100), maxRetries: 2, retryDelayMs: 1 });
    expect(result.indexed).toBe(99);
    expect(result.failed).toBe(1);
    expect(result.errors).toEqual([{ id: '42', status: 429, type: 'es_rejected_execution_exception', reason: expect.stringMatching(/rejected execution/) }]);
  });

  it('retries a whole request answered 429 or 503, or a dropped connection, then succeeds', async () => {
    for (const plan of [{ failFirst: 3, status: 429 as const }, { failFirst: 3, status: 503 as const }, { dropFirst: 2 }]) {
      const proxy = await startFaultProxy(esUrl(), plan);
      const client = clusterAt(proxy.url);
      const index = indexName();
      const result = await client.bulkWrite({ index, idField: 'id', docs: movies(1000), batchSize: 500, retryDelayMs: 1 });
      expect(result.indexed).toBe(1000);
      expect(await docCount(index)).toBe(1000);
    }
  });

  it('throws a ClusterError when the cluster keeps failing, or refuses the request', async () => {
    const proxy = await startFaultProxy(esUrl(), { failFirst: Infinity, status: 503 });
    const client = clusterAt(proxy.url);
    const err = await client.bulkWrite({ index: `${prefix}busy`, docs: movies(10), maxRetries: 2, retryDelayMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(
      new RegExp(
        `^gave up on writing documents to ${prefix}busy after 3 attempts over \\d+ms: ` +
          `${testEngine().name} at ${proxy.url.replace(/[.]/g, '\\.')} answered 503 \\(unavailable_shards_exception: fault injected by the test proxy \\(503\\)\\); given up within the bound of 2m30s \\(5 × the 30s timeout\\)$`,
      ),
    );
    expect(proxy.requests).toBe(3);
    const dead = clusterAt('http://127.0.0.1:1');
    const down = await dead.bulkWrite({ index: indexName(), docs: movies(10), maxRetries: 1, retryDelayMs: 1 }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ClusterError);
    expect((down as Error).message).toMatch(
      new RegExp(`^gave up on writing documents to \\S+ after 2 attempts over \\d+ms: cannot reach ${testEngine().name} at http://127\\.0\\.0\\.1:1 \\(connection refused\\); given up within the bound of 2m30s \\(5 × the 30s timeout\\)$`),
    );
    const refusing = await bulkFaultProxy({ failRequests: { count: 100, status: 400 } });
    const refused = await refusing.client.bulkWrite({ index: indexName(), docs: movies(10) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClusterError);
    expect((refused as ClusterError).details).toMatchObject({ status: 400, type: 'injected' });
    expect(refusing.bulkRequests).toBe(1);
  });

  it('treats a source that throws because the signal aborted as an abort', async () => {
    const index = indexName();
    const ac = new AbortController();
    async function* scanLike(): AsyncGenerator<Doc> {
      for (let i = 0; ; i++) {
        ac.signal.throwIfAborted();
        yield { id: i };
        if (i === 1200) ac.abort();
      }
    }
    const result = await c.bulkWrite({ index, idField: 'id', docs: scanLike(), batchSize: 500, signal: ac.signal });
    expect(result).toMatchObject({ aborted: true, indexed: 1000, failed: 0 });
  });

  it('lets in-flight requests finish and rethrows when the source fails', async () => {
    const index = indexName();
    async function* failing(): AsyncGenerator<Doc> {
      yield* movies(1500);
      throw new Error('source broke');
    }
    await expect(c.bulkWrite({ index, idField: 'id', docs: failing(), batchSize: 500 })).rejects.toThrow('source broke');
    expect(await docCount(index)).toBe(1500);
  });
});

describe('bulkWriteHits', () => {
  it('keeps the ids the hits carry', async () => {
    const index = indexName();
    async function* hits() {
      yield { _id: 'alpha', _source: { title: 'A' } };
      yield { _id: 'beta', _source: { title: 'B' } };
    }
    expect((await c.bulkWriteHits({ index, hits: hits() })).indexed).toBe(2);
    expect((await es().get({ index, id: 'beta' }))._source).toEqual({ title: 'B' });
  });
});

describe('prepareForFill / restoreAfterFill', () => {
  const fillSettings = async (index: string) => {
    const s = await es().indices.getSettings({ index, flat_settings: true });
    const flat = s[index]!.settings as Record<string, string>;
    return { refresh: flat['index.refresh_interval'], replicas: flat['index.number_of_replicas'], translog: flat['index.translog.durability'] };
  };

  const flushes = async (index: string) => (await es().indices.stats({ index, metric: ['flush'] })).indices?.[index]?.primaries?.flush?.total ?? 0;

  it('turns refreshes, replicas and per-request translog syncs off for the fill, then restores what the manifest declares', async () => {
    const index = indexName();
    await es().indices.create({ index, settings: { index: { refresh_interval: '5s', number_of_replicas: 0 } } });
    await c.prepareForFill(index);
    expect(await fillSettings(index)).toEqual({ refresh: '-1', replicas: '0', translog: 'async' });
    await c.bulkWrite({ index, docs: movies(50) });
    const flushedBefore = await flushes(index);
    await c.restoreAfterFill(index, { index: { refresh_interval: '5s' }, 'index.number_of_replicas': 0 });
    expect(await fillSettings(index)).toEqual({ refresh: '5s', replicas: '0', translog: undefined });
    // restore refreshed: the documents are visible without waiting for the interval.
    expect((await es().count({ index })).count).toBe(50);
    // ... and flushed (a Lucene commit holds every document, the translog synced): one flush more than before.
    expect(await flushes(index)).toBeGreaterThan(flushedBefore);
  });

  it('restores the translog durability a manifest declares', async () => {
    const index = indexName();
    await es().indices.create({ index, settings: { number_of_replicas: 0 } });
    await c.prepareForFill(index);
    await c.restoreAfterFill(index, { translog: { durability: 'async' }, number_of_replicas: 0 });
    expect((await fillSettings(index)).translog).toBe('async');
  });

  it('resets the settings the manifest does not declare to the defaults', async () => {
    const index = indexName();
    await es().indices.create({ index, settings: { number_of_replicas: 0 } });
    await c.prepareForFill(index);
    await c.restoreAfterFill(index, { number_of_shards: 1 });
    expect(await fillSettings(index)).toEqual({ refresh: undefined, replicas: '1', translog: undefined });
  });

  it('names the index when it cannot change its settings', async () => {
    const err = await c.prepareForFill(`${prefix}missing`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as Error).message).toMatch(/answered 404 \(index_not_found_exception: .*\) while preparing esmt_\w+missing for filling/);
  });
});
