import { describe, expect, it } from 'vitest';
import { fingerprint } from '../fingerprint/index.js';
import type { Manifest, MasterSpec } from '../manifest/types.js';
import { planOffline } from './offline.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';

function master(name: string, properties: Record<string, unknown>, extra: Partial<MasterSpec> = {}): Manifest {
  return withFingerprint({
    name,
    labels: {},
    spec: {
      settings: { number_of_shards: 1 },
      mappings: { properties },
      activation: { minDocRatio: 0 },
      retention: { keepInactive: 2 },
      ...extra,
    },
    origin: { file: `manifests/${name}.yaml`, line: 1, col: 1, dir: 'manifests' },
  });
}

describe('planOffline', () => {
  const base = [
    master('movies', { title: { type: 'text' } }),
    master('people', { name: { type: 'keyword' } }),
    master('tags', { tag: { type: 'keyword' } }),
    master('old', { x: { type: 'keyword' } }),
    master('shows', { title: { type: 'text' } }),
  ];
  const head = [
    master('movies', { title: { type: 'keyword' } }),
    master('people', { name: { type: 'keyword' }, age: { type: 'integer' } }),
    master('tags', { tag: { type: 'keyword' } }, { retention: { keepInactive: 5 } }),
    master('shows', { title: { type: 'text' } }),
    master('new', { y: { type: 'keyword' } }),
  ];
  const plan = planOffline(base, head, { baseRef: 'origin/main' });
  const byName = (n: string) => plan.masters.find((m) => m.name === n)!;

  it('tells, per master, added / removed / changed / unchanged, sorted by name', () => {
    expect(plan.masters.map((m) => [m.name, m.status, m.verdict, m.newInstance])).toEqual([
      ['movies', 'changed', 'replace', true],
      ['new', 'added', null, true],
      ['old', 'removed', null, false],
      ['people', 'changed', 'in_place', false],
      ['shows', 'unchanged', null, false],
      ['tags', 'unchanged', null, false],
    ]);
    expect(plan.summary).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 2, in_place: 1, replace: 1, newInstances: 2 });
    expect(plan.baseRef).toBe('origin/main');
  });

  it('gives the old and new fingerprints and the reasons of a change', () => {
    const movies = byName('movies');
    expect(movies.baseFingerprint).toBe(fingerprint({ settings: base[0]!.spec.settings, mappings: base[0]!.spec.mappings }));
    expect(movies.headFingerprint).toBe(fingerprint({ settings: head[0]!.spec.settings, mappings: head[0]!.spec.mappings }));
    expect(movies.baseFingerprint).not.toBe(movies.headFingerprint);
    expect(movies.reasons).toContain('mappings.properties.title.type: text → keyword (not updatable in place)');
    expect(byName('people').reasons.join('\n')).toContain('mappings.properties.age: added');
    expect(byName('people').reasons[0]).toBe('the engine can take every change in place');
  });

  it('lists a field added beside a replace without "added in place"', () => {
    const both = planOffline([master('movies', { title: { type: 'text' } })], [master('movies', { title: { type: 'keyword' }, rating: { type: 'float' } })]);
    const reasons = both.masters[0]!.reasons;
    expect(reasons).toContain('mappings.properties.rating: added {"type":"float"}');
    expect(reasons.join('\n')).not.toMatch(/added in place|Elasticsearch/);
  });

  it('says an in-place field addition leaves existing documents to be filled, as the cluster plan does', () => {
    const withSource = planOffline(base, [master('people', { name: { type: 'keyword' }, age: { type: 'integer' } }, { source: { type: 'ndjson', path: 'people.ndjson' } })]);
    expect(withSource.masters.find((m) => m.name === 'people')!.reasons).toContain(
      'existing documents get values for new fields only when re-sent: apply fills the active instance again (full) after the mapping update',
    );
    expect(byName('people').reasons).toContain('existing documents get no value for the new fields: the manifest has no spec.source to re-send them from');
    // A replace fills the new instance anyway: no such line.
    expect(byName('movies').reasons.join('\n')).not.toContain('existing documents');
  });

  it('names the base and head commits it compared', () => {
    const p = planOffline(base, head, { baseRef: 'origin/main', baseCommit: 'a'.repeat(40), head: { commit: 'b'.repeat(40), dirty: true } });
    expect(p).toMatchObject({ baseCommit: 'a'.repeat(40), head: { commit: 'b'.repeat(40), dirty: true } });
  });

  it('mentions changes outside settings and mappings, which need no new instance', () => {
    expect(byName('tags').reasons).toEqual(['spec.retention changed (no new instance needed for it)']);
    expect(byName('shows').reasons).toEqual([]);
  });
});

describe('planOffline with the history', () => {
  const base = [master('movies', { title: { type: 'text' } }), master('people', { name: { type: 'keyword' } }), master('tags', { tag: { type: 'keyword' } })];
  const head = [
    master('movies', { title: { type: 'keyword' } }),
    master('people', { name: { type: 'keyword' }, age: { type: 'integer' } }),
    master('tags', { tag: { type: 'keyword' } }),
    master('new', { y: { type: 'keyword' } }),
  ];
  const lastFills = {
    movies: { instance: 'movies-3', docs: 12_000, at: '2026-11-30T10:00:00.000Z' },
    people: { instance: 'people-1', docs: 40, at: '2026-11-29T08:00:00.000Z' },
    tags: { instance: 'tags-2', docs: 7, at: '2026-11-28T08:00:00.000Z' },
  };
  const byName = (p: ReturnType<typeof planOffline>, n: string) => p.masters.find((m) => m.name === n)!;

  it("gives each master the documents its active instance's last fill moved, and for a replace the fill at the last measured rate", () => {
    const plan = planOffline(base, head, { history: { file: '.esm/state.sqlite', view: { lastFills, fillRates: { movies: 4_000 } } } });
    expect(plan.history).toEqual({ file: '.esm/state.sqlite', read: true });
    expect(byName(plan, 'movies')).toMatchObject({
      verdict: 'replace',
      recordedDocs: { instance: 'movies-3', docs: 12_000, at: '2026-11-30T10:00:00.000Z' },
      fillEstimate: { docs: 12_000, seconds: 3, docsPerSecond: 4_000 },
    });
    // In place or unchanged: the count, no fill to estimate.
    expect(byName(plan, 'people')).toMatchObject({ verdict: 'in_place', recordedDocs: { instance: 'people-1', docs: 40 } });
    expect(byName(plan, 'people').fillEstimate).toBeUndefined();
    expect(byName(plan, 'tags').recordedDocs).toEqual({ instance: 'tags-2', docs: 7, at: '2026-11-28T08:00:00.000Z' });
    expect(byName(plan, 'tags').fillEstimate).toBeUndefined();
    // Not in the history: nothing recorded.
    expect(byName(plan, 'new').recordedDocs).toBeNull();
  });

  it('estimates no duration when the history measured no fill rate for the master', () => {
    const plan = planOffline(base, head, { history: { file: 'state.sqlite', view: { lastFills } } });
    expect(byName(plan, 'movies').fillEstimate).toEqual({ docs: 12_000, seconds: null, docsPerSecond: null });
  });

  it('has no figures without a history, and says whether one was read', () => {
    const none = planOffline(base, head);
    expect(none.history).toBeNull();
    expect(none.masters.every((m) => m.recordedDocs === null && m.fillEstimate === undefined)).toBe(true);
    const unreadable = planOffline(base, head, { history: { file: '.esm/state.sqlite', view: null } });
    expect(unreadable.history).toEqual({ file: '.esm/state.sqlite', read: false });
    expect(unreadable.masters.every((m) => m.recordedDocs === null && m.fillEstimate === undefined)).toBe(true);
  });
});
