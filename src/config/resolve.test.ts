import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeConfig, resolveConfig } from './resolve.js';
import { redactText } from '../redact.js';
import { InvalidInputError } from '../errors.js';
import { scratchDir } from '../../test/support/scratch.js';

const base = { flags: {}, env: {}, file: null, fileDir: null, configFile: null, cwd: '/srv/proj' };

describe('configuration precedence: flag > env > esm.config.yaml > default', () => {
  it('uses the defaults', () => {
    const c = mergeConfig(base);
    expect(c.url).toBe('http://127.0.0.1:9200');
    expect(c.prefix).toBe('');
    expect(c.statePath).toBe('/srv/proj/.esm/state.sqlite');
    expect(c.manifestsDir).toBe('/srv/proj/manifests');
    expect(c.auth).toEqual({ kind: 'none' });
  });

  it.each([
    ['flag beats env and file', { url: 'http://flag:1' }, { ESM_URL: 'http://env:2' }, { url: 'http://file:3' }, 'http://flag:1'],
    ['env beats file', {}, { ESM_URL: 'http://env:2' }, { url: 'http://file:3' }, 'http://env:2'],
    ['ESM_URL beats ELASTICSEARCH_URL', {}, { ESM_URL: 'http://env:2', ELASTICSEARCH_URL: 'http://es:4' }, null, 'http://env:2'],
    ['ELASTICSEARCH_URL is the fallback env', {}, { ELASTICSEARCH_URL: 'http://es:4' }, { url: 'http://file:3' }, 'http://es:4'],
    ['file beats default', {}, {}, { url: 'http://file:3' }, 'http://file:3'],
  ])('url: %s', (_name, flags, env, file, expected) => {
    expect(mergeConfig({ ...base, flags, env, file, fileDir: '/srv/proj' }).url).toBe(expected);
  });

  it('resolves prefix, state and manifests through every layer', () => {
    const file = { prefix: 'file_', state: 'st/file.sqlite', manifests: 'defs' };
    expect(mergeConfig({ ...base, file, fileDir: '/srv/proj/conf' })).toMatchObject({
      prefix: 'file_',
      statePath: '/srv/proj/conf/st/file.sqlite', // relative to the config file
      manifestsDir: '/srv/proj/conf/defs',
    });
    const env = { ESM_PREFIX: 'env_', ESM_STATE: 'env.sqlite', ESM_MANIFESTS: 'm2' };
    expect(mergeConfig({ ...base, env, file, fileDir: '/srv/proj/conf' })).toMatchObject({
      prefix: 'env_',
      statePath: '/srv/proj/env.sqlite',
      manifestsDir: '/srv/proj/m2',
    });
    const flags = { prefix: 'qa1_', state: '/abs/s.sqlite', manifests: 'x' };
    expect(mergeConfig({ ...base, flags, env, file, fileDir: '/srv/proj/conf' })).toMatchObject({
      prefix: 'qa1_',
      statePath: '/abs/s.sqlite',
      manifestsDir: '/srv/proj/x',
    });
  });

  it('an explicitly empty --prefix overrides ESM_PREFIX', () => {
    expect(mergeConfig({ ...base, flags: { prefix: '' }, env: { ESM_PREFIX: 'env_' } }).prefix).toBe('');
  });

  it('takes auth from the environment, API key first', () => {
    expect(mergeConfig({ ...base, env: { ESM_API_KEY: 'k', ESM_USERNAME: 'u', ESM_PASSWORD: 'p' } }).auth).toEqual({ kind: 'apiKey', apiKey: 'k' });
    expect(mergeConfig({ ...base, env: { ESM_USERNAME: 'u', ESM_PASSWORD: 'p' } }).auth).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(() => mergeConfig({ ...base, env: { ESM_USERNAME: 'u' } })).toThrow(InvalidInputError);
  });

  it('moves credentials out of the URL so the URL can be printed', () => {
    const c = mergeConfig({ ...base, flags: { url: 'https://elastic:s3cret@es.example:9243/' } });
    expect(c.url).toBe('https://es.example:9243');
    expect(c.auth).toEqual({ kind: 'basic', username: 'elastic', password: 's3cret' });
    expect(redactText('https://elastic:s3cret@es.example:9243')).toBe('https://***@es.example:9243');
  });

  it.each([
    [{ url: 'not a url' }],
    [{ url: 'ftp://x' }],
    [{ prefix: 'Upper_' }],
    [{ prefix: '-x' }],
    [{ prefix: 'a b' }],
  ])('rejects %j with an InvalidInputError (exit 3)', (flags) => {
    expect(() => mergeConfig({ ...base, flags })).toThrow(InvalidInputError);
  });

  it('reads esm.config.yaml from the working directory', async () => {
    const dir = scratchDir('cfg');
    writeFileSync(join(dir, 'esm.config.yaml'), 'url: http://127.0.0.1:9299\nprefix: dev_\n');
    const c = await resolveConfig({}, {}, dir);
    expect(c).toMatchObject({ url: 'http://127.0.0.1:9299', prefix: 'dev_', configFile: join(dir, 'esm.config.yaml') });
  });
});

describe('engine, AWS signing and request timeout (SPEC §5)', () => {
  it('defaults to auto-detection, no signing and 30 s a request', () => {
    expect(mergeConfig(base)).toMatchObject({ engine: 'auto', aws: null, timeoutMs: 30_000 });
  });

  it('takes the engine from --engine, then ESM_ENGINE, then the file, and refuses an unknown one', () => {
    expect(mergeConfig({ ...base, flags: { engine: 'opensearch' }, env: { ESM_ENGINE: 'elasticsearch' } }).engine).toBe('opensearch');
    expect(mergeConfig({ ...base, env: { ESM_ENGINE: 'OpenSearch' }, file: { engine: 'elasticsearch' } }).engine).toBe('opensearch');
    expect(mergeConfig({ ...base, file: { engine: 'elasticsearch' } }).engine).toBe('elasticsearch');
    expect(() => mergeConfig({ ...base, env: { ESM_ENGINE: 'solr' } })).toThrow(/invalid engine "solr" \(from ESM_ENGINE\): expected auto, elasticsearch, opensearch/);
  });

  it('reads timeouts as 30s, 2m, 500ms, 1m30s or plain seconds, flag > env > file', () => {
    const t = (timeout: string) => mergeConfig({ ...base, flags: { timeout } }).timeoutMs;
    expect([t('30s'), t('2m'), t('500ms'), t('1m30s'), t('45'), t('2.5')]).toEqual([30_000, 120_000, 500, 90_000, 45_000, 2_500]);
    expect(mergeConfig({ ...base, flags: { timeout: '5s' }, env: { ESM_TIMEOUT: '9s' }, file: { timeout: 11 } }).timeoutMs).toBe(5_000);
    expect(mergeConfig({ ...base, env: { ESM_TIMEOUT: '9s' }, file: { timeout: 11 } }).timeoutMs).toBe(9_000);
    expect(mergeConfig({ ...base, file: { timeout: 11 } }).timeoutMs).toBe(11_000);
    for (const bad of ['soon', '0', '-5s', '10 parsecs', '2d']) {
      expect(() => mergeConfig({ ...base, flags: { timeout: bad } }), bad).toThrow(InvalidInputError);
    }
    expect(() => mergeConfig({ ...base, env: { ESM_TIMEOUT: 'soon' } })).toThrow(/invalid timeout "soon" \(from ESM_TIMEOUT\): expected a duration such as 30s/);
  });

  it('signs with AWS SigV4 when ESM_AWS_REGION is set (service es unless aoss), never together with other credentials', () => {
    expect(mergeConfig({ ...base, env: { ESM_AWS_REGION: 'eu-west-1' } }).aws).toEqual({ region: 'eu-west-1', service: 'es' });
    expect(mergeConfig({ ...base, env: { ESM_AWS_REGION: 'us-east-2', ESM_AWS_SERVICE: 'aoss' } }).aws).toEqual({ region: 'us-east-2', service: 'aoss' });
    expect(() => mergeConfig({ ...base, env: { ESM_AWS_REGION: 'eu-west-1', ESM_AWS_SERVICE: 's3' } })).toThrow(/invalid ESM_AWS_SERVICE "s3"/);
    expect(() => mergeConfig({ ...base, env: { ESM_AWS_SERVICE: 'es' } })).toThrow(/ESM_AWS_SERVICE needs ESM_AWS_REGION/);
    expect(() => mergeConfig({ ...base, env: { ESM_AWS_REGION: 'Europe' } })).toThrow(/invalid ESM_AWS_REGION "Europe"/);
    expect(() => mergeConfig({ ...base, env: { ESM_AWS_REGION: 'eu-west-1', ESM_API_KEY: 'k' } })).toThrow(/do not also set ESM_API_KEY/);
    expect(() => mergeConfig({ ...base, env: { ESM_AWS_REGION: 'eu-west-1', ESM_ENGINE: 'elasticsearch' } })).toThrow(/works with OpenSearch only/);
  });
});
