/**
 * What must never drift (SPEC §4): the fingerprint of a spec is recorded in every
 * instance's `_meta.esm` and in the state file, so a change of the canonical form or of
 * the hash makes every recorded instance look changed: a needless replace of each
 * master, and an instance pre-built by `apply --no-activate` no longer counted as
 * ready. The expected values are written out, not computed: they are what the first
 * esm that recorded fingerprints wrote for these specs, and every version since. If one
 * of these tests fails, the change breaks every cluster esm already manages.
 */
import { describe, expect, it } from 'vitest';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import type { Manifest } from '../manifest/types.js';
import { anIndex, aSnapshot, aHistory, anInstanceRecord } from '../../test/support/plan-builders.js';
import type { IndexSpec } from '../plan/diff.js';
import { createPlan } from '../plan/plan.js';
import { fingerprint } from './index.js';

/** The README's example master. */
const MOVIES: IndexSpec = {
  settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
  mappings: {
    dynamic: 'strict',
    properties: {
      id: { type: 'long' },
      title: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
      genre: { type: 'keyword' },
      updated_at: { type: 'date' },
    },
  },
};

/** Analysis, objects, nested fields, copy_to, formats, parameters of every kind. */
const CATALOG: IndexSpec = {
  settings: {
    number_of_shards: 2,
    number_of_replicas: 1,
    max_result_window: 20000,
    analysis: {
      analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } },
      normalizer: { lower: { type: 'custom', filter: ['lowercase'] } },
    },
  },
  mappings: {
    dynamic: 'strict',
    _source: { excludes: ['blob'] },
    properties: {
      title: { type: 'text', analyzer: 'folded', copy_to: ['all'], fields: { raw: { type: 'keyword', normalizer: 'lower' } } },
      all: { type: 'text' },
      author: { properties: { name: { type: 'keyword' }, born: { type: 'date', format: 'yyyy-MM-dd' } } },
      editions: { type: 'nested', properties: { isbn: { type: 'keyword' }, year: { type: 'short' } } },
      price: { type: 'scaled_float', scaling_factor: 100 },
      blob: { type: 'binary' },
      rating: { type: 'float', null_value: 0 },
      internal: { type: 'keyword', index: false },
      extra: { type: 'object', enabled: false },
    },
  },
};

const PINNED: [string, IndexSpec, string][] = [
  ['an empty spec', { settings: {}, mappings: {} }, 'sha256:be199d71e3c281fdb7183373edc7a39bb7c7d3964a28b5f6022e0a818d133130'],
  ["the README's movies", MOVIES, 'sha256:851436ca882cd9937d33a710580efa780151b1731fdfc21433e8fcfcb82ab8ae'],
  ['a catalog with analysis, objects and nested fields', CATALOG, 'sha256:557fe8a05f49b890503bed2f9421e1546117de71d5d6dce9fd6d5d2165d9731a'],
];

describe('pinned fingerprints', () => {
  it.each(PINNED)('%s hashes to the value recorded in clusters', (_name, spec, expected) => {
    expect(fingerprint(spec)).toBe(expected);
  });

  it('other spellings of the same schema hash to the same pinned value', () => {
    const movies = PINNED[1]![2];
    const spellings: IndexSpec[] = [
      { settings: { index: { number_of_shards: '1', number_of_replicas: '0', refresh_interval: '1s' } }, mappings: MOVIES.mappings },
      { settings: { 'index.refresh_interval': '1s', 'index.number_of_replicas': 0, 'index.number_of_shards': 1 }, mappings: MOVIES.mappings },
      {
        settings: MOVIES.settings,
        mappings: {
          _meta: { esm: { master: 'movies', instance: 3 } },
          properties: {
            updated_at: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
            genre: { type: 'keyword', index: true, doc_values: true },
            title: { type: 'text', fields: { raw: { ignore_above: '256', type: 'keyword' } } },
            id: { type: 'long' },
          },
          dynamic: 'strict',
        },
      },
    ];
    for (const spec of spellings) expect(fingerprint(spec), JSON.stringify(spec)).toBe(movies);
  });
});

describe('instances recorded by an earlier version of esm', () => {
  const manifest = (spec: IndexSpec): Manifest =>
    withFingerprint({
      name: 'movies',
      labels: {},
      spec: { ...structuredClone(spec), source: { type: 'ndjson', path: '../data/movies.ndjson' }, idField: 'id', updatedField: 'updated_at', activation: { minDocRatio: 0 }, retention: { keepInactive: 1 } },
      origin: { file: 'manifests/movies.yaml', line: 1, col: 1, dir: 'manifests' },
    });
  /** An instance whose `_meta.esm.fingerprint` and state row hold the pinned value, as an earlier esm wrote them. */
  const recorded = (n: number, spec: IndexSpec, fp: string, o: { active?: boolean; filledAt?: string; lastUpdateAt?: string } = {}) => ({
    index: anIndex({ master: 'movies', n, spec, fingerprint: fp, ...o }),
    record: anInstanceRecord({ master: 'movies', number: n, fingerprint: fp, filledAt: o.filledAt ?? '2025-01-01T00:10:00.000Z' }),
  });
  const plan = (spec: IndexSpec, instances: ReturnType<typeof recorded>[]) =>
    createPlan({
      manifests: [manifest(spec)],
      snapshot: aSnapshot({ indices: instances.map((i) => i.index) }),
      history: aHistory({ instances: instances.map((i) => i.record) }),
      prefix: '',
      now: new Date('2026-01-01T00:00:00.000Z'),
      planId: 'p',
      git: null,
      base: { stateHash: 's', clusterHash: 'c' },
    }).masters[0]!;

  it('the active instance with the manifest\'s recorded fingerprint plans noop', () => {
    const [, spec, fp] = PINNED[1]!;
    const mp = plan(spec, [recorded(1, spec, fp, { active: true })]);
    expect({ decision: mp.decision, steps: mp.steps }).toEqual({ decision: 'noop', steps: [] });
  });

  it('an instance pre-built by apply --no-activate is caught up and activated, not rebuilt', () => {
    const [, oldSpec, oldFp] = PINNED[0]!;
    const [, spec, fp] = PINNED[1]!;
    const mp = plan(spec, [recorded(1, oldSpec, oldFp, { active: true }), recorded(2, spec, fp, { lastUpdateAt: '2025-12-01T00:00:00.000Z' })]);
    expect(mp.decision).toBe('catch_up_activate');
    expect(mp.steps.map((s) => s.op)).toEqual(['catch_up', 'prune', 'wait', 'activate']);
    expect(mp.steps.at(-1)).toMatchObject({ op: 'activate', from: 'movies-1', to: 'movies-2' });
  });
});
