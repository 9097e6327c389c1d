import { describe, expect, it } from 'vitest';
import { forgetJsonText, jsonTextOf, withJsonText } from './json-text.js';

describe('the JSON text a document was read from', () => {
  const line = '{"id":"m-1","n":12345678901234567890}';

  it('is found again on the document, and nowhere a reader of the document looks', () => {
    const doc = withJsonText(JSON.parse(line) as Record<string, unknown>, line);
    expect(jsonTextOf(doc)).toBe(line);
    expect(Object.keys(doc)).toEqual(['id', 'n']);
    expect(JSON.stringify(doc)).toBe('{"id":"m-1","n":12345678901234567000}');
    const seen: string[] = [];
    for (const k in doc) seen.push(k);
    expect(seen).toEqual(['id', 'n']);
  });

  it('does not follow a copy: a changed copy is serialised again, not sent as the old line', () => {
    const doc = withJsonText(JSON.parse(line) as Record<string, unknown>, line);
    expect(jsonTextOf({ ...doc, n: 1 })).toBeUndefined();
    expect(jsonTextOf(Object.assign({}, doc))).toBeUndefined();
    expect(jsonTextOf(structuredClone(doc))).toBeUndefined();
    expect(jsonTextOf(Object.create(doc) as Record<string, unknown>)).toBeUndefined();
  });

  it('is forgotten once a document is to be changed in place', () => {
    const doc = withJsonText(JSON.parse(line) as Record<string, unknown>, line);
    forgetJsonText(doc);
    expect(jsonTextOf(doc)).toBeUndefined();
  });

  it('is not there for a document no line was read for', () => {
    expect(jsonTextOf({ id: 'm-2' })).toBeUndefined();
  });
});
