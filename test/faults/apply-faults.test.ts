/**
 * Fault suite: `esm apply` replacing an instance against the real node
 * through a fault-injecting proxy. Every run ends either in success with every
 * source document in the new, active instance (none missing, none doubled), or
 * in exit 1 with one clear message, a `failed` action in the history and the
 * alias still on the old instance.
 */
import { describe, expect, it } from 'vitest';
import { manifestYaml } from '../support/manifest-builders.js';
import { rawClient, esUrl } from '../support/es.js';
import { isBulk, startFaultProxy, type FaultPlan, type FaultProxy } from '../support/fault-proxy.js';
import { ndjson, type TempProject } from '../support/project.js';
import { actions, aliasTargets, movies, ok, project } from '../commands/helpers.js';

const DOCS = 60;

/** movies-1 active with 40 documents; then the manifest needs a new instance and the source holds DOCS documents. */
async function aReplacePending(): Promise<TempProject> {
  const q = project('flt', { movies: { docs: 40 } });
  await ok(q, ['apply', '--auto-approve']);
  expect(await aliasTargets(`${q.prefix}movies`)).toEqual([`${q.prefix}movies-1`]);
  q.manifest('movies', manifestYaml({ name: 'movies', settings: { number_of_shards: 2, number_of_replicas: 0 } }));
  q.write('data/movies.ndjson', ndjson(movies(DOCS)));
  return q;
}

type Outcome = 'success' | 'failure';

/** Apply through a proxy with `plan`; checks the outcome is one of the two clean ones (every document, or nothing moved) and returns which, with the proxy. */
async function applyThrough(q: TempProject, plan: FaultPlan, env: Record<string, string> = {}, flags: string[] = []): Promise<{ outcome: Outcome; stderr: string; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(esUrl(), plan);
  const r = await q.cli(['apply', '--auto-approve', '--batch-size', '10', ...flags], { env: { ESM_URL: proxy.url, ...env } });
  const alias = `${q.prefix}movies`;
  const history = await actions(q);
  if (r.code === 0) {
    expect(await aliasTargets(alias)).toEqual([`${q.prefix}movies-2`]);
    await rawClient().indices.refresh({ index: `${q.prefix}movies-2` });
    const res = await rawClient().search<{ id: string }>({ index: `${q.prefix}movies-2`, size: 1000, _source: ['id'] });
    const ids = res.hits.hits.map((h) => h._id).sort();
    expect(ids).toEqual(movies(DOCS).map((m) => m.id).sort());
    expect((await rawClient().count({ index: `${q.prefix}movies-2` })).count).toBe(DOCS);
    expect(history.filter((a) => a.status !== 'complete')).toEqual([]);
    return { outcome: 'success', stderr: r.stderr, proxy };
  }
  // Progress lines (plain, no TTY), then one message: the last line of stderr.
  expect(r.code).toBe(1);
  const last = r.stderr.trim().split('\n').at(-1)!;
  expect(last).toMatch(/^esm: apply failed for movies \(.+\)\. The aliases of failed masters stay where they were/);
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
  expect(history.some((a) => a.status === 'failed' && a.master === 'movies')).toBe(true);
  expect(await aliasTargets(alias)).toEqual([`${q.prefix}movies-1`]);
  expect((await rawClient().count({ index: `${q.prefix}movies-1` })).count).toBe(40);
  return { outcome: 'failure', stderr: last, proxy };
}

describe('apply through faults', () => {
  it('429 on the first 3 requests: retried, every document present', async () => {
    const q = await aReplacePending();
    expect((await applyThrough(q, { failFirst: 3, status: 429 })).outcome).toBe('success');
  });

  it('503 on the first 3 bulk requests: retried, every document present', async () => {
    const q = await aReplacePending();
    const r = await applyThrough(q, { match: isBulk, failFirst: 3, status: 503 });
    expect(r.outcome).toBe('success');
    expect(r.proxy.matched).toBeGreaterThan(3);
  });

  it('connections dropped before the node saw the request: retried, every document present', async () => {
    const q = await aReplacePending();
    expect((await applyThrough(q, { dropFirst: 2 })).outcome).toBe('success');
  });

  it('connections dropped after the node executed a bulk request: re-sent, no document doubled', async () => {
    const q = await aReplacePending();
    expect((await applyThrough(q, { match: isBulk, dropAfterFirst: 2 })).outcome).toBe('success');
  });

  it('every bulk item rejected, always: exit 1, a failed action, the alias untouched', async () => {
    const q = await aReplacePending();
    const r = await applyThrough(q, { match: isBulk, rejectItemsFirst: Infinity });
    expect(r.outcome).toBe('failure');
    expect(r.stderr).toMatch(/rejected|es_rejected_execution_exception/);
  }, 120_000);

  // One bulk request at a time gets 7 attempts (6 retries): a burst as long as the retries is absorbed, a longer one is not.
  it('6 faults in a row on one bulk request (as many as its retries): retried, every document present', async () => {
    const q = await aReplacePending();
    const r = await applyThrough(q, { match: isBulk, failFirst: 6, status: 503 }, {}, ['--concurrency', '1']);
    expect(r.outcome).toBe('success');
    expect(r.proxy.matched).toBeGreaterThan(6);
  }, 120_000);

  it('20 faults in a row on one bulk request (more than its retries): exit 1, a failed action, the alias untouched', async () => {
    const q = await aReplacePending();
    const r = await applyThrough(q, { match: isBulk, failFirst: 20, status: 503 }, {}, ['--concurrency', '1']);
    expect(r.outcome).toBe('failure');
    expect(r.stderr).toMatch(/503/);
  }, 120_000);

  // 2s: every other request (an index created on a busy node) must still be answered within it; esm's timer is exact.
  it('a silent server (bulk requests never answered): exit 1 saying how often it tried and the 2s --timeout, the alias untouched', async () => {
    const q = await aReplacePending();
    const r = await applyThrough(q, { match: isBulk, silentFirst: Infinity }, { ESM_TIMEOUT: '2s' });
    expect(r.outcome).toBe('failure');
    expect(r.stderr).toMatch(/gave up on writing documents to \S+ after \d+ attempts over [^:]+: .*did not answer within 2s/);
  }, 120_000);
});
