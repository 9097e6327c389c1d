import { describe, expect, it } from 'vitest';
import { fieldTypeFindings } from './index.js';

const M = (properties: Record<string, unknown>) => ({ properties });

describe('fieldTypeFindings: field types against each engine’s list', () => {
  it('types every engine has: nothing to say', () => {
    expect(fieldTypeFindings(M({ a: { type: 'keyword', fields: { t: { type: 'text' } } }, o: { properties: { n: { type: 'long' } } }, w: { type: 'wildcard' } }), 'auto')).toEqual([]);
  });

  it('a typo: a problem at its type, naming the full field and the type meant', () => {
    expect(fieldTypeFindings(M({ process: { properties: { io: { properties: { text: { type: 'dubble' } } } } } }), 'auto')).toEqual([
      {
        at: ['spec', 'mappings', 'properties', 'process', 'properties', 'io', 'properties', 'text', 'type'],
        severity: 'problem',
        message: 'field process.io.text: type "dubble" is not a field type of Elasticsearch or OpenSearch (did you mean "double"?)',
      },
    ]);
    // A multi-field is named in full too.
    expect(fieldTypeFindings(M({ title: { type: 'keyword', fields: { text: { type: 'txt' } } } }), 'auto')[0]).toMatchObject({ severity: 'problem', message: 'field title.text: type "txt" is not a field type of Elasticsearch or OpenSearch (did you mean "text"?)' });
  });

  it('a type esm does not know and that is close to none (a plugin’s?): nothing, the engine decides at plan; an empty one is a problem', () => {
    expect(fieldTypeFindings(M({ x: { type: 'my_plugin_type' } }), 'auto')).toEqual([]);
    expect(fieldTypeFindings(M({ x: { type: ' ' } }), 'auto')).toEqual([expect.objectContaining({ severity: 'problem', message: 'field x: the type is empty' })]);
  });

  it('a type one engine lacks: a warning naming it and its counterpart; with that engine configured, a problem', () => {
    const flat = M({ labels: { type: 'flattened' } });
    expect(fieldTypeFindings(flat, 'auto')).toEqual([
      expect.objectContaining({ severity: 'warning', message: 'field labels: type "flattened" is a field type of Elasticsearch only: OpenSearch lacks it; OpenSearch has "flat_object"' }),
    ]);
    expect(fieldTypeFindings(flat, 'elasticsearch')).toEqual([expect.objectContaining({ severity: 'warning' })]);
    expect(fieldTypeFindings(flat, 'opensearch')).toEqual([
      expect.objectContaining({ severity: 'problem', message: 'field labels: type "flattened" is not a field type of OpenSearch, the configured engine (only Elasticsearch has it; OpenSearch has "flat_object")' }),
    ]);
    expect(fieldTypeFindings(M({ labels: { type: 'flat_object' } }), 'elasticsearch')[0]).toMatchObject({ severity: 'problem' });
    expect(fieldTypeFindings(M({ v: { type: 'knn_vector', dimension: 3 } }), 'elasticsearch')[0]!.message).toContain('Elasticsearch has "dense_vector"');
  });
});
