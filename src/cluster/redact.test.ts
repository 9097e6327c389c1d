import { describe, expect, it } from 'vitest';
import { displayUrl, redact } from './redact.js';

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
