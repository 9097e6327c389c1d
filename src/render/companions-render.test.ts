/** Companions in every rendering of a plan (text, markdown, JSON) and of an offline plan; the JSON fits schemas/plan.schema.json. */
import { describe, expect, it } from 'vitest';
import { aCompanion, aLive, aPipeline, aScript, aSynonymSet, INLINE, resolveAll } from '../../test/support/companions.js';
import { offlineCompanions } from '../companions/offline.js';
import { planCompanions } from '../companions/plan.js';
import { aManifest } from '../../test/support/manifest-builders.js';
import { validatorOf } from '../manifest/schemas.js';
import { aHistory, aSnapshot } from '../../test/support/plan-builders.js';
import { createPlan } from '../plan/plan.js';
import type { OfflinePlan, Plan } from '../plan/types.js';
import { renderOfflinePlanMarkdown } from './offline-plan-markdown.js';
import { renderOfflinePlanText } from './offline-plan-text.js';
import { renderOfflinePlanJson, renderPlanJson } from './plan-json.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';

const movies = aManifest({
  name: 'movies',
  settings: { number_of_shards: 1, default_pipeline: 'enrich', analysis: { filter: { syn: { type: 'synonym', synonyms_set: 'movie-synonyms' } } } },
});

function aCompanionPlan(): Plan {
  const before = resolveAll('', [aPipeline('enrich')]).companions;
  const live = aLive({ scripts: { 'old-script': { lang: 'painless', source: 'x' } } });
  for (const p of planCompanions({ prefix: '', declared: before, masters: [], live: aLive(), synonyms: null, owned: [], prune: false })) live.pipelines[p.id] = p.body!;
  const r = resolveAll('', [aPipeline('enrich', [{ uppercase: { field: 'genre' } }]), aSynonymSet('movie-synonyms'), aScript('by-title')], [movies], INLINE);
  return createPlan({
    manifests: r.masters,
    snapshot: aSnapshot(),
    history: aHistory(),
    prefix: '',
    now: new Date('2025-06-01T12:00:00.000Z'),
    planId: 'p-7',
    git: null,
    base: { stateHash: 's', clusterHash: 'c' },
    companions: { declared: r.companions, live, synonyms: INLINE, owned: ['StoredScript/old-script'] },
  });
}

describe('a plan with companions', () => {
  const plan = aCompanionPlan();

  it('text: the companion objects first (apply writes them first), each change with its reasons, then the masters and a summary that counts them', () => {
    const text = renderPlanText(plan, { color: false });
    const lines = text.split('\n');
    expect(lines.slice(0, 12)).toEqual([
      'Companion objects:',
      '  synonym sets are inlined into the masters’ analysis: OpenSearch 2.19.6 has no synonyms API (GET _synonyms is refused)',
      '  + StoredScript by-title: create',
      '      # stored script by-title does not exist yet',
      '  = SynonymSet movie-synonyms: inlined into movies',
      '  ~ IngestPipeline enrich: update (2 changes)',
      '      # ingest pipeline enrich differs from the manifest',
      '      # processors[0].lowercase: {"field":"genre"} → (unset)',
      '      # processors[0].uppercase: (unset) → {"field":"genre"}',
      '      # documents indexed through it from now on (movies) go through the new version; documents already indexed are not changed',
      '  ? StoredScript old-script: orphan: no manifest declares it any more (kept; --prune deletes it)',
      '      # no manifest declares stored script old-script any more, but esm created it: it is kept (esm apply --prune deletes it)',
    ]);
    expect(text).toMatch(/\nPlan: 1 to create, 1 to fill, 0 to catch up, 1 to prune, 1 to activate, 0 to update in place, 0 to drop; companion objects: 1 to create, 1 to update, 0 to delete\.\n$/);
  });

  it('markdown: a table of the companions and the masters using them, details for each change', () => {
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('| companion | kind | action | used by |');
    expect(md).toContain('| <code>enrich</code> | IngestPipeline | update (2 changes) | <code>movies</code> |');
    expect(md).toContain('| <code>old-script</code> | StoredScript | orphan: no manifest declares it any more (kept; --prune deletes it) | — |');
    expect(md).toContain('<summary>IngestPipeline <code>enrich</code>: update (2 changes)</summary>');
  });

  it('JSON: companions after the masters, keys in a stable order, valid against schemas/plan.schema.json', () => {
    const json = JSON.parse(renderPlanJson(plan));
    expect(Object.keys(json)).toEqual(['formatVersion', 'planId', 'createdAt', 'git', 'base', 'prefix', 'synonyms', 'masters', 'companions', 'warnings', 'summary']);
    expect(Object.keys(json.companions[2])).toEqual(['kind', 'name', 'id', 'action', 'usedBy', 'dependsOn', 'changes', 'reasons', 'fingerprint', 'body', 'origin']);
    expect(json.masters[0].uses).toEqual(['IngestPipeline/enrich', 'SynonymSet/movie-synonyms']);
    const validate = validatorOf('plan');
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    // A companion of an unknown action is refused by the schema.
    json.companions[0].action = 'replace';
    expect(validate(json)).toBe(false);
  });
});

describe('an offline plan with companions', () => {
  const pipeline = aPipeline('enrich');
  const base = { masters: [movies], companions: [pipeline, aSynonymSet('movie-synonyms', ['a, b']), aScript('gone')] };
  const head = {
    masters: [movies],
    companions: [pipeline, aSynonymSet('movie-synonyms', ['a, b', 'c => d']), aCompanion('ComponentTemplate', 'base', { template: {} })],
  };
  const companions = offlineCompanions(base, head);
  const plan: OfflinePlan = {
    formatVersion: 1,
    kind: 'offline',
    baseRef: 'origin/main',
    history: null,
    masters: [],
    companions,
    summary: { added: 0, removed: 0, changed: 0, unchanged: 0, in_place: 0, replace: 0, newInstances: 0 },
  };

  it('tells each companion’s change between the commits and the masters it touches, both ways a synonym change can go', () => {
    expect(companions.map((c) => `${c.kind}/${c.name}:${c.status}`)).toEqual([
      'ComponentTemplate/base:added',
      'IngestPipeline/enrich:unchanged',
      'StoredScript/gone:removed',
      'SynonymSet/movie-synonyms:changed',
    ]);
    const set = companions.find((c) => c.kind === 'SynonymSet')!;
    expect(set.masters).toEqual(['movies']);
    expect(set.changes).toEqual(['synonyms: ["a, b"] → ["a, b","c => d"]']);
    expect(set.reasons[1]).toBe(
      'where the cluster has the synonyms API (Elasticsearch 8.10+): changed in place, the search analyzers of movies reload; elsewhere (OpenSearch, older Elasticsearch) its rules are inlined: movies get a new instance',
    );
  });

  it('renders them in text, markdown and JSON', () => {
    const text = renderOfflinePlanText(plan, { color: false });
    expect(text).toContain('  ~ SynonymSet movie-synonyms: changed (1 path) (used by movies)\n');
    expect(text).toContain('  = unchanged: IngestPipeline enrich\n');
    expect(text).toContain('No master changes; 3 companion objects added, changed or removed since origin/main.');
    expect(renderOfflinePlanMarkdown(plan)).toContain('| <code>movie-synonyms</code> | SynonymSet | changed (1 path) | <code>movies</code> |');
    const json = JSON.parse(renderOfflinePlanJson(plan));
    expect(Object.keys(json.companions[0])).toEqual(['kind', 'name', 'status', 'baseFingerprint', 'headFingerprint', 'masters', 'changes', 'reasons']);
  });
});
