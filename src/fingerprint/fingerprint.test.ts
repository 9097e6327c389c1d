import { describe, expect, it } from 'vitest';
import { canonicalMappings, canonicalSettings, fingerprint, shortFingerprint } from './index.js';

type Spec = { settings: Record<string, unknown>; mappings: Record<string, unknown> };
const spec = (settings: Record<string, unknown>, mappings: Record<string, unknown> = {}): Spec => ({ settings, mappings });
const props = (p: Record<string, unknown>, extra: Record<string, unknown> = {}) => spec({}, { ...extra, properties: p });

describe('fingerprint', () => {
  it('is sha256:<64 hex> and shortFingerprint keeps 12 hex characters', () => {
    const fp = fingerprint(spec({}));
    expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(shortFingerprint(fp)).toBe(fp.slice('sha256:'.length, 'sha256:'.length + 12));
  });

  const same: [string, Spec, Spec][] = [
    ['dotted vs nested settings', spec({ 'analysis.analyzer.a.type': 'standard' }), spec({ analysis: { analyzer: { a: { type: 'standard' } } } })],
    ['number vs string', spec({ number_of_shards: 2, refresh_interval: '5s' }), spec({ number_of_shards: '2', refresh_interval: '5s' })],
    ['boolean vs string', spec({ 'blocks.read_only': true }), spec({ 'blocks.read_only': 'true' })],
    ['settings key order', spec({ a: '1', b: '2' }), spec({ b: '2', a: '1' })],
    ['nested index. prefix', spec({ index: { number_of_shards: 2 } }), spec({ number_of_shards: 2 })],
    ['dotted index. prefix', spec({ 'index.number_of_shards': 2 }), spec({ number_of_shards: 2 })],
    ['omitted vs explicit shards/replicas', spec({}), spec({ number_of_shards: 1, number_of_replicas: 1 })],
    [
      'server-managed settings',
      spec({ refresh_interval: '1s' }),
      spec({
        index: {
          refresh_interval: '1s',
          uuid: 'x',
          creation_date: '1',
          provided_name: 'movies-1',
          version: { created: '8536000' },
          routing: { allocation: { include: { _tier_preference: 'data_content' } } },
          resize: { source: { name: 'a', uuid: 'b' } },
        },
      }),
    ],
    ['mapping key order', spec({}, { dynamic: 'strict', properties: { a: { type: 'keyword' } } }), spec({}, { properties: { a: { type: 'keyword' } }, dynamic: 'strict' })],
    ['_meta differences', spec({}, { _meta: { esm: { instance: 1 } } }), spec({}, { _meta: { esm: { instance: 2 } } })],
    ['dynamic false vs "false"', spec({}, { dynamic: false }), spec({}, { dynamic: 'false' })],
    ['ignore_above number vs string', props({ k: { type: 'keyword', ignore_above: 256 } }), props({ k: { type: 'keyword', ignore_above: '256' } })],
    ['type object dropped where properties exist', props({ o: { type: 'object', properties: { a: { type: 'long' } } } }), props({ o: { properties: { a: { type: 'long' } } } })],
    ['empty properties of an object', props({ o: { type: 'object', properties: {} } }), props({ o: { type: 'object' } })],
    ['dotted field names', props({ 'a.b': { type: 'keyword' } }), props({ a: { properties: { b: { type: 'keyword' } } } })],
    ['copy_to string vs list', props({ t: { type: 'text', copy_to: 'all' }, all: { type: 'text' } }), props({ t: { type: 'text', copy_to: ['all'] }, all: { type: 'text' } })],
    ['explicit defaults', props({ k: { type: 'keyword', index: true, doc_values: true, store: false, norms: false } }), props({ k: { type: 'keyword' } })],
    ['default date format', props({ d: { type: 'date', format: 'strict_date_optional_time||epoch_millis' } }), props({ d: { type: 'date' } })],
    ['search_analyzer equal to analyzer', props({ t: { type: 'text', analyzer: 'simple', search_analyzer: 'simple' } }), props({ t: { type: 'text', analyzer: 'simple' } })],
    ['root defaults', spec({}, { dynamic: true, _source: { enabled: true }, _routing: { required: false } }), spec({}, {})],
    ['null parameters are unset', props({ k: { type: 'keyword', normalizer: null } }), props({ k: { type: 'keyword' } })],
  ];
  it.each(same)('equal: %s', (_name, a, b) => {
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  const base = spec(
    { number_of_shards: 1, number_of_replicas: 0, analysis: { analyzer: { a: { type: 'custom', tokenizer: 'standard' } } } },
    { dynamic: 'strict', properties: { title: { type: 'text', analyzer: 'a' }, year: { type: 'integer' } } },
  );
  const edit = (f: (s: Spec) => void): Spec => {
    const s = structuredClone(base);
    f(s);
    return s;
  };
  const title = (s: Spec) => (s.mappings['properties'] as Record<string, Record<string, unknown>>)['title']!;
  const differ: [string, Spec][] = [
    ['type change', edit((s) => (title(s)['type'] = 'keyword'))],
    ['analyzer change', edit((s) => (title(s)['analyzer'] = 'standard'))],
    ['analyzer definition change', edit((s) => ((s.settings['analysis'] as any).analyzer.a.tokenizer = 'keyword'))],
    ['added field', edit((s) => ((s.mappings['properties'] as any).genre = { type: 'keyword' }))],
    ['added sub-field', edit((s) => (title(s)['fields'] = { raw: { type: 'keyword' } }))],
    ['replica count', edit((s) => (s.settings['number_of_replicas'] = 1))],
    ['shard count', edit((s) => (s.settings['number_of_shards'] = 2))],
    ['dynamic', edit((s) => (s.mappings['dynamic'] = 'false'))],
    ['index: false', edit((s) => ((s.mappings['properties'] as any).year.index = false))],
    ['copy_to added', edit((s) => (title(s)['copy_to'] = ['all']))],
  ];
  it.each(differ)('differs: %s', (_name, changed) => {
    expect(fingerprint(changed)).not.toBe(fingerprint(base));
  });

  it('copy_to lists in another order are another schema', () => {
    expect(fingerprint(props({ t: { type: 'text', copy_to: ['a', 'b'] } }))).not.toBe(fingerprint(props({ t: { type: 'text', copy_to: ['b', 'a'] } })));
  });
});

describe('canonicalSettings', () => {
  it('flattens to sorted dotted keys without index., scalars and lists as strings, defaults applied', () => {
    const c = canonicalSettings({
      index: { refresh_interval: '5s', max_result_window: 20000 },
      'index.sort.field': ['date', 'id'],
      analysis: { analyzer: { a: { type: 'custom', tokenizer: 'standard', filter: ['lowercase'] } } },
      number_of_replicas: 0,
      uuid: 'abc',
    });
    expect(c).toEqual({
      'analysis.analyzer.a.filter': ['lowercase'],
      'analysis.analyzer.a.tokenizer': 'standard',
      'analysis.analyzer.a.type': 'custom',
      max_result_window: '20000',
      number_of_replicas: '0',
      number_of_shards: '1',
      refresh_interval: '5s',
      'sort.field': ['date', 'id'],
    });
    expect(Object.keys(c)).toEqual([...Object.keys(c)].sort());
  });

  it('leaves out null values (a reset to the default)', () => {
    expect(canonicalSettings({ refresh_interval: null })).toEqual({ number_of_shards: '1', number_of_replicas: '1' });
  });
});

describe('canonicalMappings', () => {
  it('sorts keys, drops top-level _meta, keeps field meta, turns scalars into strings', () => {
    const c = canonicalMappings({
      _meta: { esm: {} },
      properties: { n: { type: 'integer', null_value: 1, meta: { unit: 'min' } }, a: { type: 'boolean', index: false } },
      dynamic: 'strict',
    });
    expect(c).toEqual({
      dynamic: 'strict',
      properties: { a: { index: 'false', type: 'boolean' }, n: { meta: { unit: 'min' }, null_value: '1', type: 'integer' } },
    });
    expect(JSON.stringify(c)).toBe(
      '{"dynamic":"strict","properties":{"a":{"index":"false","type":"boolean"},"n":{"meta":{"unit":"min"},"null_value":"1","type":"integer"}}}',
    );
  });

  it('writes type: object only for an object without sub-fields, as Elasticsearch does', () => {
    expect(canonicalMappings({ properties: { o: { type: 'object', dynamic: 'strict', properties: { a: { type: 'long' } } }, e: { type: 'object' } } })).toEqual({
      properties: { e: { type: 'object' }, o: { dynamic: 'strict', properties: { a: { type: 'long' } } } },
    });
  });

  it('keeps the analyzer Elasticsearch reports when only a search analyzer is set', () => {
    const live = { properties: { t: { type: 'text', analyzer: 'default', search_analyzer: 'standard' } } };
    const manifest = { properties: { t: { type: 'text', search_analyzer: 'standard' } } };
    expect(canonicalMappings(manifest)).toEqual(canonicalMappings(live));
    expect(canonicalMappings(manifest)).toEqual({ properties: { t: { search_analyzer: 'standard', type: 'text' } } });
  });

  it('does not expand dotted names under subobjects: false', () => {
    expect(canonicalMappings({ subobjects: false, properties: { 'a.b': { type: 'keyword' } } })).toEqual({
      subobjects: 'false',
      properties: { 'a.b': { type: 'keyword' } },
    });
  });
});
