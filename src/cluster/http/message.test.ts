import { describe, expect, it } from 'vitest';
import { authorization, isJson, requestBody, requestTarget, type ContentTypes } from './message.js';

const TYPES: ContentTypes = { json: 'application/j', ndjson: 'application/nd', acceptWithBody: 'application/j', accept: 'application/j,text/plain' };

describe('requestTarget', () => {
  it('puts the path under the URL’s own path, and encodes the query, leaving undefined values out', () => {
    expect(requestTarget('/', { path: '/movies-2/_bulk' })).toBe('/movies-2/_bulk');
    expect(requestTarget('/es/', { path: '/_count', querystring: { q: 'a b&c', refresh: true, size: 0, gone: undefined } })).toBe('/es/_count?q=a%20b%26c&refresh=true&size=0');
    expect(requestTarget('', { path: '/_cat/shards/x', querystring: { gone: undefined } })).toBe('/_cat/shards/x');
  });
});

describe('authorization', () => {
  it('is none, an API key, or basic auth', () => {
    expect(authorization({ kind: 'none' })).toBeUndefined();
    expect(authorization({ kind: 'apiKey', apiKey: 'k==' })).toBe('ApiKey k==');
    expect(authorization({ kind: 'basic', username: 'élodie', password: 'p:w' })).toBe(`Basic ${Buffer.from('élodie:p:w').toString('base64')}`);
  });
});

describe('requestBody', () => {
  it('a JSON body, an NDJSON body, no body: each with its content type and accept header', () => {
    const json = requestBody({ body: { query: { match_all: {} } } }, TYPES);
    expect(json.payload?.toString()).toBe('{"query":{"match_all":{}}}');
    expect(json.headers).toEqual({ 'content-type': 'application/j', accept: 'application/j', 'content-length': '26' });
    const nd = requestBody({ bulkBody: '{"index":{}}\n{"é":1}\n' }, TYPES);
    expect(nd.headers).toEqual({ 'content-type': 'application/nd', accept: 'application/j', 'content-length': String(Buffer.byteLength('{"index":{}}\n{"é":1}\n')) });
    expect(requestBody({}, TYPES)).toEqual({ payload: null, headers: { accept: 'application/j,text/plain' } });
    expect(requestBody({}, { ...TYPES, accept: null })).toEqual({ payload: null, headers: {} });
    expect(requestBody({ body: {} }, { ...TYPES, acceptWithBody: null }).headers).toEqual({ 'content-type': 'application/j', 'content-length': '2' });
  });
});

describe('isJson', () => {
  it('knows both engines’ JSON content types, and nothing else', () => {
    expect(isJson('application/json; charset=UTF-8')).toBe(true);
    expect(isJson('application/vnd.elasticsearch+json;compatible-with=8')).toBe(true);
    expect(isJson('application/vnd.opensearch+json')).toBe(true);
    expect(isJson('text/plain; charset=UTF-8')).toBe(false);
    expect(isJson(undefined)).toBe(false);
  });
});
