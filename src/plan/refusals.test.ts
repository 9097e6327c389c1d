import { describe, expect, it } from 'vitest';
import { aManifest } from '../../test/support/manifest-builders.js';
import { explainRefusal, refusalProblem } from './refusals.js';

const ecsLike = aManifest({
  name: 'ecs',
  mappings: {
    properties: {
      process: {
        properties: {
          title: { type: 'keyword', fields: { text: { type: 'match_only_text' } } },
          io: { properties: { text: { type: 'dubble' } } },
        },
      },
      message: { type: 'text', fields: { text: { type: 'text' } } },
      order: { properties: { total: { type: 'keyword', foo: 1 } } },
      body: { type: 'text', analyzer: 'nope' },
      'url.path': { type: 'wildcard' },
    },
  },
});

describe('explainRefusal: the engine names a field by its last segment, esm in full', () => {
  it('an unknown type (Elasticsearch wording): the one field of that type among those called text', () => {
    const r = explainRefusal(ecsLike, 'The mapper type [dubble] declared on field [text] does not exist. It might have been created within a future version');
    expect(r.fields.map((f) => f.name)).toEqual(['process.io.text']);
    expect(r.fields[0]!.at).toEqual(['properties', 'process', 'properties', 'io', 'properties', 'text']);
    expect(r.reason).toContain('declared on field [process.io.text] does not exist');
    expect(refusalProblem(r, ecsLike.origin).message).toBe(`ecs: the cluster refuses field process.io.text: ${r.reason}`);
  });

  it('an unknown type (OpenSearch wording), and a multi-field', () => {
    const r = explainRefusal(ecsLike, 'No handler for type [match_only_text] declared on field [text]');
    expect(r.fields.map((f) => f.name)).toEqual(['process.title.text']);
    expect(r.fields[0]!.at).toEqual(['properties', 'process', 'properties', 'title', 'fields', 'text']);
    expect(r.reason).toBe('No handler for type [match_only_text] declared on field [process.title.text]');
  });

  it('an unknown parameter: the field of that name, type and parameter', () => {
    const r = explainRefusal(ecsLike, 'unknown parameter [foo] on mapper [total] of type [keyword]');
    expect(r.fields.map((f) => f.name)).toEqual(['order.total']);
    expect(r.reason).toBe('unknown parameter [foo] on mapper [order.total] of type [keyword]');
  });

  it('an analyzer that is not defined: the fields that use it', () => {
    const r = explainRefusal(ecsLike, 'analyzer [nope] has not been configured in mappings');
    expect(r.fields.map((f) => f.name)).toEqual(['body']);
    expect(refusalProblem(r, ecsLike.origin).message).toContain('ecs: the cluster refuses field body: analyzer [nope]');
  });

  it('a dotted field name written in the manifest is named as written', () => {
    const r = explainRefusal(ecsLike, 'No handler for type [wildcard] declared on field [path]');
    expect(r.fields.map((f) => f.name)).toEqual(['url.path']);
  });

  it('several candidates are all named; none: the reason as the engine gave it', () => {
    const two = explainRefusal(ecsLike, 'something is wrong with field [text]');
    expect(two.fields.map((f) => f.name)).toEqual(['process.title.text', 'process.io.text', 'message.text']);
    const none = explainRefusal(ecsLike, 'unknown setting [index.number_of_shardz] did you mean [index.number_of_shards]?');
    expect(none).toEqual({ master: 'ecs', reason: 'unknown setting [index.number_of_shardz] did you mean [index.number_of_shards]?', fields: [] });
    expect(refusalProblem(none, ecsLike.origin).message).toBe('ecs: the cluster refuses the spec: unknown setting [index.number_of_shardz] did you mean [index.number_of_shards]?');
  });
});
