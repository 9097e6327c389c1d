import { describe, expect, it } from 'vitest';
import { addsDataFields, describeChange, describeDifference, diffSpecs, inPlaceBodies, type IndexSpec } from './diff.js';
import { dynamicSettingsFor } from './dynamic-settings/index.js';
import { settingKind } from './settings-kinds.js';

const S = (settings: Record<string, unknown>): IndexSpec => ({ settings, mappings: {} });
const M = (properties: Record<string, unknown>, root: Record<string, unknown> = {}): IndexSpec => ({
  settings: {},
  mappings: { ...root, properties },
});

describe('diffSpecs: settings', () => {
  it.each([
    ['refresh_interval', { refresh_interval: '1s' }, { refresh_interval: '30s' }, 'settings.refresh_interval: 1s → 30s (dynamic setting, updated in place)'],
    ['number_of_replicas', { number_of_replicas: 1 }, { number_of_replicas: 0 }, 'settings.number_of_replicas: 1 → 0 (dynamic setting, updated in place)'],
    ['max_result_window added', {}, { max_result_window: 20000 }, 'settings.max_result_window: added 20000 (dynamic setting, updated in place)'],
    ['routing.allocation.*', {}, { routing: { allocation: { require: { box: 'hot' } } } }, 'settings.routing.allocation.require.box: added hot'],
    ['blocks.*', {}, { 'blocks.write': true }, 'settings.blocks.write: added true'],
    ['mapping.*.limit', {}, { mapping: { total_fields: { limit: 2000 } } }, 'settings.mapping.total_fields.limit: added 2000'],
    ['mapping.depth.limit', { 'mapping.depth.limit': 20 }, { 'mapping.depth.limit': 30 }, 'settings.mapping.depth.limit: 20 → 30'],
    ['search slowlog', {}, { 'search.slowlog.threshold.query.warn': '10s' }, 'settings.search.slowlog.threshold.query.warn: added 10s'],
    ['indexing slowlog', {}, { 'indexing.slowlog.threshold.index.warn': '10s' }, 'settings.indexing.slowlog.threshold.index.warn: added 10s'],
    ['query.default_field (a list)', { 'query.default_field': ['a'] }, { 'query.default_field': ['a', 'b'] }, 'settings.query.default_field: [a] → [a, b]'],
    ['removed dynamic setting is reset', { refresh_interval: '30s' }, {}, 'settings.refresh_interval: removed, was 30s (dynamic setting, reset to its default in place)'],
    ['requests.cache.enable (once planned as a replace)', {}, { 'requests.cache.enable': false }, 'settings.requests.cache.enable: added false (dynamic setting, updated in place)'],
    ['soft_deletes retention', {}, { 'soft_deletes.retention_lease.period': '1h' }, 'settings.soft_deletes.retention_lease.period: added 1h (dynamic setting'],
    ['translog.durability', {}, { translog: { durability: 'async' } }, 'settings.translog.durability: added async (dynamic setting'],
    ['merge.scheduler', {}, { 'merge.scheduler.max_thread_count': 1 }, 'settings.merge.scheduler.max_thread_count: added 1 (dynamic setting'],
  ])('%s is taken in place', (_what, from, to, reason) => {
    const diff = diffSpecs(S(from), S(to));
    expect(diff.verdict).toBe('in_place');
    expect(diff.changes.map(describeChange).join('\n')).toContain(reason);
  });

  it.each([
    ['number_of_shards', { number_of_shards: 1 }, { number_of_shards: 2 }, 'settings.number_of_shards: 1 → 2 (static setting, needs a new instance)'],
    ['number_of_shards by default', {}, { number_of_shards: 3 }, 'settings.number_of_shards: 1 → 3'],
    ['codec', {}, { codec: 'best_compression' }, 'settings.codec: added best_compression (static setting'],
    ['sort.*', {}, { sort: { field: 'date' } }, 'settings.sort.field: added date (static setting'],
    ['soft_deletes.enabled', {}, { 'soft_deletes.enabled': false }, 'static setting'],
    ['analysis change', { analysis: { analyzer: { a: { type: 'standard' } } } }, { analysis: { analyzer: { a: { type: 'simple' } } } }, 'settings.analysis.analyzer.a.type: standard → simple (analysis settings change only on a closed index'],
    ['analysis added', {}, { analysis: { analyzer: { a: { type: 'standard' } } } }, 'settings.analysis.analyzer.a: added {"type":"standard"}'],
    ['an unknown setting', {}, { 'mapping.coerce': true }, 'settings.mapping.coerce: added true (not on the dynamic settings list of every engine: a new instance is the safe way)'],
  ])('%s needs a replace', (_what, from, to, reason) => {
    const diff = diffSpecs(S(from), S(to));
    expect(diff.verdict).toBe('replace');
    expect(diff.changes.map(describeChange).join('\n')).toContain(reason);
  });

  it('one added analyzer is one change (not one per parameter); a changed one names each parameter', () => {
    const folding = { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] };
    const added = diffSpecs(S({}), S({ analysis: { analyzer: { folding } } }));
    expect(added.changes.map(describeDifference)).toEqual(['settings.analysis.analyzer.folding: added {"filter":["lowercase","asciifolding"],"tokenizer":"standard","type":"custom"}']);
    const removed = diffSpecs(S({ analysis: { analyzer: { folding } } }), S({}));
    expect(removed.changes.map(describeDifference)).toEqual(['settings.analysis.analyzer.folding: removed, was {"filter":["lowercase","asciifolding"],"tokenizer":"standard","type":"custom"}']);
    const changed = diffSpecs(S({ analysis: { analyzer: { folding } } }), S({ analysis: { analyzer: { folding: { ...folding, tokenizer: 'whitespace' } } } }));
    expect(changed.changes.map(describeDifference)).toEqual(['settings.analysis.analyzer.folding.tokenizer: standard → whitespace']);
    expect(changed.verdict).toBe('replace');
  });

  it('sees nested, dotted and index.-prefixed forms, numbers and strings, as the same settings', () => {
    const diff = diffSpecs(
      { settings: { index: { number_of_shards: '2', refresh_interval: '5s' } }, mappings: {} },
      { settings: { number_of_shards: 2, 'index.refresh_interval': '5s' }, mappings: {} },
    );
    expect(diff).toEqual({ verdict: 'same', changes: [] });
  });

  it('ignores what Elasticsearch adds to a live index on its own', () => {
    const live = {
      number_of_shards: '1',
      number_of_replicas: '0',
      uuid: 'x',
      creation_date: '1',
      provided_name: 'movies-1',
      version: { created: '8536000' },
      routing: { allocation: { include: { _tier_preference: 'data_content' } } },
    };
    expect(diffSpecs(S(live), S({ number_of_replicas: 0 })).verdict).toBe('same');
  });

  it("follows the engine's own list for its major version, and names it when a setting is not on it", () => {
    const heuristic = S({ 'dense_vector.hnsw_filter_heuristic': 'fanout' });
    expect(diffSpecs(S({}), heuristic, { dynamic: dynamicSettingsFor('elasticsearch', '9.2.4') }).verdict).toBe('in_place');
    const on8 = diffSpecs(S({}), heuristic, { dynamic: dynamicSettingsFor('elasticsearch', '8.19.7') });
    expect(on8.verdict).toBe('replace');
    expect(describeChange(on8.changes[0]!)).toContain('not on the dynamic settings list of Elasticsearch 8: a new instance is the safe way');
    const pipeline = S({ 'search.default_pipeline': 'p' });
    expect(diffSpecs(S({}), pipeline, { dynamic: dynamicSettingsFor('opensearch', '2.19.6') }).verdict).toBe('in_place');
    expect(diffSpecs(S({}), pipeline, { dynamic: dynamicSettingsFor('opensearch', '3.1.0') }).verdict).toBe('in_place');
    expect(diffSpecs(S({}), pipeline, { dynamic: dynamicSettingsFor('elasticsearch', '9.2.4') }).verdict).toBe('replace');
    // Offline (no engine): only what every engine takes in place.
    expect(diffSpecs(S({}), pipeline).verdict).toBe('replace');
    expect(diffSpecs(S({}), S({ 'requests.cache.enable': false })).verdict).toBe('in_place');
    // A version older or newer than the lists: the nearest list.
    expect(dynamicSettingsFor('elasticsearch', '7.17.0').label).toBe('Elasticsearch 8');
    expect(dynamicSettingsFor('opensearch', '4.0.0').label).toBe('OpenSearch 3');
    expect(dynamicSettingsFor('opensearch', '1.3.0').label).toBe('OpenSearch 2');
  });

  it('classifies settings', () => {
    expect(settingKind('refresh_interval')).toBe('dynamic');
    expect(settingKind('number_of_shards')).toBe('static');
    expect(settingKind('analysis.analyzer.x.type')).toBe('analysis');
    expect(settingKind('something.new')).toBe('unknown');
  });
});

describe('diffSpecs: mappings', () => {
  const live = M({
    title: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
    tag: { type: 'keyword' },
    year: { type: 'integer' },
    author: { properties: { name: { type: 'keyword' } } },
    body: { type: 'text' },
  }, { dynamic: 'strict' });
  const change = (edit: (p: Record<string, any>, root: Record<string, any>) => void): IndexSpec => {
    const next = structuredClone(live.mappings) as Record<string, any>;
    edit(next['properties'], next);
    return { settings: {}, mappings: next };
  };

  it.each([
    ['a new field', change((p) => (p['rating'] = { type: 'float' })), 'mappings.properties.rating: added {"type":"float"} (new field, added in place)', true],
    ['a new property inside an object', change((p) => (p['author'].properties.born = { type: 'date' })), 'mappings.properties.author.properties.born: added {"type":"date"}', true],
    ['a new multi-field', change((p) => (p['tag'].fields = { text: { type: 'text' } })), 'mappings.properties.tag.fields.text: added {"type":"text"} (new multi-field, added in place)', true],
    ['a field alias', change((p) => (p['label'] = { type: 'alias', path: 'tag' })), 'mappings.properties.label: added {"path":"tag","type":"alias"} (new field alias, added in place)', false],
    ['ignore_above', change((p) => (p['title'].fields.raw.ignore_above = 512)), 'mappings.properties.title.fields.raw.ignore_above: 256 → 512 (updated in place)', false],
    ['ignore_malformed', change((p) => (p['year'].ignore_malformed = true)), 'mappings.properties.year.ignore_malformed: (unset) → true (updated in place)', false],
    ['coerce', change((p) => (p['year'].coerce = false)), 'mappings.properties.year.coerce: (unset) → false', false],
    ['dynamic of an object', change((p) => (p['author'].dynamic = 'strict')), 'mappings.properties.author.dynamic: (unset) → strict', false],
    ['dynamic of the root', change((_p, r) => (r['dynamic'] = 'false')), 'mappings.dynamic: strict → false (updated in place)', false],
    ['search_analyzer', change((p) => (p['body'].search_analyzer = 'simple')), 'mappings.properties.body.search_analyzer: (unset) → simple', false],
    ['search_quote_analyzer', change((p) => (p['body'].search_quote_analyzer = 'simple')), 'mappings.properties.body.search_quote_analyzer', false],
    ['meta', change((p) => (p['year'].meta = { unit: 'year' })), 'mappings.properties.year.meta: (unset) → {"unit":"year"}', false],
    ['eager_global_ordinals', change((p) => (p['tag'].eager_global_ordinals = true)), 'mappings.properties.tag.eager_global_ordinals: (unset) → true', false],
    ['norms true → false', change((p) => (p['body'].norms = false)), 'mappings.properties.body.norms: (unset) → false (norms switched off, updated in place)', false],
    // these were once planned as a replace; PUT _mapping takes them (a new dynamic_templates list replaces the old one)
    ['dynamic_templates', change((_p, r) => (r['dynamic_templates'] = [{ s: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }])), 'mappings.dynamic_templates: (unset) → [{"s":', false],
    ['date_detection', change((_p, r) => (r['date_detection'] = false)), 'mappings.date_detection: (unset) → false (updated in place)', false],
    ['numeric_detection', change((_p, r) => (r['numeric_detection'] = true)), 'mappings.numeric_detection: (unset) → true (updated in place)', false],
    ['dynamic_date_formats', change((_p, r) => (r['dynamic_date_formats'] = ['yyyy'])), 'mappings.dynamic_date_formats: (unset) → [yyyy] (updated in place)', false],
  ])('%s is taken in place', (_what, desired, reason, refill) => {
    const diff = diffSpecs(live, desired);
    expect(diff.verdict).toBe('in_place');
    expect(diff.changes.map(describeChange).join('\n')).toContain(reason);
    expect(addsDataFields(diff)).toBe(refill);
  });

  it.each([
    ['a type change', change((p) => (p['title'] = { type: 'keyword' })), 'mappings.properties.title.type: text → keyword (not updatable in place)'],
    ['an object becoming nested', change((p) => (p['author'].type = 'nested')), 'mappings.properties.author.type: object → nested'],
    ['an analyzer', change((p) => (p['body'].analyzer = 'simple')), 'mappings.properties.body.analyzer: (unset) → simple (not updatable in place)'],
    ['enabled', change((p) => (p['author'].enabled = false)), 'mappings.properties.author.enabled: (unset) → false'],
    ['index', change((p) => (p['tag'].index = false)), 'mappings.properties.tag.index: (unset) → false'],
    ['doc_values', change((p) => (p['tag'].doc_values = false)), 'mappings.properties.tag.doc_values'],
    ['store', change((p) => (p['tag'].store = true)), 'mappings.properties.tag.store'],
    ['copy_to', change((p) => (p['tag'].copy_to = ['body'])), 'mappings.properties.tag.copy_to: (unset) → [body]'],
    ['null_value', change((p) => (p['tag'].null_value = 'NULL')), 'mappings.properties.tag.null_value'],
    ['norms false → true', change((p) => (p['tag'].norms = true)), 'mappings.properties.tag.norms: (unset) → true (norms can only be switched off in place)'],
    ['another parameter', change((p) => (p['year'].format = 'yyyy')), 'mappings.properties.year.format: (unset) → yyyy (not updatable in place)'],
    ['a removed field', change((p) => delete p['year']), 'mappings.properties.year: removed, was {"type":"integer"} (removed or renamed field: the engine never removes one from an index)'],
    ['a renamed field', change((p) => { p['published'] = p['year']; delete p['year']; }), 'mappings.properties.year: removed'],
    ['a removed multi-field', change((p) => delete p['title'].fields), 'mappings.properties.title.fields.raw: removed'],
    ['a removed properties block', change((p) => (p['author'] = { type: 'object' })), 'mappings.properties.author.properties: removed'],
    ['a root parameter', change((_p, r) => (r['_source'] = { enabled: false })), 'mappings._source: (unset) → {"enabled":"false"} (mapping parameter not updatable in place)'],
  ])('%s needs a replace', (_what, desired, reason) => {
    const diff = diffSpecs(live, desired);
    expect(diff.verdict).toBe('replace');
    expect(diff.changes.map(describeChange).join('\n')).toContain(reason);
  });

  it('reports the renamed field as removed and added', () => {
    const diff = diffSpecs(live, change((p) => { p['published'] = p['year']; delete p['year']; }));
    expect(diff.changes.map((c) => [c.kind, c.path, c.inPlace])).toEqual([
      ['field_added', 'mappings.properties.published', true],
      ['field_removed', 'mappings.properties.year', false],
    ]);
  });

  it('takes a change of a field alias target in place', () => {
    const a = M({ tag: { type: 'keyword' }, other: { type: 'keyword' }, label: { type: 'alias', path: 'tag' } });
    const b = M({ tag: { type: 'keyword' }, other: { type: 'keyword' }, label: { type: 'alias', path: 'other' } });
    expect(diffSpecs(a, b).verdict).toBe('in_place');
  });

  it('sees parameters spelled out at their default, as Elasticsearch leaves them out, as no change', () => {
    const fromEs = M({ t: { type: 'text', analyzer: 'standard' }, k: { type: 'keyword' }, d: { type: 'date' }, o: { properties: { x: { type: 'keyword' } } } });
    const manifest = M({
      t: { type: 'text', norms: true, index: true, analyzer: 'standard', search_analyzer: 'standard', position_increment_gap: 100 },
      k: { type: 'keyword', norms: false, doc_values: true, store: false, eager_global_ordinals: false },
      d: { type: 'date', format: 'strict_date_optional_time||epoch_millis', ignore_malformed: false },
      o: { type: 'object', enabled: true, properties: { x: { type: 'keyword' } } },
    }, { dynamic: true });
    expect(diffSpecs(fromEs, manifest)).toEqual({ verdict: 'same', changes: [] });
  });

  it('ignores _meta', () => {
    const a: IndexSpec = { settings: {}, mappings: { _meta: { esm: { instance: 1 } }, properties: { a: { type: 'keyword' } } } };
    const b: IndexSpec = { settings: {}, mappings: { _meta: { team: 'x' }, properties: { a: { type: 'keyword' } } } };
    expect(diffSpecs(a, b).verdict).toBe('same');
  });
});

describe('inPlaceBodies', () => {
  it('sends changed dynamic settings with index. keys and resets removed ones with null', () => {
    const desired = S({ number_of_replicas: 0, max_result_window: 20000 });
    const diff = diffSpecs(S({ number_of_replicas: 1, refresh_interval: '30s' }), desired);
    expect(inPlaceBodies(diff, desired)).toEqual({
      settings: { 'index.number_of_replicas': '0', 'index.max_result_window': '20000', 'index.refresh_interval': null },
      mappings: null,
    });
  });

  it('sends the desired mappings without _meta when fields are added', () => {
    const desired: IndexSpec = { settings: {}, mappings: { _meta: { team: 'x' }, dynamic: 'strict', properties: { a: { type: 'keyword' }, b: { type: 'integer' } } } };
    const diff = diffSpecs({ settings: {}, mappings: { dynamic: 'strict', properties: { a: { type: 'keyword' } } } }, desired);
    const bodies = inPlaceBodies(diff, desired);
    expect(bodies).toEqual({ settings: null, mappings: { dynamic: 'strict', properties: { a: { type: 'keyword' }, b: { type: 'integer' } } } });
    expect(desired.mappings['_meta']).toEqual({ team: 'x' });
  });

  it('has nothing to send when the specs are the same', () => {
    const spec = M({ a: { type: 'keyword' } });
    expect(inPlaceBodies(diffSpecs(spec, spec), spec)).toEqual({ settings: null, mappings: null });
  });
});
