/**
 * Which index settings Elasticsearch changes on an open index (SPEC §7), keyed
 * as in the canonical form: dotted, without the `index.` prefix.
 */

export type SettingKind = 'dynamic' | 'static' | 'analysis' | 'unknown';

const DYNAMIC = new Set([
  'number_of_replicas',
  'auto_expand_replicas',
  'refresh_interval',
  'search.idle.after',
  'max_result_window',
  'max_inner_result_window',
  'max_rescore_window',
  'max_docvalue_fields_search',
  'max_script_fields',
  'max_ngram_diff',
  'max_shingle_diff',
  'max_refresh_listeners',
  'analyze.max_token_count',
  'highlight.max_analyzed_offset',
  'max_terms_count',
  'max_regex_length',
  'query.default_field',
  'routing.rebalance.enable',
  'gc_deletes',
  'default_pipeline',
  'final_pipeline',
  'hidden',
]);

const DYNAMIC_PATTERNS = [
  /^routing\.allocation\./,
  /^blocks\./,
  /^mapping\.[a-z_]+\.limit$/,
  /^search\.slowlog\./,
  /^indexing\.slowlog\./,
];

const STATIC = new Set([
  'number_of_shards',
  'number_of_routing_shards',
  'codec',
  'mode',
  'routing_partition_size',
  'load_fixed_bitset_filters_eagerly',
  'shard.check_on_startup',
]);

const STATIC_PATTERNS = [/^soft_deletes\./, /^sort\./];

export function settingKind(key: string): SettingKind {
  if (key === 'analysis' || key.startsWith('analysis.')) return 'analysis';
  if (DYNAMIC.has(key) || DYNAMIC_PATTERNS.some((re) => re.test(key))) return 'dynamic';
  if (STATIC.has(key) || STATIC_PATTERNS.some((re) => re.test(key))) return 'static';
  return 'unknown';
}

export function isDynamicSetting(key: string): boolean {
  return settingKind(key) === 'dynamic';
}
