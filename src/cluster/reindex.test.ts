/**
 * Filling an index from another, on the real node of the run. Where the node has the
 * reindex module (OpenSearch's test node) the copy is a server-side `_reindex` task;
 * where it has none (Elasticsearch's integ-test distribution) each test asserts the
 * client-side fallback instead, so no test passes without checking something.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rawClient, scratchPrefix, testCluster } from '../../test/support/es.js';
import { ClusterError, RuntimeError } from '../errors.js';
import type { InstanceMeta } from './types.js';
import type { ReindexProgress, ReindexTask } from './reindex.js';

const prefix = scratchPrefix('reindex');
const c = testCluster();
const source = `${prefix}movies-1`;
const DOCS = 2500;
let n = 1;
const settings = { number_of_shards: 2, number_of_replicas: 0 };
const mappings = { properties: { title: { type: 'text' }, genre: { type: 'keyword' }, year: { type: 'integer' } } };
const meta = (instance: number): InstanceMeta => ({ master: 'movies', instance, fingerprint: 'sha256:test', createdAt: '2024-05-01T10:00:00.000Z', commit: null });

/** A new, empty destination instance. */
async function dest(): Promise<string> {
  n++;
  const name = `${prefix}movies-${n}`;
  await c.createIndex(name, { settings, mappings, meta: meta(n) });
  return name;
}

async function docCount(index: string, query?: Record<string, unknown>): Promise<number> {
  await c.refresh(index);
  return c.count(index, query);
}

async function years(index: string): Promise<Map<string, number>> {
  await c.refresh(index);
  const out = new Map<string, number>();
  for await (const h of c.scan(index)) out.set(h._id, h._source.year as number);
  return out;
}

let hasReindex = false;

beforeAll(async () => {
  hasReindex = (await c.capabilities()).reindex;
  await c.createIndex(source, { settings, mappings, meta: meta(1) });
  async function* docs() {
    for (let i = 0; i < DOCS; i++) yield { id: `m${i}`, title: `movie ${i}`, genre: i % 5 === 0 ? 'noir' : 'drama', year: 1950 + (i % 70) };
  }
  const res = await c.bulkWrite({ index: source, docs: docs(), idField: 'id' });
  expect(res.indexed).toBe(DOCS);
  await c.refresh(source);
});

describe('reindex', () => {
  it('copies every document with its id, server side where the cluster has the module, and reports progress to the end', async () => {
    const to = await dest();
    const seen: ReindexProgress[] = [];
    const result = await c.reindex({ source, dest: to, pollMs: 50, onProgress: (p) => seen.push(p) });
    expect(result).toEqual({ created: DOCS, failed: 0, errors: [], aborted: false, via: hasReindex ? 'server' : 'client' });
    expect(await docCount(to)).toBe(DOCS);
    const copied = await years(to);
    expect(copied.get('m1234')).toBe(1950 + (1234 % 70));
    expect(seen.at(-1)).toEqual({ done: DOCS, total: DOCS });
  });

  it('copies only the documents matching the query', async () => {
    const to = await dest();
    const result = await c.reindex({ source, dest: to, query: { term: { genre: 'noir' } }, pollMs: 50 });
    expect(result.created).toBe(DOCS / 5);
    expect(await docCount(to)).toBe(DOCS / 5);
    expect(await docCount(to, { term: { genre: 'drama' } })).toBe(0);
  });

  it('runs a painless script on every document copied; without the module it refuses before writing anything', async () => {
    const to = await dest();
    const script = { source: 'ctx._source.year += params.by', lang: 'painless', params: { by: 100 } };
    if (hasReindex) {
      const result = await c.reindex({ source, dest: to, script, pollMs: 50 });
      expect(result).toMatchObject({ created: DOCS, failed: 0, via: 'server' });
      const before = await years(source);
      const after = await years(to);
      expect(after.size).toBe(DOCS);
      for (const [id, year] of before) expect(after.get(id)).toBe(year + 100);
    } else {
      const err = await c.reindex({ source, dest: to, script }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RuntimeError);
      expect((err as Error).message).toMatch(/^reindex scripts need the reindex module on the cluster/);
      expect(await docCount(to)).toBe(0);
    }
  });

  it('runs sliced and throttled, and shows progress from the running slices before the task ends', async () => {
    const to = await dest();
    const seen: ReindexProgress[] = [];
    // 2 slices of 1,250 documents in batches of 500, at 200 documents a second in all: a
    // slice writes a batch, then waits 5 s. The parent task alone reports 0 until a whole
    // slice has finished; the running slices tell the first batches at once.
    const started = Date.now();
    const result = await c.reindex({ source, dest: to, slices: 2, requestsPerSecond: 200, batchSize: 500, pollMs: 100, onProgress: (p) => seen.push(p) });
    // 2,500 documents at 200 a second cannot take much less (a lower bound only: a busy machine is slower).
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(result).toMatchObject({ created: DOCS, failed: 0, via: hasReindex ? 'server' : 'client' });
    expect(await docCount(to)).toBe(DOCS);
    expect(seen.at(-1)).toEqual({ done: DOCS, total: DOCS });
    const firstMoved = seen.find((p) => p.done > 0)!;
    // At most the first batch of each slice (2 × 500), where a finished slice alone holds about 1,250.
    expect(firstMoved.done).toBeLessThanOrEqual(1000);
    const dones = seen.map((p) => p.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
  });

  it('stops on abort and says so; a server-side task is cancelled', async () => {
    const to = await dest();
    const ac = new AbortController();
    const result = await c.reindex({
      source,
      dest: to,
      batchSize: 100,
      // Throttled so that the task is still running when the abort comes.
      requestsPerSecond: 50,
      pollMs: 50,
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    expect(result.aborted).toBe(true);
    expect(result.created).toBeLessThan(DOCS);
    // Nothing goes on writing after the abort returned.
    const settled = await docCount(to);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await docCount(to)).toBe(settled);
    expect(settled).toBeLessThan(DOCS);
  });

  describe('a task that outlived esm', () => {
    /** A throttled server task copying `source` into `to`, started as a killed esm left it. */
    async function startedTask(to: string): Promise<string> {
      const res = await rawClient().transport.request<{ task: string }>({
        method: 'POST',
        path: '/_reindex',
        querystring: { wait_for_completion: false, requests_per_second: 500 },
        body: { source: { index: source, size: 100 }, dest: { index: to } },
      });
      return res.task;
    }

    it('is re-attached to by its id, or found by its description, and never started twice; without the module the copy runs client-side', async () => {
      const byId = await dest();
      if (!hasReindex) {
        const tasks: ReindexTask[] = [];
        const result = await c.reindex({ source, dest: byId, resumeTask: 'gone:1', onTask: (t) => tasks.push(t) });
        expect(result).toMatchObject({ created: DOCS, via: 'client' });
        expect(tasks).toEqual([]);
        return;
      }
      const id = await startedTask(byId);
      const seen: ReindexTask[] = [];
      const progress: ReindexProgress[] = [];
      const result = await c.reindex({ source, dest: byId, resumeTask: id, pollMs: 50, onTask: (t) => seen.push(t), onProgress: (p) => progress.push(p) });
      expect(seen).toEqual([{ id, how: 'attached', why: 'its id was recorded by the stopped fill', written: expect.any(Number), startedAt: expect.any(Number) }]);
      expect(result).toMatchObject({ created: DOCS, failed: 0, via: 'server' });
      expect(progress.at(-1)).toEqual({ done: DOCS, total: DOCS });

      const byDescription = await dest();
      const other = await startedTask(byDescription);
      const found: ReindexTask[] = [];
      await c.reindex({ source, dest: byDescription, pollMs: 50, onTask: (t) => found.push(t) });
      expect(found).toEqual([{ id: other, how: 'attached', why: `found by its description "reindex from [${source}] to [${byDescription}]"`, written: expect.any(Number), startedAt: expect.any(Number) }]);
      expect(await docCount(byDescription)).toBe(DOCS);
    });

    it('that completed gives its result; one that was cancelled is started again, saying why', async () => {
      const to = await dest();
      if (!hasReindex) {
        expect((await c.reindex({ source, dest: to, resumeTask: 'x:1' })).via).toBe('client');
        return;
      }
      const done = await startedTask(to);
      await rawClient().tasks.get({ task_id: done, wait_for_completion: true, timeout: '60s' });
      const seen: ReindexTask[] = [];
      expect(await c.reindex({ source, dest: to, resumeTask: done, onTask: (t) => seen.push(t) })).toMatchObject({ created: DOCS, via: 'server' });
      expect(seen).toEqual([{ id: done, how: 'finished', written: DOCS }]);

      const again = await dest();
      const cancelled = await startedTask(again);
      await rawClient().tasks.cancel({ task_id: cancelled, wait_for_completion: true });
      const restarted: ReindexTask[] = [];
      expect(await c.reindex({ source, dest: again, resumeTask: cancelled, pollMs: 50, onTask: (t) => restarted.push(t) })).toMatchObject({ created: DOCS });
      // How the engine words the cancel depends on where the task was when it came (its own
      // reason; its scroll ended with "request has been terminated"; or, on OpenSearch, a child
      // task refused: "The parent task was cancelled, shouldn't start any child tasks, by user
      // request"): either way a cancellation.
      expect(restarted).toEqual([
        { id: expect.not.stringMatching(cancelled), how: 'started', written: 0, why: expect.stringMatching(new RegExp(`^the reindex task ${cancelled} of the stopped fill was cancelled \\(([^()]*by user request|request has been terminated)\\)$`)) },
      ]);
      expect(await docCount(again)).toBe(DOCS);
    });

    it('cancelled by someone else while watched, fails the copy instead of counting it complete', async () => {
      const to = await dest();
      if (!hasReindex) {
        expect((await c.reindex({ source, dest: to })).via).toBe('client');
        return;
      }
      let cancelled = false;
      const err = await c
        .reindex({
          source,
          dest: to,
          requestsPerSecond: 100,
          batchSize: 100,
          pollMs: 50,
          onTask: (t) => void rawClient().tasks.cancel({ task_id: t.id }).then(() => (cancelled = true)),
        })
        .catch((e: unknown) => e);
      expect(cancelled).toBe(true);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as Error).message).toMatch(new RegExp(`^reindexing ${source} into ${to}: the task was cancelled \\((by user request|request has been terminated)\\)$`));
    });
  });
});
