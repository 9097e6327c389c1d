/**
 * What companions mean for the masters' plans (SPEC §12), through createPlan: a pipeline
 * change with and without spec.refillOnPipelineChange, a synonym set inlined (a replace
 * that names the set) or reloaded in place, masters naming what they use, the summary.
 */
import { describe, expect, it } from 'vitest';
import { aLive, aPipeline, aSynonymSet, API, INLINE, resolveAll } from '../../test/support/companions.js';
import { planCompanions, type CompanionLive } from '../companions/plan.js';
import type { Companion, SynonymsSupport } from '../companions/types.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import type { Manifest } from '../manifest/types.js';
import { aHistory, anIndex, aSnapshot } from '../../test/support/plan-builders.js';
import { createPlan } from './plan.js';
import { hasChanges, isBlocked, type Plan } from './types.js';

const PREFIX = 'qa1_';

function planOf(masters: Manifest[], companions: Companion[], o: { live?: CompanionLive; active?: boolean; synonyms?: SynonymsSupport | null; owned?: string[]; only?: string[] } = {}): Plan {
  const r = resolveAll(PREFIX, companions, masters, o.synonyms ?? null);
  const indices = o.active === false ? [] : r.masters.map((m) => anIndex({ prefix: PREFIX, master: m.name, n: 1, active: true, spec: { settings: m.spec.settings, mappings: m.spec.mappings } }));
  return createPlan({
    manifests: r.masters,
    snapshot: aSnapshot({ indices, prefix: PREFIX }),
    history: aHistory(),
    prefix: PREFIX,
    now: new Date('2025-06-01T00:00:00.000Z'),
    planId: 'p1',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
    companions: { declared: r.companions, live: o.live ?? aLive(), synonyms: o.synonyms ?? null, owned: o.owned ?? [] },
    ...(o.only ? { only: o.only } : {}),
  });
}

/** The cluster holding what esm wrote for `companions`. */
function written(companions: Companion[]): CompanionLive {
  const r = resolveAll(PREFIX, companions);
  const live = aLive();
  for (const p of planCompanions({ prefix: PREFIX, declared: r.companions, masters: [], live, synonyms: null, owned: [], prune: false })) {
    if (p.kind === 'IngestPipeline') live.pipelines[p.id] = p.body!;
  }
  return live;
}

const enrich = aPipeline('enrich', [{ lowercase: { field: 'genre' } }]);
const enrich2 = aPipeline('enrich', [{ uppercase: { field: 'genre' } }]);
const movies = (extra: { refill?: boolean; source?: boolean } = {}) =>
  aManifest({
    name: 'movies',
    settings: { number_of_shards: 1, default_pipeline: 'enrich' },
    ...(extra.source === false ? { source: undefined } : {}),
  });
const withRefill = (m: Manifest): Manifest => ({ ...m, spec: { ...m.spec, refillOnPipelineChange: true } }) as Manifest;

describe('companions in the plan', () => {
  it('masters name the companions they use; a plan whose only change is a companion has changes', () => {
    const plan = planOf([movies()], [enrich]);
    expect(plan.masters[0]).toMatchObject({ name: 'movies', decision: 'noop', uses: ['IngestPipeline/enrich'] });
    expect(plan.companions?.map((c) => [c.id, c.action])).toEqual([['qa1_enrich', 'create']]);
    expect(plan.summary.companions).toEqual({ create: 1, update: 0, adopt: 0, delete: 0, noop: 0, orphan: 0 });
    expect(hasChanges(plan)).toBe(true);
    expect(hasChanges(planOf([movies()], [enrich], { live: written([enrich]) }))).toBe(false);
  });

  it('a pipeline change is an update, not a replace: documents indexed afterwards go through it, and the master says so', () => {
    const plan = planOf([movies()], [enrich2], { live: written([enrich]) });
    expect(plan.companions?.[0]).toMatchObject({ action: 'update', usedBy: ['movies'] });
    expect(plan.masters[0]).toMatchObject({ decision: 'noop', steps: [] });
    expect(plan.masters[0]!.reasons).toContain(
      'ingest pipeline qa1_enrich changes: documents indexed from now on go through the new version, those in qa1_movies-1 are not re-sent (spec.refillOnPipelineChange: true would)',
    );
  });

  it('spec.refillOnPipelineChange: the active instance is filled again through the new pipeline', () => {
    const plan = planOf([withRefill(movies())], [enrich2], { live: written([enrich]) });
    expect(plan.masters[0]).toMatchObject({
      decision: 'in_place',
      steps: [{ op: 'fill', index: 'qa1_movies-1', mode: 'full', via: 'source', reason: 'an ingest pipeline it uses changed (refillOnPipelineChange)' }],
    });
    expect(plan.summary.fill).toBe(1);
    // Nothing to re-send without a source: said, and no step.
    const none = planOf([withRefill(movies({ source: false }))], [enrich2], { live: written([enrich]) });
    expect(none.masters[0]!.steps).toEqual([]);
    expect(none.masters[0]!.reasons).toContain('ingest pipeline qa1_enrich changes, and spec.refillOnPipelineChange cannot re-send the documents: the master has no source');
  });

  it('a synonym set change: a replace that names the set where its rules are inlined, a reload in place where the cluster has the API', () => {
    const settings = (f: Record<string, unknown>) => ({ number_of_shards: 1, analysis: { filter: { syn: { type: 'synonym', ...f } } } });
    const m = aManifest({ name: 'movies', settings: settings({ synonyms_set: 'movie-synonyms' }) });
    const before = resolveAll(PREFIX, [aSynonymSet('movie-synonyms', ['a, b'])], [m], INLINE).masters[0]!;
    const r = resolveAll(PREFIX, [aSynonymSet('movie-synonyms', ['a, b', 'c => d'])], [m], INLINE);
    const plan = createPlan({
      manifests: r.masters,
      snapshot: aSnapshot({ prefix: PREFIX, indices: [anIndex({ prefix: PREFIX, master: 'movies', n: 1, active: true, spec: { settings: before.spec.settings, mappings: before.spec.mappings } })] }),
      history: aHistory(),
      prefix: PREFIX,
      now: new Date('2025-06-01T00:00:00.000Z'),
      planId: 'p1',
      git: null,
      base: { stateHash: 's', clusterHash: 'c' },
      companions: { declared: r.companions, live: aLive(), synonyms: INLINE, owned: [] },
    });
    expect(plan.masters[0]!.decision).toBe('replace');
    expect(plan.masters[0]!.reasons[0]).toBe(
      "synonym set movie-synonyms changed: its rules are inlined into qa1_movies-1's analysis (filter syn), because OpenSearch 2.19.6 has no synonyms API (GET _synonyms is refused), so a new instance is needed",
    );
    expect(plan.companions?.[0]).toMatchObject({ action: 'inline' });
    expect(plan.synonyms).toEqual(INLINE);

    const api = planOf([m], [aSynonymSet('movie-synonyms', ['a, b', 'c => d'])], { synonyms: API, live: aLive({ synonymSets: { 'qa1_movie-synonyms': ['a, b'] } }), owned: ['SynonymSet/qa1_movie-synonyms'] });
    expect(api.masters[0]!.decision).toBe('noop');
    expect(api.masters[0]!.reasons).toContain(
      'synonym set qa1_movie-synonyms changes in place (synonyms reload): the search analyzers of qa1_movies-1 that use it (updateable: true) reload, no new instance',
    );
  });

  it('a companion esm does not own, in the way, blocks the plan', () => {
    const plan = planOf([movies()], [enrich], { live: aLive({ pipelines: { qa1_enrich: { processors: [] } } }) });
    expect(isBlocked(plan)).toBe(true);
    expect(plan.companions?.[0]?.blocked).toMatch(/not created by esm/);
  });

  it('with masters named, only the companions they use are planned, and no orphans', () => {
    const other = aManifest({ name: 'books', settings: { number_of_shards: 1, default_pipeline: 'stamp' } });
    const live = written([aPipeline('gone')]);
    const plan = planOf([movies(), other], [enrich, aPipeline('stamp')], { live, only: ['movies'] });
    expect(plan.companions?.map((c) => c.name)).toEqual(['enrich']);
    expect(planOf([movies(), other], [enrich, aPipeline('stamp')], { live }).companions?.map((c) => `${c.name}:${c.action}`)).toEqual([
      'enrich:create',
      'stamp:create',
      'gone:orphan',
    ]);
  });
});
