/** The fingerprint of a manifest equals the fingerprint of the index Elasticsearch made from it. */
import { describe, expect, it } from 'vitest';
import { isOpenSearch, rawClient, scratchPrefix, testCluster } from '../../test/support/es.js';
import { canonicalMappings, canonicalSettings, fingerprint } from './index.js';

const prefix = scratchPrefix('fingerprint');
// Read back as esm reads an index: through the engine port and its quirks.
const cluster = testCluster({ forceEngine: true });

/** Field types and parameters only one engine has: Elasticsearch's `flattened` is OpenSearch's `flat_object`. */
const flat = (params: Record<string, unknown> = {}) => (isOpenSearch() ? { type: 'flat_object' } : { type: 'flattened', ...params });

async function roundTrip(name: string, spec: { settings: Record<string, unknown>; mappings: Record<string, unknown> }) {
  const index = `${prefix}${name}`;
  const es = rawClient();
  await es.indices.create({
    index,
    settings: spec.settings,
    mappings: { ...spec.mappings, _meta: { esm: { master: name, instance: 1 } } },
  } as never);
  const live = await cluster.getIndex(index);
  if (!live) throw new Error(`index ${index} is missing`);
  return { settings: live.settings, mappings: live.mappings };
}

describe('fingerprint against a real node', () => {
  it('a representative manifest spec and the live index have the same fingerprint', async () => {
    const spec = {
      settings: {
        number_of_shards: 1,
        refresh_interval: '5s',
        'index.max_result_window': 20000,
        analysis: { analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase'] } } },
      },
      mappings: {
        dynamic: 'strict',
        properties: {
          title: { type: 'text', analyzer: 'folded', fields: { raw: { type: 'keyword', ignore_above: 256 } }, copy_to: 'all' },
          all: { type: 'text' },
          director: { type: 'object', properties: { name: { type: 'keyword' }, born: { type: 'date' } } },
          'studio.name': { type: 'keyword' },
          cast: { type: 'nested', properties: { actor: { type: 'keyword' }, role: { type: 'text' } } },
          released: { type: 'date', format: 'yyyy-MM-dd' },
          updated_at: { type: 'date' },
          genre: { type: 'keyword', ignore_above: '64' },
          adult: { type: 'boolean', index: false },
          rating: { type: 'float', null_value: 0 },
          extra: { type: 'object', enabled: false },
          // OpenSearch refuses an explicit `normalizer: null`; Elasticsearch takes it as "none".
          tags: isOpenSearch() ? { type: 'keyword' } : { type: 'keyword', normalizer: null },
        },
      },
    };
    const live = await roundTrip('movies-1', spec);
    expect(canonicalSettings(live.settings)).toEqual(canonicalSettings(spec.settings));
    expect(canonicalMappings(live.mappings)).toEqual(canonicalMappings(spec.mappings));
    expect(fingerprint(live)).toBe(fingerprint(spec));
  });

  it('a spec that spells out defaults matches the index Elasticsearch made from it', async () => {
    const spec = {
      settings: { index: { number_of_shards: '1', number_of_replicas: '1' } },
      mappings: {
        dynamic: true,
        date_detection: true,
        _source: { enabled: true, includes: [], excludes: [] },
        _routing: { required: false },
        properties: {
          k: { type: 'keyword', index: true, doc_values: true, store: false, norms: false, eager_global_ordinals: false, index_options: 'docs', fields: {} },
          t: { type: 'text', analyzer: 'simple', search_analyzer: 'simple', norms: true, index_options: 'positions', position_increment_gap: 100, term_vector: 'no', fielddata: false },
          s: { type: 'text', search_analyzer: 'standard' },
          d: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
          n: { type: 'date_nanos', format: 'strict_date_optional_time_nanos||epoch_millis' },
          o: { type: 'object', enabled: true, properties: {} },
          nest: { type: 'nested', include_in_parent: false, properties: { x: { type: 'long' } } },
          f: flat({ depth_limit: 20 }),
        },
      },
    };
    const live = await roundTrip('books-1', spec);
    expect(canonicalMappings(live.mappings)).toEqual(canonicalMappings(spec.mappings));
    expect(fingerprint(live)).toBe(fingerprint(spec));
    expect(fingerprint(live)).toBe(fingerprint({ settings: {}, mappings: { properties: {
      k: { type: 'keyword' }, t: { type: 'text', analyzer: 'simple' }, s: { type: 'text', search_analyzer: 'standard' },
      d: { type: 'date' }, n: { type: 'date_nanos' }, o: { type: 'object' }, nest: { type: 'nested', properties: { x: { type: 'long' } } }, f: flat(),
    } } }));
  });
});
