/**
 * The field types of OpenSearch (2.x and 3.x) for `esm validate`, which runs offline.
 *
 * Where it came from:
 * - server: opensearch-project/OpenSearch, server/src/main/java/org/opensearch/indices/IndicesModule.java,
 *   getMappers(): every NumberFieldMapper.NumberType (unsigned_long among them since 2.8) and RangeType,
 *   then boolean, binary, date, date_nanos, ip, text, match_only_text, keyword, object, nested,
 *   completion, alias, geo_point, flat_object, derived; and wildcard and constant_keyword, which the 2.19
 *   server registers too (the stored copy of IndicesModule.java predates them; field-types.es.test.ts
 *   found constant_keyword on the 2.19.6 node).
 * - modules: the MapperPlugin modules of the distribution (modules/mapper-extras, modules/parent-join,
 *   modules/percolator, modules/geo).
 * - plugins: the k-NN and neural-search plugins of the full distribution, analysis-icu, the mapper plugins.
 * - The test node (2.19.6) has mapper-extras and parent-join: the test that checks this list on it
 *   names the module types it cannot check there.
 */
import type { FieldTypeList } from './types.js';

export const OPENSEARCH_TYPES: FieldTypeList = {
  engine: 'opensearch',
  label: 'OpenSearch',
  server: [
    'long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'unsigned_long',
    'integer_range', 'float_range', 'long_range', 'double_range', 'date_range', 'ip_range',
    'boolean', 'binary', 'date', 'date_nanos', 'ip', 'text', 'match_only_text', 'keyword', 'object', 'nested',
    'completion', 'alias', 'geo_point', 'flat_object', 'derived', 'wildcard', 'constant_keyword',
  ],
  modules: {
    'mapper-extras': ['scaled_float', 'search_as_you_type', 'rank_feature', 'rank_features', 'token_count'],
    'parent-join': ['join'],
    percolator: ['percolator'],
    geo: ['geo_shape', 'xy_point', 'xy_shape'],
  },
  plugins: {
    'k-NN': ['knn_vector'],
    'neural-search': ['semantic'],
    'analysis-icu': ['icu_collation_keyword'],
    'mapper-annotated-text': ['annotated_text'],
    'mapper-murmur3': ['murmur3'],
  },
};
