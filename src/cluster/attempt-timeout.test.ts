/**
 * The request timeout is esm's own: against a server that accepts
 * connections and never answers, every attempt ends when the timeout is up — not when
 * a client's coarse timer gets round to it — and the retries end within the bound the
 * message states. No cluster is needed: the server here is the stalled cluster.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterError } from '../errors.js';
import { connect } from './cluster.js';
import { AttemptTimedOut, withinTimeout } from './attempt-timeout.js';
import { openOpenSearch } from './opensearch/dialect.js';
import { openSignedOpenSearch } from './opensearch/signed.js';
import { silentServer, type SilentConnection } from '../../test/support/servers.js';

let url: string;
/** The silent server's connections: when they opened and closed, and which carried a request. */
let seen: SilentConnection[] = [];

beforeAll(async () => {
  const silent = await silentServer();
  url = silent.url;
  seen = silent.connections;
});
beforeEach(() => {
  seen.length = 0;
});

describe('a stalled cluster', () => {
  it('is given up on within the bound the message states, each attempt ending at its timeout (esm’s HTTP door)', async () => {
    const c = connect({ url, auth: { kind: 'none' }, caCert: null, engine: 'elasticsearch', timeoutMs: 300 });
    const e = await c.count('movies').then(
      () => null,
      (err: unknown) => err,
    );
    await c.close();
    expect(e).toBeInstanceOf(ClusterError);
    const m = /^gave up on counting documents in movies after (\d+) attempts over \S+: Elasticsearch at \S+ did not answer within 300ms; given up within the bound of 1\.5s \(5 × the 300ms timeout\)$/.exec((e as Error).message);
    expect(m, (e as Error).message).not.toBeNull();
    const requests = seen.filter((x) => x.request);
    expect(requests.length).toBe(Number(m![1]));
    expect((e as ClusterError).details.unreachable).toBe(true);
    expect(c.unreachable).toBe(e);
  });

  it.each([
    ['through the HTTP door cleanly, as an abort', openOpenSearch],
    ['of the OpenSearch client (AWS-signed connections) cleanly: the client’s abort is no uncaught error', openSignedOpenSearch],
  ])('aborts a request %s', async (_, open) => {
    const client = await open({ url, auth: { kind: 'none' }, ca: null, aws: null, timeoutMs: 30_000 });
    const ctl = new AbortController();
    const sent = client.send({ method: 'POST', path: '/movies/_count' }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('stop')), 100);
    const err = await sent.then(
      () => null,
      (x: unknown) => x,
    );
    expect(client.classify(err)).toEqual({ kind: 'aborted' });
    // An uncaught error would surface on the next turns of the event loop and fail the run.
    await new Promise((r) => setTimeout(r, 100));
    await client.close();
  });
});

describe('withinTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts the attempt when the timeout is up, by its own timer, whatever the client makes of the abort', async () => {
    vi.useFakeTimers();
    let aborted: unknown;
    const attempt = withinTimeout(5_000, undefined, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject((aborted = new Error('the client: request aborted'))))));
    const settled = attempt.then(
      () => 'answered',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(aborted).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const e = await settled;
    expect(e).toBeInstanceOf(AttemptTimedOut);
    expect(aborted).toBeInstanceOf(Error);
  });

  it('passes the caller’s abort through, and an answer in time', async () => {
    const ctl = new AbortController();
    const reason = new Error('Ctrl-C');
    const stopped = withinTimeout(60_000, ctl.signal, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    ctl.abort(reason);
    await expect(stopped).rejects.toBe(reason);
    await expect(withinTimeout(60_000, undefined, async () => 'answer')).resolves.toBe('answer');
  });
});
