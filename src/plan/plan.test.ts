import { describe, expect, it } from 'vitest';
import type { IndexSnapshot } from '../cluster/types.js';
import { InvalidInputError } from '../errors.js';
import { fingerprint } from '../fingerprint/index.js';
import type { HistoryView } from '../history/types.js';
import type { Manifest, MasterSpec } from '../manifest/types.js';
import { aHistory, anIndex, anIndexNamed, anInstanceRecord, aSnapshot } from '../../test/support/plan-builders.js';
import type { IndexSpec } from './diff.js';
import { createPlan } from './plan.js';
import { hasChanges, type MasterPlan, type Plan } from './types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';

const V1: IndexSpec = {
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { dynamic: 'strict', properties: { title: { type: 'text' }, tag: { type: 'keyword' }, updated_at: { type: 'date' } } },
};

/** V1 edited: a copy, changed by `edit`. */
function v1(edit: (s: { settings: Record<string, any>; mappings: Record<string, any> }) => void): IndexSpec {
  const s = structuredClone(V1) as { settings: Record<string, any>; mappings: Record<string, any> };
  edit(s);
  return s;
}

function master(name: string, spec: IndexSpec = V1, extra: Partial<MasterSpec> = {}): Manifest {
  return withFingerprint({
    name,
    labels: {},
    spec: {
      settings: spec.settings,
      mappings: spec.mappings,
      source: { type: 'ndjson', path: `${name}.ndjson` },
      updatedField: 'updated_at',
      activation: { minDocRatio: 0 },
      retention: { keepInactive: 2 },
      ...extra,
    },
    origin: { file: `manifests/${name}.yaml`, line: 1, col: 1, dir: 'manifests' },
  });
}

function plan(
  manifests: Manifest[],
  indices: IndexSnapshot[] = [],
  o: { history?: HistoryView; prefix?: string; only?: string[]; modulesOrdered?: string[]; reindex?: boolean } = {},
): Plan {
  const snapshot = aSnapshot({ indices, prefix: o.prefix ?? '' });
  if (o.reindex === false) snapshot.capabilities.reindex = false;
  return createPlan({
    manifests,
    snapshot,
    history: o.history ?? aHistory(),
    prefix: o.prefix ?? '',
    now: new Date('2025-06-01T12:00:00.000Z'),
    planId: 'plan-1',
    git: { commit: 'abc123', branch: 'main', dirty: false },
    base: { stateHash: 's', clusterHash: 'c' },
    ...(o.only ? { only: o.only } : {}),
    ...(o.modulesOrdered ? { modulesOrdered: o.modulesOrdered } : {}),
  });
}

function only(p: Plan, name = 'movies'): MasterPlan {
  const m = p.masters.find((x) => x.name === name);
  if (!m) throw new Error(`no master ${name} in the plan`);
  return m;
}

const reasons = (m: MasterPlan) => m.reasons.join('\n');

describe('createPlan: create', () => {
  it('creates, fills and activates the first instance of a new master', () => {
    const p = plan([master('movies')]);
    const m = only(p);
    expect(m).toMatchObject({ name: 'movies', alias: 'movies', active: null, decision: 'create', fingerprint: fingerprint(V1) });
    expect(m.steps).toEqual([
      { op: 'create', index: 'movies-1', number: 1 },
      { op: 'fill', index: 'movies-1', mode: 'full', via: 'source' },
      { op: 'wait', index: 'movies-1', health: 'green' },
      { op: 'activate', alias: 'movies', from: null, to: 'movies-1' },
    ]);
    expect(reasons(m)).toContain('no instance of movies exists yet');
    expect(p.summary).toEqual({ create: 1, fill: 1, catch_up: 0, prune: 0, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 });
  });

  it('fills by server-side reindex when the source is a reindex', () => {
    const m = only(plan([master('movies', V1, { source: { type: 'reindex', from: 'films' } })]));
    expect(m.steps[1]).toEqual({ op: 'fill', index: 'movies-1', mode: 'full', via: 'reindex', from: 'films' });
  });

  it('has no fill step, and says why, when the master has no source', () => {
    const m = only(plan([master('movies', V1, { source: undefined })]));
    expect(m.steps.map((s) => s.op)).toEqual(['create', 'mark_filled', 'wait', 'activate']);
    expect(m.steps[1]).toEqual({ op: 'mark_filled', index: 'movies-1', why: 'no_source' });
    expect(reasons(m)).toContain('no source');
  });

  it('puts the environment prefix on the alias and the index names', () => {
    const m = only(plan([master('movies')], [], { prefix: 'qa1_' }));
    expect(m.alias).toBe('qa1_movies');
    expect(m.steps[0]).toEqual({ op: 'create', index: 'qa1_movies-1', number: 1 });
    expect(m.steps[3]).toEqual({ op: 'activate', alias: 'qa1_movies', from: null, to: 'qa1_movies-1' });
  });

  it('never reuses the number of a dropped instance (history maxNumber)', () => {
    const m = only(plan([master('movies')], [], { history: aHistory({ maxNumber: { movies: 3 } }) }));
    expect(m.steps[0]).toEqual({ op: 'create', index: 'movies-4', number: 4 });
  });

  it('numbers per prefix: instances another prefix recorded in the same state file do not count', () => {
    const history = aHistory({ instances: [anInstanceRecord({ master: 'movies', number: 3 })], maxNumber: { movies: 3 } });
    const m = only(plan([master('movies')], [anIndex({ master: 'movies', n: 4, prefix: 'qa2_', spec: V1 })], { history, prefix: 'qa1_' }));
    expect(m.steps[0]).toEqual({ op: 'create', index: 'qa1_movies-1', number: 1 });
  });

  it('creates the next instance when instances exist but none is active and none has the fingerprint', () => {
    const old = v1((s) => (s.mappings['properties'].title.type = 'keyword'));
    const m = only(plan([master('movies')], [anIndex({ master: 'movies', n: 1, spec: old }), anIndex({ master: 'movies', n: 2, spec: old })]));
    expect(m.decision).toBe('create');
    expect(m.steps.slice(0, 4)).toEqual([
      { op: 'create', index: 'movies-3', number: 3 },
      { op: 'fill', index: 'movies-3', mode: 'full', via: 'source' },
      { op: 'wait', index: 'movies-3', health: 'green' },
      { op: 'activate', alias: 'movies', from: null, to: 'movies-3' },
    ]);
    expect(reasons(m)).toContain('no active instance');
  });

  it('skips numbers taken by an index of the same name that belongs to another master', () => {
    const foreign = anIndexNamed('movies-5', { meta: { master: 'films', instance: 5, fingerprint: 'sha256:x', createdAt: '', commit: null } });
    const m = only(plan([master('movies')], [foreign]));
    expect(m.steps[0]).toEqual({ op: 'create', index: 'movies-6', number: 6 });
  });
});

describe('createPlan: noop and drift', () => {
  it('does nothing when the active instance has the desired fingerprint', () => {
    const p = plan([master('movies')], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]);
    expect(only(p)).toMatchObject({ decision: 'noop', active: 'movies-1', steps: [] });
    expect(p.warnings).toEqual([]);
    expect(p.summary.noop).toBe(1);
  });

  it('does not call parameters Elasticsearch leaves out (defaults) drift', () => {
    const spec = v1((s) => Object.assign(s.mappings['properties'].tag, { norms: false, index: true }));
    const live = structuredClone(V1);
    const p = plan([master('movies', spec)], [anIndex({ master: 'movies', n: 1, spec, live, active: true })]);
    expect(only(p).decision).toBe('noop');
    expect(p.warnings).toEqual([]);
  });

  it('warns of drift when the live mapping differs from what the instance was created with, naming the paths', () => {
    const live = v1((s) => {
      s.mappings['properties'].extra = { type: 'keyword' };
      s.settings['refresh_interval'] = '5s';
    });
    const p = plan([master('movies')], [anIndex({ master: 'movies', n: 1, spec: V1, live, active: true })]);
    expect(only(p).decision).toBe('noop');
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatchObject({ code: 'drift', master: 'movies' });
    expect(p.warnings[0]!.message).toContain('movies-1');
    expect(p.warnings[0]!.message).toContain('mappings.properties.extra');
    expect(p.warnings[0]!.message).toContain('settings.refresh_interval');
  });
});

describe('createPlan: catch_up_activate', () => {
  const old = v1((s) => (s.mappings['properties'].title.type = 'keyword'));

  it.each([
    {
      what: 'never filled: fill in full',
      b: { filledAt: null },
      extra: {},
      history: aHistory(),
      expected: [{ op: 'fill', index: 'movies-2', mode: 'full', via: 'source' }],
      reason: 'movies-2 was never filled',
    },
    {
      what: 'filled, with updatedField: catch up since its last update',
      b: { filledAt: '2025-05-01T00:00:00.000Z', lastUpdateAt: '2025-05-02T00:00:00.000Z' },
      extra: {},
      history: aHistory(),
      expected: [{ op: 'catch_up', index: 'movies-2', since: '2025-05-02T00:00:00.000Z' }],
      reason: 'changed since 2025-05-02T00:00:00.000Z',
    },
    {
      what: 'filled, never updated since: catch up since the fill',
      b: { filledAt: '2025-05-01T00:00:00.000Z' },
      extra: {},
      history: aHistory(),
      expected: [{ op: 'catch_up', index: 'movies-2', since: '2025-05-01T00:00:00.000Z' }],
      reason: 'changed since 2025-05-01T00:00:00.000Z',
    },
    {
      what: 'filled according to the history only',
      b: { filledAt: null },
      extra: {},
      history: aHistory({ instances: [anInstanceRecord({ master: 'movies', number: 2, filledAt: '2025-04-01T00:00:00.000Z' })] }),
      expected: [{ op: 'catch_up', index: 'movies-2', since: '2025-04-01T00:00:00.000Z' }],
      reason: 'changed since 2025-04-01',
    },
    {
      what: 'filled, without updatedField: fill in full',
      b: { filledAt: '2025-05-01T00:00:00.000Z' },
      extra: { updatedField: undefined },
      history: aHistory(),
      expected: [{ op: 'fill', index: 'movies-2', mode: 'full', via: 'source', reason: 'no updatedField: a catch-up re-sends every document' }],
      reason: 'is brought up to date and activated',
    },
  ])('$what', ({ b, extra, history, expected, reason }) => {
    const p = plan(
      [master('movies', V1, { ...extra, retention: { keepInactive: 5 } })],
      [anIndex({ master: 'movies', n: 1, spec: old, active: true }), anIndex({ master: 'movies', n: 2, spec: V1, ...b })],
      { history },
    );
    const m = only(p);
    expect(m.decision).toBe('catch_up_activate');
    expect(m.steps).toEqual([...expected, { op: 'wait', index: 'movies-2', health: 'green' }, { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' }]);
    expect(reasons(m)).toContain(reason);
  });

  it('takes the newest of several instances with the fingerprint, and activates from nothing when no alias exists', () => {
    const p = plan(
      [master('movies', V1, { retention: { keepInactive: 5 } })],
      [anIndex({ master: 'movies', n: 1, spec: V1 }), anIndex({ master: 'movies', n: 3, spec: V1 }), anIndex({ master: 'movies', n: 2, spec: old })],
    );
    const m = only(p);
    expect(m.decision).toBe('catch_up_activate');
    expect(m.steps.at(-1)).toEqual({ op: 'activate', alias: 'movies', from: null, to: 'movies-3' });
  });

  it('applies retention after the activation: the previous active instance counts', () => {
    const p = plan(
      [master('movies', V1, { retention: { keepInactive: 0 } })],
      [anIndex({ master: 'movies', n: 1, spec: old, active: true }), anIndex({ master: 'movies', n: 2, spec: V1 })],
    );
    expect(only(p).steps.at(-1)).toMatchObject({ op: 'drop', index: 'movies-1' });
  });
});

describe('createPlan: in_place', () => {
  it('updates dynamic settings in place', () => {
    const desired = v1((s) => (s.settings['refresh_interval'] = '30s'));
    const m = only(plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(m.decision).toBe('in_place');
    expect(m.steps).toEqual([{ op: 'in_place', index: 'movies-1', settings: { 'index.refresh_interval': '30s' }, mappings: null }]);
    expect(reasons(m)).toContain('settings.refresh_interval: added 30s (dynamic setting, updated in place)');
  });

  it('adds a field in place, then re-sends the documents so they get values for it', () => {
    const desired = v1((s) => (s.mappings['properties'].year = { type: 'integer' }));
    const p = plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]);
    const m = only(p);
    expect(m.decision).toBe('in_place');
    expect(m.steps).toEqual([
      { op: 'in_place', index: 'movies-1', settings: null, mappings: desired.mappings },
      { op: 'fill', index: 'movies-1', mode: 'full', via: 'source', reason: 'existing documents get values for new fields only when re-sent' },
    ]);
    expect(reasons(m)).toContain('mappings.properties.year: added {"type":"integer"} (new field, added in place)');
    expect(p.summary).toMatchObject({ in_place: 1, fill: 1, create: 0, activate: 0 });
  });

  it('adds a multi-field in place with a fill, and says so when there is no source', () => {
    const desired = v1((s) => (s.mappings['properties'].tag.fields = { text: { type: 'text' } }));
    const m = only(plan([master('movies', desired, { source: undefined })], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(m.decision).toBe('in_place');
    expect(m.steps.map((s) => s.op)).toEqual(['in_place']);
    expect(reasons(m)).toContain('existing documents get no value for the new fields');
  });

  it('needs no fill for a field alias', () => {
    const desired = v1((s) => (s.mappings['properties'].label = { type: 'alias', path: 'tag' }));
    const m = only(plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(m.steps.map((s) => s.op)).toEqual(['in_place']);
  });

  it('only records the new fingerprint when the live index already matches the manifest', () => {
    const desired = v1((s) => (s.mappings['properties'].updated_at.ignore_malformed = false));
    expect(fingerprint(desired)).not.toBe(fingerprint(V1));
    const m = only(plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(m.decision).toBe('in_place');
    expect(m.steps).toEqual([{ op: 'in_place', index: 'movies-1', settings: null, mappings: null }]);
    expect(reasons(m)).toContain('movies-1 already matches the manifest');
  });

  it('adopts an active index esm did not create when it matches the manifest (SPEC §11)', () => {
    const m = only(plan([master('movies')], [anIndex({ master: 'movies', n: 1, spec: V1, active: true, managed: false })]));
    expect(m.decision).toBe('adopt');
    expect(m.steps).toEqual([{ op: 'adopt', index: 'movies-1', number: 1, via: 'meta' }]);
  });
});

describe('createPlan: sizes', () => {
  const changed = v1((s) => (s.mappings['properties'].title.type = 'keyword'));
  it('gives each master the live doc count of its active instance', () => {
    expect(only(plan([master('movies')], [anIndex({ master: 'movies', n: 1, spec: V1, active: true, docs: 1234 })])).liveDocs).toBe(1234);
    expect(only(plan([master('movies')])).liveDocs).toBeNull();
  });

  it('estimates a replace: the live docs, in the time the last measured fill rate gives', () => {
    const indices = [anIndex({ master: 'movies', n: 1, spec: V1, active: true, docs: 40_000 })];
    const measured = only(plan([master('movies', changed)], indices, { history: { ...aHistory(), fillRates: { movies: 4_000 } } }));
    expect(measured.fillEstimate).toEqual({ docs: 40_000, seconds: 10, docsPerSecond: 4_000 });
    const unmeasured = only(plan([master('movies', changed)], indices));
    expect(unmeasured.fillEstimate).toEqual({ docs: 40_000, seconds: null, docsPerSecond: null });
    // No estimate where nothing is replaced.
    expect(only(plan([master('movies')], indices, { history: { ...aHistory(), fillRates: { movies: 4_000 } } })).fillEstimate).toBeUndefined();
  });
});

describe('createPlan: replace', () => {
  it.each([
    ['a field type change', v1((s) => (s.mappings['properties'].title.type = 'keyword')), 'mappings.properties.title.type: text → keyword (not updatable in place)'],
    ['an analyzer', v1((s) => (s.mappings['properties'].title.analyzer = 'simple')), 'mappings.properties.title.analyzer: (unset) → simple (not updatable in place)'],
    ['the number of shards', v1((s) => (s.settings['number_of_shards'] = 2)), 'settings.number_of_shards: 1 → 2 (static setting, needs a new instance)'],
    ['a removed field', v1((s) => delete s.mappings['properties'].tag), 'mappings.properties.tag: removed'],
    ['norms false → true', v1((s) => (s.mappings['properties'].tag.norms = true)), 'mappings.properties.tag.norms: (unset) → true'],
    ['an analysis change', v1((s) => (s.settings['analysis'] = { analyzer: { my: { type: 'standard' } } })), 'settings.analysis.analyzer.my: added {"type":"standard"} (analysis settings change only on a closed index'],
  ])('replaces the active instance for %s', (_what, desired, reason) => {
    const p = plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]);
    const m = only(p);
    expect(m.decision).toBe('replace');
    expect(m.steps).toEqual([
      { op: 'create', index: 'movies-2', number: 2 },
      { op: 'fill', index: 'movies-2', mode: 'full', via: 'source' },
      { op: 'catch_up', index: 'movies-2', since: null },
      { op: 'wait', index: 'movies-2', health: 'green' },
      { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' },
    ]);
    expect(reasons(m)).toContain('a new instance is needed');
    expect(reasons(m)).toContain(reason);
    expect(p.summary).toEqual({ create: 1, fill: 1, catch_up: 1, prune: 0, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 });
  });

  it('has no catch-up without updatedField, and fills by reindex from the active instance', () => {
    const desired = v1((s) => (s.mappings['properties'].title.type = 'keyword'));
    const m = only(
      plan(
        [master('movies', desired, { updatedField: undefined, source: { type: 'reindex', from: 'active' } })],
        [anIndex({ master: 'movies', n: 1, spec: V1, active: true })],
      ),
    );
    expect(m.steps.map((s) => s.op)).toEqual(['create', 'fill', 'wait', 'activate']);
    expect(m.steps[1]).toEqual({ op: 'fill', index: 'movies-2', mode: 'full', via: 'reindex', from: 'movies-1' });
  });

  it('lists the changes that need a new instance before the ones that do not', () => {
    const desired = v1((s) => {
      s.settings['refresh_interval'] = '30s';
      s.mappings['properties'].title.type = 'keyword';
    });
    const m = only(plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(m.reasons[1]).toContain('mappings.properties.title.type');
    expect(m.reasons[2]).toContain('settings.refresh_interval');
  });

  it('lists a field added beside a replace as part of the new instance, not as "added in place"', () => {
    const desired = v1((s) => {
      s.mappings['properties'].title.type = 'keyword';
      s.mappings['properties'].rating = { type: 'float' };
    });
    const m = only(plan([master('movies', desired)], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(m.decision).toBe('replace');
    expect(m.reasons).toContain('mappings.properties.rating: added {"type":"float"}');
    expect(m.reasons.join('\n')).not.toMatch(/added in place/);
  });
});

describe('createPlan: wording for every engine', () => {
  it('names no engine where any engine is meant (the plan is the same on OpenSearch)', () => {
    const inPlace = only(plan([master('movies', v1((s) => (s.settings['refresh_interval'] = '30s')))], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    const removal = only(plan([master('movies', v1((s) => delete s.mappings['properties'].tag))], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]));
    expect(inPlace.reasons[0]).toBe('movies-1 differs from the manifest only in changes the engine takes in place');
    expect(removal.reasons.join('\n')).toContain('the engine never removes one from an index');
    expect([...inPlace.reasons, ...removal.reasons].join('\n')).not.toContain('Elasticsearch');
  });
});

describe('createPlan: retention', () => {
  const desired = v1((s) => (s.mappings['properties'].title.type = 'keyword'));
  const instances = () => [
    anIndex({ master: 'movies', n: 1, spec: V1 }),
    anIndex({ master: 'movies', n: 2, spec: V1 }),
    anIndex({ master: 'movies', n: 3, spec: V1, active: true }),
  ];

  it.each([
    [0, ['movies-3', 'movies-2', 'movies-1']],
    [1, ['movies-2', 'movies-1']],
    [2, ['movies-1']],
    [3, []],
  ])('keepInactive %i drops %j after the activation', (keep, dropped) => {
    const p = plan([master('movies', desired, { retention: { keepInactive: keep } })], instances());
    const m = only(p);
    expect(m.steps.find((s) => s.op === 'activate')).toEqual({ op: 'activate', alias: 'movies', from: 'movies-3', to: 'movies-4' });
    expect(m.steps.filter((s) => s.op === 'drop').map((s) => (s.op === 'drop' ? s.index : ''))).toEqual(dropped);
    expect(p.summary.drop).toBe(dropped.length);
  });

  it('gives each drop a reason, and never drops an index esm did not create', () => {
    const p = plan(
      [master('movies', desired, { retention: { keepInactive: 0 } })],
      [anIndex({ master: 'movies', n: 1, spec: V1, managed: false }), anIndex({ master: 'movies', n: 2, spec: V1, active: true })],
    );
    const drops = only(p).steps.filter((s) => s.op === 'drop');
    expect(drops).toEqual([{ op: 'drop', index: 'movies-2', reason: 'retention keeps no inactive instance (spec.retention.keepInactive: 0)' }]);
  });

  it('plans the drops retention still owes when nothing is activated (an apply killed after its alias swap)', () => {
    const p = plan([master('movies', V1, { retention: { keepInactive: 0 } })], instances());
    const m = only(p);
    expect(m.decision).toBe('noop');
    expect(m.steps).toEqual([
      { op: 'drop', index: 'movies-2', reason: 'retention keeps no inactive instance (spec.retention.keepInactive: 0)' },
      { op: 'drop', index: 'movies-1', reason: 'retention keeps no inactive instance (spec.retention.keepInactive: 0)' },
    ]);
    expect(reasons(m)).toContain('retention');
    expect(p.summary).toMatchObject({ drop: 2, noop: 0, adopt: 0 });
    expect(hasChanges(p)).toBe(true);
  });

  it('keeps what retention allows, and no pending drop makes a plan with changes', () => {
    const p = plan([master('movies', V1, { retention: { keepInactive: 2 } })], instances());
    expect(only(p).steps).toEqual([]);
    expect(p.summary).toMatchObject({ drop: 0, noop: 1, adopt: 0 });
  });

  it('never drops, as pending retention, an instance newer than the active one (pre-created, or rolled back from)', () => {
    const p = plan(
      [master('movies', V1, { retention: { keepInactive: 0 } })],
      [anIndex({ master: 'movies', n: 1, spec: V1 }), anIndex({ master: 'movies', n: 2, spec: V1, active: true }), anIndex({ master: 'movies', n: 3, spec: desired })],
    );
    expect(only(p).steps).toEqual([{ op: 'drop', index: 'movies-1', reason: 'retention keeps no inactive instance (spec.retention.keepInactive: 0)' }]);
  });

  it('adds the pending drops to an in-place change', () => {
    const wider = v1((s) => (s.mappings['properties'].extra = { type: 'keyword' }));
    const p = plan([master('movies', wider, { retention: { keepInactive: 1 }, source: undefined })], instances());
    const m = only(p);
    expect(m.decision).toBe('in_place');
    expect(m.steps.map((s) => [s.op, 'index' in s ? s.index : ''])).toEqual([
      ['in_place', 'movies-3'],
      ['drop', 'movies-1'],
    ]);
  });
});

describe('createPlan: orphans and conflicts', () => {
  it('reports managed indices and history masters without a manifest as orphans, and plans nothing for them', () => {
    const p = plan(
      [master('movies')],
      [anIndex({ master: 'films', n: 1, active: true }), anIndex({ master: 'films', n: 2 }), anIndex({ master: 'tags', n: 1, prefix: 'qa1_' })],
      {
        history: aHistory({
          masters: [
            { name: 'people', alias: 'people', activeInstance: 'people-1', updatedAt: '' },
            { name: 'gone', alias: 'gone', activeInstance: null, updatedAt: '' },
          ],
          instances: [anInstanceRecord({ master: 'gone', number: 1, dropped: true })],
        }),
      },
    );
    expect(p.masters.map((m) => m.name)).toEqual(['movies']);
    expect(p.warnings.map((w) => [w.code, w.master])).toEqual([
      ['orphan', 'films'],
      ['orphan', 'people'],
    ]);
    expect(p.warnings[0]!.message).toContain('films-1, films-2');
    expect(p.warnings[0]!.message).toContain('never deletes');
  });

  it('blocks a master whose alias name is taken by a concrete index', () => {
    const p = plan([master('movies')], [anIndexNamed('movies', { docs: 10 })]);
    const m = only(p);
    expect(m.blocked).toContain('an index named "movies" exists');
    expect(m).toMatchObject({ decision: 'noop', steps: [] });
    expect(reasons(m)).toContain('an index named "movies" exists');
    expect(p.warnings).toEqual([{ code: 'conflict', master: 'movies', message: m.blocked }]);
    expect(p.summary.noop).toBe(0);
  });

  it('blocks a master whose alias points at an index that is not one of its instances', () => {
    const p = plan([master('movies')], [anIndex({ master: 'movies', n: 1, spec: V1 }), anIndexNamed('legacy_movies', { aliases: ['movies'] })]);
    const m = only(p);
    expect(m.blocked).toContain('the alias "movies" points at "legacy_movies", which is not an instance of master movies');
    expect(m.steps).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toEqual(['conflict']);
  });
});

describe('createPlan: prune, the id-set comparison before an activation (SPEC §3 Deletions, §13)', () => {
  const withIds = (extra: Partial<MasterSpec> = {}) => master('movies', V1, { idField: 'id', ...extra });
  const changed = (extra: Partial<MasterSpec> = {}) =>
    master('movies', v1((s) => (s.mappings['properties'].title.type = 'keyword')), { idField: 'id', ...extra });

  it('a replace whose source can list its ids prunes the new instance after its catch-up, right before the activation', () => {
    const p = plan([changed()], [anIndex({ master: 'movies', n: 1, spec: V1, active: true })]);
    expect(only(p).steps.map((s) => s.op)).toEqual(['create', 'fill', 'catch_up', 'prune', 'wait', 'activate']);
    expect(only(p).steps[3]).toEqual({ op: 'prune', index: 'movies-2' });
    expect(only(p).deletions?.method).toBe('id_set');
    expect(p.summary).toEqual({ create: 1, fill: 1, catch_up: 1, prune: 1, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 });
  });

  it('a first instance is pruned too, and a pre-created one before it is activated; with deletedField as well', () => {
    expect(only(plan([withIds()])).steps.map((s) => s.op)).toEqual(['create', 'fill', 'prune', 'wait', 'activate']);
    const ready = plan([changed({ deletedField: 'deleted' })], [
      anIndex({ master: 'movies', n: 1, spec: V1, active: true }),
      anIndex({ master: 'movies', n: 2, spec: v1((s) => (s.mappings['properties'].title.type = 'keyword')), lastUpdateAt: '2025-05-01T00:00:00.000Z' }),
    ]);
    expect(only(ready).decision).toBe('catch_up_activate');
    expect(only(ready).steps.map((s) => `${s.op} ${'index' in s ? s.index : s.to}`)).toEqual(['catch_up movies-2', 'prune movies-2', 'wait movies-2', 'activate movies-2']);
    expect(only(ready).deletions?.method).toBe('deleted_field_and_id_set');
  });

  it('no prune where no id set can be compared: no idField, a module without ids, deletedField alone, or nothing copied', () => {
    const active = [anIndex({ master: 'movies', n: 1, spec: V1, active: true })];
    const noIds = master('movies', v1((s) => (s.mappings['properties'].title.type = 'keyword')));
    expect(only(plan([noIds], active)).steps.map((s) => s.op)).not.toContain('prune');
    expect(only(plan([changed({ source: { type: 'module', path: 'm.mjs' } })], active)).steps.map((s) => s.op)).not.toContain('prune');
    expect(only(plan([changed({ source: undefined })], active)).steps.map((s) => s.op)).toEqual(['create', 'mark_filled', 'wait', 'activate']);
    // In place: nothing is copied into an instance that is then activated.
    expect(only(plan([master('movies', v1((s) => (s.settings['refresh_interval'] = '5s')), { idField: 'id' })], active)).steps.map((s) => s.op)).toEqual(['in_place']);
  });
});

describe('createPlan: wait for the instance to be green before its activation (SPEC §13)', () => {
  const onCluster = (m: Manifest, dataNodes: number | null, indices: IndexSnapshot[] = []) =>
    createPlan({
      manifests: [m],
      snapshot: { ...aSnapshot({ indices }), dataNodes },
      history: aHistory(),
      prefix: '',
      now: new Date('2025-06-01T12:00:00.000Z'),
      planId: 'plan-1',
      git: null,
      base: { stateHash: 's', clusterHash: 'c' },
    });
  const replicas = (n: number | string, extra: Record<string, unknown> = {}) => master('movies', { ...V1, settings: { number_of_shards: 1, number_of_replicas: n, ...extra } });

  it('waits for green right before each activation, after the prune, and counts no change for it', () => {
    const p = onCluster(replicas(1), 3);
    expect(only(p).steps.map((s) => s.op)).toEqual(['create', 'fill', 'wait', 'activate']);
    expect(only(p).steps[2]).toEqual({ op: 'wait', index: 'movies-1', health: 'green' });
    expect(p.warnings).toEqual([]);
    expect(p.summary).toEqual({ create: 1, fill: 1, catch_up: 0, prune: 0, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 });
  });

  it('a replica count the cluster can never place is a warning, and the wait is for yellow (one node, 1 replica)', () => {
    const p = onCluster(replicas(1), 1);
    expect(only(p).steps[2]).toEqual({ op: 'wait', index: 'movies-1', health: 'yellow' });
    expect(p.warnings).toEqual([
      {
        code: 'replicas',
        master: 'movies',
        message: expect.stringMatching(/^movies asks for 1 replica of each shard and the cluster has 1 data node: .*movies-1 can never be green; activation waits for yellow.*number_of_replicas to at most 0/),
      },
    ]);
    // 3 replicas need 4 data nodes.
    expect(onCluster(replicas(3), 3).warnings.map((w) => w.code)).toEqual(['replicas']);
    expect(onCluster(replicas(2), 3).warnings).toEqual([]);
  });

  it('an unset replica count is the engine default, 1; auto_expand_replicas asks only for its lower bound', () => {
    const unset = master('movies', { ...V1, settings: { number_of_shards: 1 } });
    expect((onCluster(unset, 1).masters[0]!.steps.find((s) => s.op === 'wait') as { health: string }).health).toBe('yellow');
    expect(onCluster(replicas(1, { auto_expand_replicas: '0-1' }), 1).warnings).toEqual([]);
    expect(onCluster(master('movies', { ...V1, settings: { index: { auto_expand_replicas: '1-all' } } }), 1).warnings.map((w) => w.code)).toEqual(['replicas']);
  });

  it('waits for green without warning when the data nodes are not known (no monitor privilege, an older plan input)', () => {
    const p = onCluster(replicas(5), null);
    expect(only(p).steps.find((s) => s.op === 'wait')).toEqual({ op: 'wait', index: 'movies-1', health: 'green' });
    expect(p.warnings).toEqual([]);
  });

  it('no wait where nothing is activated: in place, or a noop', () => {
    const active = [anIndex({ master: 'movies', n: 1, spec: V1, active: true })];
    expect(only(onCluster(master('movies', V1), 1, active)).steps).toEqual([]);
    const inPlace = onCluster(master('movies', v1((s) => (s.settings['refresh_interval'] = '5s'))), 1, active);
    expect(only(inPlace).steps.map((s) => s.op)).toEqual(['in_place']);
    expect(inPlace.warnings).toEqual([]);
  });
});

describe('createPlan: selection, order, summary', () => {
  const indices = () => [
    anIndex({ master: 'movies', n: 1, spec: V1, active: true }),
    anIndex({ master: 'tags', n: 1, spec: V1, active: true }),
  ];
  const manifests = () => [
    master('tags', v1((s) => (s.mappings['properties'].title.type = 'keyword'))),
    master('people'),
    master('movies'),
  ];

  it('sorts masters by name and counts steps by op, and noop masters', () => {
    const p = plan(manifests(), indices());
    expect(p.masters.map((m) => [m.name, m.decision])).toEqual([
      ['movies', 'noop'],
      ['people', 'create'],
      ['tags', 'replace'],
    ]);
    expect(p.summary).toEqual({ create: 2, fill: 2, catch_up: 1, prune: 0, activate: 2, in_place: 0, drop: 0, noop: 1, adopt: 0 });
    expect(p).toMatchObject({ formatVersion: 1, planId: 'plan-1', createdAt: '2025-06-01T12:00:00.000Z', prefix: '', base: { stateHash: 's', clusterHash: 'c' } });
  });

  it('narrows to the masters named with only', () => {
    const p = plan(manifests(), indices(), { only: ['tags'] });
    expect(p.masters.map((m) => m.name)).toEqual(['tags']);
  });

  it('refuses an unknown master name, listing the known ones', () => {
    expect(() => plan(manifests(), indices(), { only: ['tag'] })).toThrowError(InvalidInputError);
    expect(() => plan(manifests(), indices(), { only: ['tag'] })).toThrowError('unknown master tag; known masters: movies, people, tags');
  });

  it('gives the same plan for the same input', () => {
    expect(plan(manifests(), indices())).toEqual(plan(manifests(), indices()));
  });
});

describe('createPlan: dependency order', () => {
  const from = (name: string, source: string) => master(name, V1, { source: { type: 'reindex', from: source } });

  it('puts a master after the master it reindexes from, the others by name', () => {
    const p = plan([from('alpha', 'zeta'), master('zeta'), master('beta'), from('aardvark', 'alpha')]);
    expect(p.masters.map((m) => m.name)).toEqual(['zeta', 'alpha', 'aardvark', 'beta']);
  });

  it('orders the selected masters only, by dependency among them', () => {
    const p = plan([from('alpha', 'zeta'), master('zeta'), master('beta')], [], { only: ['alpha', 'zeta'] });
    expect(p.masters.map((m) => m.name)).toEqual(['zeta', 'alpha']);
  });

  it('refuses a dependency cycle (invalid input)', () => {
    expect(() => plan([from('a', 'b'), from('b', 'a')])).toThrowError(/dependency cycle/);
  });
});

describe('createPlan: a fill that stopped resumes from its checkpoint', () => {
  const old = v1((s) => (s.mappings['properties'].title.type = 'keyword'));
  const ndjsonAt = { kind: 'ndjson', file: 'movies.ndjson', prior: 'e3b0c44298fc1c14', offset: 3_456_789, line: 30_000, size: 6_912_000, mtimeMs: 1, lastId: 'm-30000' };
  const stopped = (position: Record<string, unknown> = ndjsonAt, extra: Partial<HistoryView> = {}): HistoryView => ({
    ...aHistory(),
    unfinishedFills: {
      'movies-2': { instance: 'movies-2', docs: 30_000, total: 200_000, startedAt: '2025-05-31T10:00:00.000Z', at: '2025-05-31T10:05:00.000Z', position, status: 'aborted' },
    },
    ...extra,
  });
  const killedReplace = (m: Manifest, history: HistoryView, o: { modulesOrdered?: string[]; reindex?: boolean } = {}) =>
    only(plan([m], [anIndex({ master: 'movies', n: 1, spec: old, active: true }), anIndex({ master: 'movies', n: 2, spec: V1, filledAt: null })], { history, ...o }));

  it('resumes the never-filled instance from the checkpoint, then catches up what changed since the stopped fill started', () => {
    const m = killedReplace(master('movies', V1, { idField: 'id' }), stopped());
    expect(m.decision).toBe('catch_up_activate');
    expect(m.steps).toEqual([
      {
        op: 'fill',
        index: 'movies-2',
        mode: 'full',
        via: 'source',
        resume: { docs: 30_000, total: 200_000, startedAt: '2025-05-31T10:00:00.000Z', position: ndjsonAt },
      },
      { op: 'catch_up', index: 'movies-2', since: null },
      { op: 'prune', index: 'movies-2' },
      { op: 'wait', index: 'movies-2', health: 'green' },
      { op: 'activate', alias: 'movies', from: 'movies-1', to: 'movies-2' },
    ]);
    expect(reasons(m)).toContain('a fill of movies-2 stopped at 30,000 of 200,000 documents (aborted, last checkpoint 2025-05-31T10:05:00.000Z); the fill resumes from there');
    expect(reasons(m)).toContain('then movies-2 catches up the documents changed since the stopped fill started (2025-05-31T10:00:00.000Z)');
  });

  it('starts from zero, saying why, where the fill cannot resume', () => {
    const cases: Array<[string, Manifest, HistoryView, { modulesOrdered?: string[]; reindex?: boolean }, string]> = [
      ['no idField', master('movies', V1), stopped(), {}, 'without idField the documents sent again after the stop would be duplicated'],
      ['a module without orderedBy', master('movies', V1, { idField: 'id', source: { type: 'module', path: 'movies.mjs' } }), stopped({ kind: 'key', field: 'id', last: 'm-9' }), {}, 'the module exports no orderedBy'],
      ['a damaged checkpoint', master('movies', V1, { idField: 'id' }), stopped({ kind: 'ndjson', offset: 'far' }), {}, 'its checkpoint cannot be read'],
      [
        'a checkpoint of another source',
        master('movies', V1, { idField: 'id', source: { type: 'reindex', from: 'films' } }),
        stopped(),
        {},
        'its checkpoint is one of another kind of source (ndjson) than the reindex source the master has now',
      ],
      [
        'a reindex task that copied from elsewhere',
        master('movies', V1, { source: { type: 'reindex', from: 'films' } }),
        stopped({ kind: 'task', task: 'node-1:42', from: 'tv' }),
        {},
        'its reindex task copied from tv, and this fill copies from films',
      ],
      [
        'a cluster without the reindex module',
        master('movies', V1, { source: { type: 'reindex', from: 'films' } }),
        stopped({ kind: 'task', task: 'node-1:42', from: 'films' }),
        { reindex: false },
        'the cluster has no reindex module, and the client-side copy cannot resume',
      ],
    ];
    for (const [what, manifest, history, o, why] of cases) {
      const m = killedReplace(manifest, history, o);
      const fill = m.steps.find((s) => s.op === 'fill');
      expect(fill, what).toBeDefined();
      expect(fill && 'resume' in fill, what).toBe(false);
      // Without a resume there is no catch-up of what the stopped fill had sent (a fill from zero sends it all again).
      expect(m.steps.map((s) => s.op).filter((op) => op !== 'prune'), what).toEqual(['fill', 'wait', 'activate']);
      expect(reasons(m), what).toContain('a fill of movies-2 stopped at 30,000 of 200,000 documents (aborted, last checkpoint 2025-05-31T10:05:00.000Z); it cannot resume (');
      expect(reasons(m), what).toContain(why);
      expect(reasons(m), what).toContain('so the fill starts from zero');
    }
  });

  it('resumes an ordered module, and re-attaches to the reindex task of a reindex source', () => {
    const mod = killedReplace(master('movies', V1, { idField: 'id', source: { type: 'module', path: 'movies.mjs' } }), stopped({ kind: 'key', field: 'id', last: 'm-9' }), {
      modulesOrdered: ['movies'],
    });
    expect(mod.steps[0]).toMatchObject({ op: 'fill', resume: { docs: 30_000, position: { kind: 'key', field: 'id', last: 'm-9' } } });
    const task = { kind: 'task', task: 'node-1:42', from: 'films' };
    const re = killedReplace(master('movies', V1, { source: { type: 'reindex', from: 'films' } }), stopped(task));
    expect(re.steps[0]).toMatchObject({ op: 'fill', via: 'reindex', from: 'films', resume: { position: task } });
    expect(re.steps[1]).toEqual({ op: 'catch_up', index: 'movies-2', since: null, from: 'films' });
  });

  it('has no catch-up after a resumed fill without updatedField, and no resume for another instance', () => {
    const m = killedReplace(master('movies', V1, { idField: 'id', updatedField: undefined }), stopped());
    expect(m.steps.map((s) => s.op)).toEqual(['fill', 'prune', 'wait', 'activate']);
    expect(m.steps[0]).toHaveProperty('resume');
    const other = killedReplace(master('movies', V1, { idField: 'id' }), { ...stopped(), unfinishedFills: { 'movies-7': stopped().unfinishedFills!['movies-2']! } });
    expect(other.steps[0]).not.toHaveProperty('resume');
  });
});
