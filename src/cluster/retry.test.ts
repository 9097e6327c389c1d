import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { esUrl, rawClient, scratchPrefix, testCluster, testEngine } from '../../test/support/es.js';
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js';
import type { Auth } from './engine.js';
import { ClusterError } from '../errors.js';
import type { Cluster } from './cluster.js';
import { backoffDelay, failureError, retryPolicy, withRetry } from './retry.js';

const fast = { tries: 5, baseMs: 5, maxMs: 20 };

/** The engine is forced: these tests count the requests a proxy sees, and the engine probe would be one more. */
function clusterAt(url: string, auth: Auth = { kind: 'none' }, counter?: { n: number }): Cluster {
  return testCluster({ url, auth, forceEngine: true, retry: fast, onRequest: counter ? () => counter.n++ : undefined });
}

function proxy(plan: Parameters<typeof startFaultProxy>[1]): Promise<FaultProxy> {
  return startFaultProxy(esUrl(), plan);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function failure(p: Promise<unknown>): Promise<ClusterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ClusterError);
  return e as ClusterError;
}

describe('backoff', () => {
  it('doubles from the base, stays within half..full of the step, and is capped', () => {
    const policy = retryPolicy({ baseMs: 200, maxMs: 5000 });
    expect(backoffDelay(1, policy, () => 0)).toBe(100);
    expect(backoffDelay(1, policy, () => 1)).toBe(200);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(10, policy, () => 1)).toBe(5000);
    expect(backoffDelay(10, policy, () => 0)).toBe(2500);
  });

  it('defaults to 5 tries, 200 ms base, 5 s cap', () => {
    expect(retryPolicy()).toEqual({ tries: 5, baseMs: 200, maxMs: 5000 });
  });

  it('stops retrying at the deadline, saying how many attempts over how long', async () => {
    let calls = 0;
    const timeout = Object.assign(new Error('slow'), { kind: 'timeout' });
    const started = Date.now();
    const e = await failure(
      withRetry(
        async () => {
          calls++;
          throw timeout;
        },
        retryPolicy({ tries: 100, baseMs: 40, maxMs: 40, deadlineMs: 150 }),
        { url: 'http://x', what: 'writing documents to movies-2', timeoutMs: 30, classify: (err) => (err === timeout ? { kind: 'timeout' } : null) },
      ),
    );
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(e.message).toMatch(
      new RegExp(`^gave up on writing documents to movies-2 after ${calls} attempts over \\d+ms: Elasticsearch at http://x did not answer within 30ms; given up within the bound of 150ms \\(5 × the 30ms timeout\\)$`),
    );
  });

  it('puts what esm was doing before a reason that ends in advice, after one attempt', () => {
    const e = failureError({ kind: 'other', reason: 'the server did not identify itself; use --engine x' }, 1, {
      url: 'http://127.0.0.1:1',
      label: 'Elasticsearch',
      what: 'reading cluster health',
    });
    expect(e.message).toBe('Elasticsearch at http://127.0.0.1:1, while reading cluster health: the server did not identify itself; use --engine x');
  });

  it('passes errors that are not the client’s through untouched, without retrying', async () => {
    let calls = 0;
    const boom = new TypeError('bug');
    await expect(
      withRetry(
        async () => {
          calls++;
          throw boom;
        },
        retryPolicy(fast),
        { url: 'http://x' },
      ),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
  });
});

describe('retries against a faulty cluster', () => {
  it('succeeds after two 429 answers', async () => {
    const p = await proxy({ failFirst: 2, status: 429 });
    const info = await clusterAt(p.url).info();
    expect(info.clusterName).toBeTruthy();
    expect(p.requests).toBeGreaterThanOrEqual(3);
  });

  it('succeeds after dropped connections', async () => {
    // An index of its own: a count of `*` also meets the other test files' indices being created and deleted,
    // whose passing errors (retried) would add requests the drops did not cause.
    const index = `${scratchPrefix('drops')}counted`;
    await rawClient().index({ index, id: '1', document: { n: 1 }, refresh: true });
    const p = await proxy({ dropFirst: 2 });
    const c = clusterAt(p.url);
    expect(await c.count(index)).toBe(1);
    expect(p.requests).toBe(3);
  });

  it('gives up on a 503 that never ends, naming the URL, the status and the attempts', async () => {
    const p = await proxy({ failFirst: Infinity, status: 503 });
    const counter = { n: 0 };
    const e = await failure(clusterAt(p.url, { kind: 'none' }, counter).refresh('anything'));
    expect(e.message).toMatch(new RegExp(`^gave up on refreshing anything after 5 attempts over \\d+ms: ${testEngine().name} at ${p.url.replace(/[.]/g, '\\.')} answered 503 .*; given up within the bound of 2m30s \\(5 × the 30s timeout\\)$`));
    expect(e.details).toMatchObject({ status: 503, url: p.url });
    expect(p.requests).toBe(5);
    expect(counter.n).toBe(5);
  });

  it('says "cannot reach" when nothing listens', async () => {
    const port = await closedPort();
    const e = await failure(clusterAt(`http://127.0.0.1:${port}`).info());
    expect(e.message).toMatch(`after 5 attempts over `);
    expect(e.message).toMatch(`: cannot reach ${testEngine().name} at http://127.0.0.1:${port} (connection refused)`);
  });

  it('says "cannot reach the cluster" when nothing listens and the engine is not known yet', async () => {
    const port = await closedPort();
    const c = testCluster({ url: `http://127.0.0.1:${port}`, retry: fast });
    const e = await failure(c.info());
    expect(e.message).toMatch(
      new RegExp(`^gave up on finding out which engine answers \\(GET /\\) after 5 attempts over \\d+ms: cannot reach the cluster at http://127\\.0\\.0\\.1:${port} \\(connection refused\\); given up within the bound of 2m30s \\(5 × the 30s timeout\\)$`),
    );
  });

  it('never prints credentials: userinfo in the URL, basic auth, API key', async () => {
    const port = await closedPort();
    const e1 = await failure(clusterAt(`http://admin:s3cret-pw@127.0.0.1:${port}`).info());
    expect(e1.message).toContain(`http://127.0.0.1:${port}`);
    expect(e1.message).not.toMatch(/admin|s3cret/);

    const p = await proxy({ failFirst: Infinity, status: 502 });
    const e2 = await failure(clusterAt(p.url, { kind: 'basic', username: 'elastic', password: 'hunter2-pass' }).refresh('x'));
    const e3 = await failure(clusterAt(p.url, { kind: 'apiKey', apiKey: 'QUJDOkRFRg==' }).refresh('x'));
    for (const e of [e2, e3]) {
      expect(e.message).toContain('answered 502');
      expect(e.message).not.toMatch(/hunter2|elastic:|QUJDOkRFRg/);
      expect(JSON.stringify(e.details)).not.toMatch(/hunter2|QUJDOkRFRg/);
    }
  });

  it('stops retrying at once when aborted, with the abort reason', async () => {
    const p = await proxy({ failFirst: Infinity, status: 503 });
    const c = testCluster({ url: p.url, forceEngine: true, retry: { tries: 5, baseMs: 400, maxMs: 400 } });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('interrupted')), 100);
    const started = Date.now();
    await expect(c.scan('anything', { signal: ctl.signal }).next()).rejects.toThrow('interrupted');
    expect(Date.now() - started).toBeLessThan(400);
    expect(p.requests).toBe(1);
  });

  it('does not retry an error Elasticsearch means, and reports its type and reason', async () => {
    const counter = { n: 0 };
    const c = clusterAt(esUrl(), { kind: 'none' }, counter);
    const e = await failure(c.putSettings('esm_no_such_index_xyz', { number_of_replicas: 0 }));
    expect(e.details.status).toBe(404);
    expect(e.message).toContain('404 (index_not_found_exception: no such index [esm_no_such_index_xyz])');
    expect(counter.n).toBe(1);
  });
});
