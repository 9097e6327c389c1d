/**
 * Analysis components an index can name without defining them (SPEC §3), so that
 * validation knows a name the engine provides from a typo: the built-ins of Elasticsearch 8/9 and OpenSearch 2/3 (their analysis
 * reference pages: built-in analyzers, language analyzers, tokenizers, token
 * filters, character filters, normalizers), and those of the official analysis
 * plugins (ICU, kuromoji, nori, smartcn, stempel, ukrainian, phonetic), which a
 * cluster may have installed. The two engines share Lucene and these names;
 * where one engine lacks a component the cluster still refuses it at create.
 */

const LANGUAGES = [
  'arabic', 'armenian', 'basque', 'bengali', 'brazilian', 'bulgarian', 'catalan', 'cjk', 'czech', 'danish', 'dutch',
  'english', 'estonian', 'finnish', 'french', 'galician', 'german', 'greek', 'hindi', 'hungarian', 'indonesian',
  'irish', 'italian', 'latvian', 'lithuanian', 'norwegian', 'persian', 'portuguese', 'romanian', 'russian', 'serbian',
  'sorani', 'spanish', 'swedish', 'turkish', 'thai',
];

const PLUGIN_ANALYZERS = ['icu_analyzer', 'kuromoji', 'nori', 'smartcn', 'polish', 'ukrainian'];

export const BUILTIN_ANALYZERS = new Set([
  'standard', 'simple', 'whitespace', 'stop', 'keyword', 'pattern', 'fingerprint', 'default', 'default_search',
  ...LANGUAGES,
  ...PLUGIN_ANALYZERS,
]);

export const BUILTIN_TOKENIZERS = new Set([
  'standard', 'letter', 'lowercase', 'whitespace', 'uax_url_email', 'classic', 'thai', 'ngram', 'edge_ngram', 'nGram',
  'edgeNGram', 'keyword', 'pattern', 'simple_pattern', 'simple_pattern_split', 'char_group', 'path_hierarchy',
  'PathHierarchy',
  // plugins
  'icu_tokenizer', 'kuromoji_tokenizer', 'nori_tokenizer', 'smartcn_tokenizer', 'hmm_chinese',
]);

const STEMMERS = ['arabic_stem', 'brazilian_stem', 'czech_stem', 'dutch_stem', 'french_stem', 'german_stem', 'russian_stem', 'persian_stem'];
const NORMALIZATIONS = [
  'arabic_normalization', 'bengali_normalization', 'german_normalization', 'hindi_normalization', 'indic_normalization',
  'sorani_normalization', 'persian_normalization', 'scandinavian_normalization', 'scandinavian_folding',
  'serbian_normalization',
];

export const BUILTIN_TOKEN_FILTERS = new Set([
  'apostrophe', 'asciifolding', 'cjk_bigram', 'cjk_width', 'classic', 'common_grams', 'condition', 'decimal_digit',
  'delimited_payload', 'delimited_payload_filter', 'delimited_term_freq', 'dictionary_decompounder', 'edge_ngram',
  'edgeNGram', 'elision', 'fingerprint', 'flatten_graph', 'hunspell', 'hyphenation_decompounder', 'keep_types', 'keep',
  'keyword_marker', 'keyword_repeat', 'kstem', 'length', 'limit', 'lowercase', 'min_hash', 'multiplexer', 'ngram',
  'nGram', 'pattern_capture', 'pattern_replace', 'porter_stem', 'predicate_token_filter', 'remove_duplicates',
  'reverse', 'shingle', 'snowball', 'stemmer', 'stemmer_override', 'stop', 'synonym', 'synonym_graph', 'trim',
  'truncate', 'unique', 'uppercase', 'word_delimiter', 'word_delimiter_graph', 'irish_lowercase', 'greek_lowercase',
  'turkish_lowercase', 'word_delimiter_iterator',
  ...STEMMERS,
  ...NORMALIZATIONS,
  // plugins
  'icu_normalizer', 'icu_folding', 'icu_collation', 'icu_transform', 'kuromoji_baseform', 'kuromoji_part_of_speech',
  'kuromoji_readingform', 'kuromoji_stemmer', 'ja_stop', 'kuromoji_number', 'kuromoji_completion',
  'nori_part_of_speech', 'nori_readingform', 'nori_number', 'smartcn_stop', 'polish_stem', 'polish_stop',
  'ukrainian_stemmer', 'phonetic',
]);

export const BUILTIN_CHAR_FILTERS = new Set(['html_strip', 'mapping', 'pattern_replace', 'icu_normalizer', 'kuromoji_iteration_mark']);

export const BUILTIN_NORMALIZERS = new Set(['lowercase']);
