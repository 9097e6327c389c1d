/** The companions' plan (SPEC §12), pure: create / update / adopt / noop / inline / orphan / delete, ownership, order, usage. */
import { describe, expect, it } from 'vitest';
import { aCompanion, aLive, aPipeline, aScript, aSynonymSet, API, INLINE, resolveAll } from '../../test/support/companions.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import type { Manifest } from '../manifest/types.js';
import type { CompanionPlan } from '../plan/types.js';
import { planCompanions, type CompanionLive } from './plan.js';
import type { Companion, SynonymsSupport } from './types.js';

function plan(
  companions: Companion[],
  o: { prefix?: string; live?: CompanionLive; masters?: Manifest[]; owned?: string[]; prune?: boolean; synonyms?: SynonymsSupport | null } = {},
): CompanionPlan[] {
  const prefix = o.prefix ?? '';
  const r = resolveAll(prefix, companions, o.masters ?? [], o.synonyms ?? null);
  return planCompanions({ prefix, declared: r.companions, masters: r.masters, live: o.live ?? aLive(), synonyms: o.synonyms ?? null, owned: o.owned ?? [], prune: o.prune ?? false });
}

const byName = (ps: CompanionPlan[], name: string) => ps.find((p) => p.name === name)!;
const enrich = aPipeline('enrich', [{ lowercase: { field: 'genre' } }], 'lower-case the genre');
const movies = aManifest({ name: 'movies', settings: { number_of_shards: 1, default_pipeline: 'enrich' } });

describe('planCompanions', () => {
  it('creates what the cluster lacks, with the prefixed id and esm’s mark in the body it will write', () => {
    const [p] = plan([enrich], { prefix: 'qa1_', masters: [movies] });
    expect(p).toMatchObject({ kind: 'IngestPipeline', name: 'enrich', id: 'qa1_enrich', action: 'create', usedBy: ['movies'], changes: [] });
    expect(p!.body).toEqual({ description: 'lower-case the genre', processors: [{ lowercase: { field: 'genre' } }], _meta: { esm: { name: 'enrich', fingerprint: p!.fingerprint } } });
    // OpenSearch's pipelines refuse _meta: the mark goes into the description.
    const [os] = plan([enrich], { prefix: 'qa1_', live: aLive({ pipelineMarker: 'description' }) });
    expect(os!.body).toEqual({ description: 'lower-case the genre [esm enrich]', processors: [{ lowercase: { field: 'genre' } }] });
  });

  it('is a noop when the cluster holds what esm wrote, as the engine answers it (template settings nested, as strings)', () => {
    const [written] = plan([enrich]);
    const base = aCompanion('ComponentTemplate', 'base', { template: { settings: { number_of_shards: 1, 'index.refresh_interval': '5s' } } });
    const [tmpl] = plan([base]);
    const live = aLive({
      pipelines: { enrich: written!.body! },
      componentTemplates: { base: { template: { settings: { index: { number_of_shards: '1', refresh_interval: '5s' } } }, _meta: { esm: { name: 'base', fingerprint: tmpl!.fingerprint } } } },
    });
    expect(plan([enrich, base], { live }).map((p) => [p.name, p.action])).toEqual([
      ['base', 'noop'],
      ['enrich', 'noop'],
    ]);
  });

  it('updates what differs, listing the changed paths; a hand change of what esm wrote (its mark unchanged) is drift that apply restores', () => {
    const [written] = plan([enrich]);
    const changedByHand = { ...written!.body!, processors: [{ uppercase: { field: 'genre' } }] };
    const [p] = plan([enrich], { live: aLive({ pipelines: { enrich: changedByHand } }) });
    expect(p).toMatchObject({ action: 'update', changes: ['processors[0].lowercase: (unset) → {"field":"genre"}', 'processors[0].uppercase: {"field":"genre"} → (unset)'] });
    expect(p!.reasons[0]).toBe("ingest pipeline enrich was changed in the cluster since esm wrote it (drift): apply restores the manifest's version");

    const edited = aPipeline('enrich', [{ lowercase: { field: 'title' } }], 'lower-case the genre');
    const [q] = plan([edited], { live: aLive({ pipelines: { enrich: written!.body! } }) });
    expect(q).toMatchObject({ action: 'update', changes: ['processors[0].lowercase.field: "genre" → "title"'] });
    expect(q!.reasons[0]).toBe('ingest pipeline enrich differs from the manifest');
  });

  it('a same-named object esm does not own: adopted when it holds the manifest’s content, else it blocks the plan', () => {
    const foreign = { description: 'lower-case the genre', processors: [{ lowercase: { field: 'genre' } }] };
    const adopted = plan([enrich], { live: aLive({ pipelines: { enrich: foreign } }) })[0]!;
    expect(adopted.action).toBe('adopt');
    expect(adopted.blocked).toBeUndefined();
    const other = plan([enrich], { live: aLive({ pipelines: { enrich: { processors: [] } } }) })[0]!;
    expect(other).toMatchObject({ action: 'noop' });
    expect(other.blocked).toBe('ingest pipeline enrich exists, differs from the manifest and was not created by esm (no esm mark, no record of it in the history): esm does not overwrite it');
    // The history's record that esm wrote it is ownership too (stored scripts carry no mark).
    const script = aScript('by-title');
    const live = aLive({ scripts: { 'by-title': { lang: 'mustache', source: '{"query":{"match_all":{}}}' } } });
    expect(plan([script], { live })[0]!.blocked).toBeDefined();
    expect(plan([script], { live, owned: ['StoredScript/by-title'] })[0]).toMatchObject({ action: 'update', changes: ['source.query.match: (unset) → {"title":"{{q}}"}', 'source.query.match_all: {} → (unset)'] });
  });

  it('another environment’s object is not this one’s: its mark names another name once prefixed', () => {
    const [qa] = plan([enrich], { prefix: 'qa1_' });
    const live = aLive({ pipelines: { qa1_enrich: qa!.body! } });
    // Seen from the environment without a prefix, qa1_enrich is neither its enrich nor its orphan.
    expect(plan([], { live })).toEqual([]);
    expect(plan([enrich], { prefix: 'qa1_', live })[0]!.action).toBe('noop');
  });

  it('an object esm owns that no manifest declares is an orphan (kept), deleted with --prune; templates before the components they use', () => {
    const [p] = plan([enrich]);
    const [c] = plan([aCompanion('ComponentTemplate', 'base', { template: {} })]);
    const t = byName(plan([aCompanion('IndexTemplate', 'logs', { index_patterns: ['logs-*'], composed_of: ['base'] }), aCompanion('ComponentTemplate', 'base', { template: {} })]), 'logs');
    const live = aLive({
      pipelines: { enrich: p!.body! },
      componentTemplates: { base: c!.body! },
      indexTemplates: { logs: t.body! },
      scripts: { 'by-title': { lang: 'painless', source: 'x' } },
    });
    expect(plan([], { live, owned: ['StoredScript/by-title'] }).map((o) => `${o.kind}/${o.id}:${o.action}`)).toEqual([
      'IndexTemplate/logs:orphan',
      'IngestPipeline/enrich:orphan',
      'StoredScript/by-title:orphan',
      'ComponentTemplate/base:orphan',
    ]);
    expect(plan([], { live, owned: ['StoredScript/by-title'], prune: true }).every((o) => o.action === 'delete')).toBe(true);
  });

  it('a synonym set where the cluster has no synonyms API is inlined: nothing to write, the plan says why and where', () => {
    const set = aSynonymSet('movie-synonyms');
    const m = aManifest({ name: 'movies', settings: { analysis: { filter: { syn: { type: 'synonym', synonyms_set: 'movie-synonyms' } } } } });
    expect(plan([set], { masters: [m], synonyms: INLINE })[0]).toMatchObject({
      action: 'inline',
      synonyms: 'inline',
      usedBy: ['movies'],
      reasons: [
        'OpenSearch 2.19.6 has no synonyms API (GET _synonyms is refused): its rules are inlined into the analysis of movies when an instance is created; a change of its rules replaces those masters',
      ],
    });
    const api = plan([set], { masters: [m], synonyms: API, live: aLive({ synonymSets: {} }) })[0]!;
    expect(api).toMatchObject({ action: 'create', synonyms: 'api', body: { synonyms_set: [{ synonyms: 'sci-fi, science fiction' }] } });
    const changed = plan([aSynonymSet('movie-synonyms', ['film => movie'])], { masters: [m], synonyms: API, live: aLive({ synonymSets: { 'movie-synonyms': ['sci-fi, science fiction'] } }), owned: ['SynonymSet/movie-synonyms'] })[0]!;
    expect(changed.action).toBe('update');
    expect(changed.reasons).toContain('in place (synonyms reload): search analyzers with updateable: true that use it (movies) reload; no new instance');
  });

  it('orders what a companion names before it, and finds the masters that use it through others', () => {
    const caller = aPipeline('caller', [{ pipeline: { name: 'callee' } }, { script: { id: 'bump' } }]);
    const callee = aPipeline('callee');
    const bump = aScript('bump', 'ctx._source.n = 1', 'painless');
    const template = aCompanion('IndexTemplate', 'movies-tpl', { index_patterns: ['movies-*'], composed_of: ['base'], template: { settings: { default_pipeline: 'callee' } } });
    const base = aCompanion('ComponentTemplate', 'base', { template: {} });
    const m = aManifest({ name: 'movies', settings: { default_pipeline: 'caller' } });
    const ps = plan([template, caller, callee, bump, base], { prefix: 'qa1_', masters: [m] });
    expect(ps.map((p) => p.name)).toEqual(['base', 'bump', 'callee', 'caller', 'movies-tpl']);
    expect(byName(ps, 'caller').dependsOn).toEqual(['IngestPipeline/callee', 'StoredScript/bump']);
    expect(byName(ps, 'callee').usedBy).toEqual(['movies']);
    expect(byName(ps, 'bump').usedBy).toEqual(['movies']);
    // The template's pattern is prefixed, and matches qa1_movies-<N>: the master uses it, and its component.
    expect(byName(ps, 'movies-tpl').body).toMatchObject({ index_patterns: ['qa1_movies-*'], composed_of: ['qa1_base'], template: { settings: { default_pipeline: 'qa1_callee' } } });
    expect(byName(ps, 'base').usedBy).toEqual(['movies']);
  });

  it('what esm owns by the history but whose mark is gone is written back, though its content matches', () => {
    const foreign = { description: 'lower-case the genre', processors: [{ lowercase: { field: 'genre' } }] };
    const [p] = plan([enrich], { live: aLive({ pipelines: { enrich: foreign } }), owned: ['IngestPipeline/enrich'] });
    expect(p).toMatchObject({ action: 'update', changes: [], reasons: ["ingest pipeline enrich has lost esm's mark (changed by hand?): apply writes it back"] });
  });
});
