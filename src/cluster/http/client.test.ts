/**
 * esm's HTTP door against local servers that answer as a cluster would, for what a test
 * node cannot be made to do on demand: answers from a server that is not the chosen
 * engine, a body that lies about its type, a dropped connection, TLS with a private CA.
 * The door against the real nodes is the whole cluster suite.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeWhenDone } from '../../../test/support/servers.js';
import { scratchDir } from '../../../test/support/scratch.js';
import { connect } from '../cluster.js';
import type { ClientConfig, EngineClient, HttpRequest } from '../engine.js';
import { openElasticsearch } from '../elasticsearch/dialect.js';
import { openOpenSearch } from '../opensearch/dialect.js';
import { packageVersion } from './version.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server answering each request with `answer`; what it was sent, in order. */
async function server(answer: (req: Seen, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closeWhenDone(s);
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

const ES = { 'x-elastic-product': 'Elasticsearch' };
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = ES) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const config = (url: string, more: Partial<ClientConfig> = {}): ClientConfig => ({ url, auth: { kind: 'none' }, ca: null, aws: null, timeoutMs: 10_000, ...more });

/** What `send` resolved with, or the failure its error is classified as. */
async function outcome(client: EngineClient, req: HttpRequest): Promise<{ ok: unknown } | { failure: unknown }> {
  try {
    return { ok: await client.send(req) };
  } catch (e) {
    const failure = client.classify(e);
    if (!failure) throw e;
    return { failure };
  }
}

describe('the HTTP door', () => {
  it('sends the request as the engine’s client did: target, content types, user agent, auth; one onRequest per attempt', async () => {
    // Elasticsearch's header to the API-key requests (the Elasticsearch ones), none to the others.
    const { url, seen } = await server((r, res) => json(res, 200, { count: 3 }, r.headers.authorization?.startsWith('ApiKey') ? ES : {}));
    const events: unknown[] = [];
    const es = await openElasticsearch(config(`${url}/es/`, { auth: { kind: 'apiKey', apiKey: 'k1' }, onRequest: (e) => events.push(e) }));
    expect(await es.send({ method: 'POST', path: '/movies/_count', querystring: { q: 'a b', x: undefined }, body: { query: { match_all: {} } } })).toEqual({ count: 3 });
    expect(await es.send({ method: 'POST', path: '/_bulk', bulkBody: '{"index":{}}\n{}\n' })).toEqual({ count: 3 });
    await es.close();
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/es/movies/_count?q=a%20b', body: '{"query":{"match_all":{}}}' });
    expect(seen[0]!.headers).toMatchObject({
      'content-type': 'application/vnd.elasticsearch+json; compatible-with=8',
      accept: 'application/vnd.elasticsearch+json; compatible-with=8',
      authorization: 'ApiKey k1',
      'user-agent': `esm/${packageVersion()}`,
    });
    expect(seen[1]!.headers['content-type']).toBe('application/vnd.elasticsearch+x-ndjson; compatible-with=8');
    expect(events).toEqual([
      { method: 'POST', path: '/movies/_count' },
      { method: 'POST', path: '/_bulk' },
    ]);

    const os = await openOpenSearch(config(url, { auth: { kind: 'basic', username: 'u', password: 'p' } }));
    await os.send({ method: 'PUT', path: '/m', body: {} });
    await os.send({ method: 'GET', path: '/m' });
    await os.close();
    expect(seen[2]!.headers).toMatchObject({ 'content-type': 'application/json', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(seen[2]!.headers.accept).toBeUndefined();
    expect(seen[3]!.headers.accept).toBeUndefined();
  });

  it('reads answers as the clients did: HEAD as true/false, text and empty bodies as text, an error status with its error body', async () => {
    const { url } = await server((r, res) => {
      if (r.url === '/here') return json(res, 200, {});
      if (r.url === '/gone') return json(res, 404, {});
      if (r.url === '/_cat/shards/m') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', ...ES });
        return res.end('m 0 p STARTED\n');
      }
      if (r.url === '/empty') {
        res.writeHead(200, { 'content-type': 'application/json', ...ES });
        return res.end();
      }
      if (r.url === '/busy') return json(res, 429, { error: { type: 'es_rejected_execution_exception', reason: 'rejected' }, status: 429 });
      json(res, 400, { error: { type: 'illegal_argument_exception', reason: 'bad' }, status: 400 });
    });
    const c = await openElasticsearch(config(url));
    expect(await outcome(c, { method: 'HEAD', path: '/here' })).toEqual({ ok: true });
    expect(await outcome(c, { method: 'HEAD', path: '/gone' })).toEqual({ ok: false });
    expect(await outcome(c, { method: 'GET', path: '/_cat/shards/m' })).toEqual({ ok: 'm 0 p STARTED\n' });
    expect(await outcome(c, { method: 'GET', path: '/empty' })).toEqual({ ok: '' });
    expect(await outcome(c, { method: 'GET', path: '/busy' })).toEqual({ failure: { kind: 'status', status: 429, type: 'es_rejected_execution_exception', reason: 'rejected', retryable: true } });
    expect(await outcome(c, { method: 'GET', path: '/gone' })).toEqual({ failure: { kind: 'status', status: 404, retryable: false } });
    expect(await outcome(c, { method: 'PUT', path: '/x', body: {} })).toEqual({ failure: { kind: 'status', status: 400, type: 'illegal_argument_exception', reason: 'bad', retryable: false } });
    await c.close();
  });

  it('refuses an answer from another engine than the one chosen, as the clients did', async () => {
    const { url } = await server((r, res) => (r.url === '/os' ? json(res, 200, { version: { distribution: 'opensearch' } }, {}) : json(res, 200, {}, ES)));
    const es = await openElasticsearch(config(url));
    expect(await outcome(es, { method: 'GET', path: '/os' })).toEqual({
      failure: { kind: 'other', reason: 'the server did not identify itself as Elasticsearch (no x-elastic-product header); for OpenSearch use --engine opensearch' },
    });
    const os = await openOpenSearch(config(url));
    expect(await outcome(os, { method: 'GET', path: '/es' })).toEqual({
      failure: { kind: 'other', reason: 'the server identifies itself as Elasticsearch (x-elastic-product header); use --engine elasticsearch, or leave --engine out' },
    });
    expect(await outcome(os, { method: 'GET', path: '/os' })).toEqual({ ok: { version: { distribution: 'opensearch' } } });
    await Promise.all([es.close(), os.close()]);
  });

  it('a JSON answer that is not JSON, a dropped connection, a refused one, a timeout', async () => {
    const { url } = await server((r, res) => {
      if (r.url === '/broken') {
        res.writeHead(200, { 'content-type': 'application/json', ...ES });
        return res.end('{"half":');
      }
      if (r.url === '/slow') return setTimeout(() => json(res, 200, {}), 2_000);
      res.socket?.destroy();
    });
    const c = await openElasticsearch(config(url, { timeoutMs: 200 }));
    expect(await outcome(c, { method: 'GET', path: '/broken' })).toEqual({ failure: { kind: 'other', reason: 'the answer to GET /broken is not the JSON its content type says' } });
    expect(await outcome(c, { method: 'POST', path: '/drop', body: {} })).toEqual({ failure: { kind: 'connection', reason: 'connection reset', retryable: true } });
    expect(await outcome(c, { method: 'GET', path: '/slow' })).toEqual({ failure: { kind: 'timeout' } });
    await c.close();
    const refused = await openElasticsearch(config('http://127.0.0.1:1'));
    expect(await outcome(refused, { method: 'GET', path: '/' })).toEqual({ failure: { kind: 'connection', reason: 'connection refused', retryable: true } });
  });

  it('refuses a URL it cannot use as invalid input', async () => {
    await expect(openElasticsearch(config('ftp://example.org'))).rejects.toThrow(/^cannot use the cluster URL ftp:\/\/example\.org: the protocol ftp: is neither http: nor https:$/);
    await expect(openOpenSearch(config('not a url'))).rejects.toThrow(/^cannot use the cluster URL/);
  });
});

describe('TLS with a private CA (ESM_CA_CERT)', () => {
  /** A CA and a certificate for 127.0.0.1 signed by it (openssl, made for this run). */
  function certificates(): { ca: string; key: Buffer; cert: Buffer } {
    const dir = scratchDir('tls');
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=esm test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=127.0.0.1');
    execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > ext.cnf'], { cwd: dir });
    run('x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.pem', '-days', '2', '-extfile', 'ext.cnf');
    return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'node.key')), cert: readFileSync(join(dir, 'node.pem')) };
  }

  it('the engine is found and requests are answered over https with the CA; without it the certificate is refused, not retried', async () => {
    const { ca, key, cert } = certificates();
    const s = createHttpsServer({ key, cert }, (req, res) => {
      if (req.url === '/') return json(res, 200, { version: { number: '8.19.7' } });
      json(res, 200, { count: 7 });
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    closeWhenDone(s as unknown as import('node:http').Server);
    const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;

    const c = connect({ url, auth: { kind: 'none' }, caCert: ca });
    expect(await c.count('movies')).toBe(7);
    await c.close();

    const untrusted = connect({ url, auth: { kind: 'none' }, caCert: null }, { retry: { tries: 3 } });
    const e = await untrusted.count('movies').then(
      () => null,
      (err: unknown) => err as Error,
    );
    await untrusted.close();
    expect(e?.message).toMatch(/\(TLS: .*certificate.*\)/);
    expect(e?.message).not.toMatch(/after \d+ attempts/);
  });
});
