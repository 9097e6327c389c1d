import { describe, expect, it } from 'vitest';
import { displayUrl, redact, redactArgv, redactText } from './redact.js';

describe('redactArgv', () => {
  it.each([
    [['--url', 'https://elastic:pw@es:9200'], ['--url', 'https://***@es:9200']],
    [['--url=http://elastic:pw@es:9200/x'], ['--url=http://***@es:9200/x']],
    [['--password=pw', '--token', 'tk'], ['--password=***', '--token', '***']],
    [['--api-key', 'k', '--api_key=k', '--apikey', 'k', '--es-password', 'p', '--client-secret=s'], ['--api-key', '***', '--api_key=***', '--apikey', '***', '--es-password', '***', '--client-secret=***']],
    [['ESM_API_KEY=abc', 'ESM_PASSWORD=pw'], ['ESM_API_KEY=***', 'ESM_PASSWORD=***']],
  ])('masks %j', (argv, expected) => {
    expect(redactArgv(argv)).toEqual(expected);
  });

  it('keeps ordinary arguments, including flags that only end like a secret word', () => {
    const argv = ['esm', 'apply', 'plan.json', '--auto-approve', '--bypass', 'movies', '--url', 'http://127.0.0.1:9200', '--since', '2025-01-01'];
    expect(redactArgv(argv)).toEqual(argv);
  });

  it('masks URL userinfo inside free text', () => {
    expect(redactText('connect ECONNREFUSED https://u:p@es.example:9200 and http://x@y')).toBe('connect ECONNREFUSED https://***@es.example:9200 and http://***@y');
  });
});

describe('displayUrl / redact', () => {
  it('drops userinfo and the trailing slash', () => {
    expect(displayUrl('https://elastic:pa%40ss@es.example:9243/')).toBe('https://es.example:9243');
    expect(displayUrl('http://127.0.0.1:9200')).toBe('http://127.0.0.1:9200');
    expect(displayUrl('not a url://user:pw@host/')).toBe('not a url://host');
  });

  it('scrubs every known secret', () => {
    expect(redact('key QUJD and QUJD again, pw hunter2', ['QUJD', 'hunter2'])).toBe('key *** and *** again, pw ***');
  });
});
