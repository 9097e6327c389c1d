/**
 * The field types of Elasticsearch (8.x and 9.x) for `esm validate`, which runs offline.
 *
 * Where it came from:
 * - server: elastic/elasticsearch, server/src/main/java/org/elasticsearch/indices/IndicesModule.java,
 *   getMappers(): every NumberFieldMapper.NumberType and RangeType, then boolean, binary,
 *   completion, date, date_nanos, alias, flattened, geo_point, ip, keyword, object, nested,
 *   passthrough, text, dense_vector, sparse_vector (read on the main branch as stored).
 * - modules: the MapperPlugin modules of the default distribution (modules/mapper-extras,
 *   modules/parent-join, modules/percolator, and the x-pack modules wildcard, constant-keyword,
 *   unsigned-long, version-field, mapper-aggregate-metric, analytics (histogram), mapper-counted-keyword,
 *   spatial, inference (semantic_text)).
 * - The integ-test distribution the tests run has the server's types only: the test that checks
 *   this list on a node names the module types it cannot check there.
 */
import type { FieldTypeList } from './types.js';

export const ELASTICSEARCH_TYPES: FieldTypeList = {
  engine: 'elasticsearch',
  label: 'Elasticsearch',
  server: [
    'long', 'integer', 'short', 'byte', 'double', 'float', 'half_float',
    'integer_range', 'float_range', 'long_range', 'double_range', 'date_range', 'ip_range',
    'boolean', 'binary', 'completion', 'date', 'date_nanos', 'alias', 'flattened', 'geo_point', 'ip',
    'keyword', 'object', 'nested', 'passthrough', 'text', 'dense_vector', 'sparse_vector',
  ],
  modules: {
    'mapper-extras': ['scaled_float', 'search_as_you_type', 'rank_feature', 'rank_features', 'token_count', 'match_only_text'],
    'parent-join': ['join'],
    percolator: ['percolator'],
    wildcard: ['wildcard'],
    'constant-keyword': ['constant_keyword'],
    'unsigned-long': ['unsigned_long'],
    'version-field': ['version'],
    'mapper-aggregate-metric': ['aggregate_metric_double'],
    analytics: ['histogram'],
    'mapper-counted-keyword': ['counted_keyword'],
    spatial: ['geo_shape', 'shape', 'point'],
    inference: ['semantic_text'],
  },
  plugins: {
    'analysis-icu': ['icu_collation_keyword'],
    'mapper-annotated-text': ['annotated_text'],
    'mapper-murmur3': ['murmur3'],
  },
};
