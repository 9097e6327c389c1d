/**
 * Editor help for mappings and settings: schemas/manifest.schema.json
 * describes field types and their parameters, and stays as permissive as the engines —
 * it never makes a manifest the engine takes invalid.
 */
import { readFileSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../errors.js';
import { manifestYaml } from '../../test/support/manifest-builders.js';
import { parseManifestTexts } from './parse.js';
import { schemaOf } from './schemas.js';

type Rec = Record<string, any>;
const schema = schemaOf('manifest') as Rec;
const field = schema.definitions.field as Rec;

function problems(text: string): string[] {
  try {
    parseManifestTexts([{ file: 'manifests/m.yaml', text }]);
    return [];
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems.map(formatProblem);
    throw e;
  }
}
const withMappings = (mappings: string, settings = '') =>
  `apiVersion: esm/v1\nkind: IndexMaster\nmetadata:\n  name: movies\nspec:\n${settings ? `  settings:\n${settings}` : ''}  mappings:\n${mappings}`;

const TYPES = [
  'text', 'keyword', 'long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'date', 'date_nanos',
  'boolean', 'binary', 'object', 'nested', 'flattened', 'ip', 'geo_point', 'geo_shape', 'completion', 'search_as_you_type',
  'alias', 'dense_vector', 'knn_vector', 'join', 'rank_feature', 'rank_features', 'wildcard', 'constant_keyword',
  'match_only_text', 'token_count', 'percolator', 'integer_range', 'long_range', 'date_range', 'ip_range',
];

describe('the manifest schema describes mappings', () => {
  it('spec.mappings and spec.settings point at described definitions, not a bare object', () => {
    expect(schema.definitions.masterSpec.properties.mappings.$ref).toBe('#/definitions/mappings');
    expect(schema.definitions.masterSpec.properties.settings.$ref).toBe('#/definitions/indexSettings');
    expect(schema.definitions.mappings.properties.properties.$ref).toBe('#/definitions/fields');
    expect(schema.definitions.fields.additionalProperties.$ref).toBe('#/definitions/field');
  });

  it('offers the field types of Elasticsearch and OpenSearch to editors', () => {
    expect(field.properties.type.examples).toEqual(expect.arrayContaining(TYPES));
  });

  it('describes the common parameters per type, dynamic, fields, properties and analyzer', () => {
    for (const param of ['analyzer', 'search_analyzer', 'normalizer', 'fields', 'properties', 'dynamic', 'index', 'doc_values', 'store', 'copy_to', 'ignore_above', 'format', 'scaling_factor', 'dims', 'dimension', 'method', 'path', 'relations', 'null_value']) {
      expect(typeof field.properties[param]?.description, param).toBe('string');
    }
    expect(field.properties.scaling_factor.description).toMatch(/^scaled_float/);
    expect(field.properties.dimension.description).toMatch(/^knn_vector \(OpenSearch/);
    expect(field.properties.fields.$ref).toBe('#/definitions/fields');
  });

  it('describes well-known index settings, nested under index. too', () => {
    const st = schema.definitions.indexSettings.properties;
    for (const s of ['number_of_shards', 'number_of_replicas', 'refresh_interval', 'analysis', 'max_result_window', 'codec', 'knn']) expect(typeof st[s]?.description, s).toBe('string');
    expect(st.index.$ref).toBe('#/definitions/indexSettings');
    expect(Object.keys(st.analysis.properties)).toEqual(['analyzer', 'tokenizer', 'filter', 'char_filter', 'normalizer']);
  });
});

describe('as permissive as the engine', () => {
  it('takes every type, with multi-fields, nested properties and parameters it does not know', () => {
    const props = TYPES.map((t) => `      f_${t}: { type: ${t}, some_future_parameter: 1 }`).join('\n');
    const text = withMappings(
      `    dynamic: strict\n    _source: { enabled: true }\n    future_mapping_option: x\n    properties:\n${props}\n` +
        '      title:\n        type: text\n        analyzer: english\n        fields: { raw: { type: keyword, ignore_above: "256" } }\n' +
        '      author:\n        properties:\n          name: { type: text, copy_to: [all, names] }\n' +
        '      tags: { type: icu_collation_keyword_from_a_plugin, index: "false" }\n',
      '    number_of_shards: "2"\n    index.refresh_interval: 30s\n    index: { max_result_window: 20000 }\n    analysis:\n      analyzer:\n        folding: { type: custom, tokenizer: standard, filter: [lowercase, asciifolding] }\n    some.plugin.setting: true\n',
    );
    expect(problems(text)).toEqual([]);
  });

  it('keeps every manifest of this repository and of the test builders valid', () => {
    const files = globSync(['manifests/**/*.yaml', 'examples/**/*.yaml', 'test/**/manifests/**/*.yaml'], { ignore: ['**/node_modules/**'] });
    for (const file of files) expect(problems(readFileSync(file, 'utf8')), file).toEqual([]);
    expect(problems(manifestYaml({ name: 'movies' }))).toEqual([]);
  });
});

describe('wrong shapes, told at file:line:col', () => {
  it.each([
    ['a type that is not a name', '    properties:\n      title: { type: 5 }\n', 'manifests/m.yaml:8:22: spec.mappings.properties.title.type must be a string (got 5)'],
    ['properties as a list', '    properties: [title]\n', 'manifests/m.yaml:7:17: spec.mappings.properties must be a mapping (got a list)'],
    ['fields as a list', '    properties:\n      title: { type: text, fields: [raw] }\n', 'manifests/m.yaml:8:36: spec.mappings.properties.title.fields must be a mapping (got a list)'],
    ['a field that is a string', '    properties:\n      title: text\n', 'manifests/m.yaml:8:14: spec.mappings.properties.title must be a mapping (got "text")'],
  ])('%s', (_name, mappings, expected) => {
    expect(problems(withMappings(mappings))).toEqual([expected]);
  });

  it('dynamic is one of the values the engines know', () => {
    expect(problems(withMappings('    dynamic: maybe\n    properties: {}\n'))).toEqual([expect.stringMatching(/^manifests\/m\.yaml:7:14: spec\.mappings\.dynamic must be one of .*strict, runtime.* \(got "maybe"\)$/)]);
  });
});
