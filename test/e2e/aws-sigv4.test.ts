/**
 * AWS OpenSearch Service / Serverless without AWS: with ESM_AWS_REGION set, every
 * request esm sends carries a SigV4 signature made with the credentials of the AWS
 * default chain (here the fixed AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the test),
 * which a proxy checks on its own before forwarding to the node of the run. No secret
 * reaches stdout, stderr, the history or the recorded argv.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esm, movieManifest, movies } from '../support/apply-fixtures.js';
import { esUrl } from '../support/es.js';
import { ndjson, tempProject } from '../support/project.js';
import { startSigV4Proxy, type SigV4Proxy } from '../support/sigv4-proxy.js';

const ACCESS_KEY = 'AKIAESMTESTEXAMPLE01';
const SECRET = 'esm-test-secret/DoNotPrint+k3y0000000000';
const TOKEN = 'esm-test-session-token-0000000000000000';
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
let proxy: SigV4Proxy;
const p = tempProject('aws');

beforeAll(async () => {
  // The AWS default provider chain reads the process environment.
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  process.env.AWS_SESSION_TOKEN = TOKEN;
  proxy = await startSigV4Proxy(esUrl(), SECRET);
  p.manifest('movies', movieManifest());
  p.write('data/movies.ndjson', ndjson(movies(40)));
});

afterAll(() => {
  for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_SESSION_TOKEN', saved.token]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('AWS SigV4 signing', () => {
  it('signs every request of an apply (bodies and bulk included) and prints no secret anywhere', async () => {
    const aws = { ESM_URL: proxy.url, ESM_AWS_REGION: 'eu-west-1' };
    const r = await esm(p, ['apply', '--auto-approve'], 0, { env: aws });
    expect(proxy.refused).toEqual([]);
    const methods = new Set(proxy.verified.map((v) => v.method));
    expect(methods).toEqual(new Set(['GET', 'PUT', 'POST', 'HEAD', 'DELETE']));
    expect(proxy.verified.some((v) => v.path.includes('/_bulk') && v.bodyBytes > 0)).toBe(true);
    for (const v of proxy.verified) {
      expect(v.credential).toMatchObject({ accessKeyId: ACCESS_KEY, region: 'eu-west-1', service: 'es' });
      expect(v.signedHeaders).toContain('x-amz-security-token');
    }
    const list = await esm(p, ['list', '--json'], 0, { env: aws });
    expect(list.json().masters[0].active).toBe(`${p.prefix}movies-1`);
    const history = await esm(p, ['history', '--json'], 0, { env: aws });
    const state = readFileSync(p.statePath);
    for (const out of [r.stdout, r.stderr, list.stdout, list.stderr, history.stdout, state.toString('latin1')]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(TOKEN);
    }
  });

  it('signs for OpenSearch Serverless with ESM_AWS_SERVICE=aoss', async () => {
    const before = proxy.verified.length;
    await esm(p, ['list', '--json'], 0, { env: { ESM_URL: proxy.url, ESM_AWS_REGION: 'us-east-2', ESM_AWS_SERVICE: 'aoss' } });
    const mine = proxy.verified.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    for (const v of mine) expect(v.credential).toMatchObject({ region: 'us-east-2', service: 'aoss' });
    expect(proxy.refused).toEqual([]);
  });

  it('is refused when signed with other credentials: the verifier checks, and esm says so without the secret', async () => {
    const before = proxy.refused.length;
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret-the-proxy-knows-000000000';
    try {
      const r = await p.cli(['list', '--json'], { env: { ESM_URL: proxy.url, ESM_AWS_REGION: 'eu-west-1' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/answered 403 \(security_exception: SigV4: signature does not match\)/);
      expect(r.stderr).not.toContain('not-the-secret');
      expect(proxy.refused.length).toBeGreaterThan(before);
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    }
  });
});
