/** Manifests resolved for an environment (SPEC §12): prefixed companion names, references rewritten, synonym sets inlined where need be. */
import { describe, expect, it } from 'vitest';
import { aCompanion, aSynonymSet, API, INLINE, resolveAll } from '../../test/support/companions.js';
import { fingerprint } from '../fingerprint/index.js';
import { aManifest } from '../../test/support/manifest-builders.js';

const analysis = (filter: Record<string, unknown>) => ({ number_of_shards: 1, analysis: { filter: { syn: filter }, analyzer: { a: { tokenizer: 'standard', filter: ['syn'] } } } });

describe('resolveMaster', () => {
  it('prefixes the pipelines a master names (nested or dotted), its reindex script, and records what it uses; the fingerprint is of what the cluster holds', () => {
    const m = aManifest({
      name: 'movies',
      settings: { index: { default_pipeline: 'enrich' }, 'index.final_pipeline': 'stamp' },
      source: { type: 'reindex', from: 'active', script: { id: 'bump' } },
    });
    const [r] = resolveAll('qa1_', [], [m]).masters;
    expect(r!.spec.settings).toEqual({ index: { default_pipeline: 'qa1_enrich' }, 'index.final_pipeline': 'qa1_stamp' });
    expect(r!.spec.source).toEqual({ type: 'reindex', from: 'active', script: { id: 'qa1_bump' } });
    expect(r!.uses).toEqual([
      { kind: 'IngestPipeline', name: 'enrich', where: 'spec.settings.index.default_pipeline' },
      { kind: 'IngestPipeline', name: 'stamp', where: 'spec.settings.index.final_pipeline' },
      { kind: 'StoredScript', name: 'bump', where: 'spec.source.script.id' },
    ]);
    expect(r!.fingerprint).toBe(fingerprint(r!.spec));
    expect(r!.fingerprint).not.toBe(m.fingerprint);
    // The manifest as declared is untouched.
    expect(m.spec.settings).toEqual({ index: { default_pipeline: 'enrich' }, 'index.final_pipeline': 'stamp' });
  });

  it('leaves a master that names no companion as it is (same object, same fingerprint)', () => {
    const m = aManifest({ name: 'movies' });
    expect(resolveAll('qa1_', [], [m]).masters[0]).toBe(m);
  });

  it('a synonym filter names the set by its prefixed name where the cluster has the synonyms API, and holds its rules where it has none', () => {
    const set = aSynonymSet('movie-synonyms', ['sci-fi, science fiction', 'film => movie']);
    const m = aManifest({ name: 'movies', settings: analysis({ type: 'synonym_graph', synonyms_set: 'movie-synonyms', updateable: true }) });
    const [api] = resolveAll('qa1_', [set], [m], API).masters;
    expect(api!.spec.settings).toEqual(analysis({ type: 'synonym_graph', synonyms_set: 'qa1_movie-synonyms', updateable: true }));
    expect(api!.inlined).toBeUndefined();
    const [inline] = resolveAll('qa1_', [set], [m], INLINE).masters;
    expect(inline!.spec.settings).toEqual(analysis({ type: 'synonym_graph', synonyms: ['sci-fi, science fiction', 'film => movie'], updateable: true }));
    expect(inline!.inlined).toEqual([{ set: 'movie-synonyms', filter: 'syn' }]);
    // A change of the rules changes the master's fingerprint only where they are inlined.
    const changed = aSynonymSet('movie-synonyms', ['sci-fi, science fiction', 'film => motion picture']);
    expect(resolveAll('qa1_', [changed], [m], INLINE).masters[0]!.fingerprint).not.toBe(inline!.fingerprint);
    expect(resolveAll('qa1_', [changed], [m], API).masters[0]!.fingerprint).toBe(api!.fingerprint);
  });

  it('a dotted synonyms_set key becomes a dotted synonyms key', () => {
    const set = aSynonymSet('s', ['a, b']);
    const m = aManifest({ name: 'movies', settings: { 'analysis.filter.syn.type': 'synonym', 'analysis.filter.syn.synonyms_set': 's' } });
    expect(resolveAll('', [set], [m], INLINE).masters[0]!.spec.settings).toEqual({ 'analysis.filter.syn.type': 'synonym', 'analysis.filter.syn.synonyms': ['a, b'] });
  });
});

describe('resolveCompanion', () => {
  it('prefixes the id, what a companion names, and an index template’s patterns', () => {
    const t = aCompanion('IndexTemplate', 'logs', { index_patterns: ['logs-*', 'audit-*'], composed_of: ['base'], template: { settings: { default_pipeline: 'enrich' } } });
    const [r] = resolveAll('qa1_', [t]).companions;
    expect(r).toMatchObject({
      id: 'qa1_logs',
      spec: { index_patterns: ['qa1_logs-*', 'qa1_audit-*'], composed_of: ['qa1_base'], template: { settings: { default_pipeline: 'qa1_enrich' } } },
    });
    expect(r!.uses.map((u) => `${u.kind}/${u.name}`)).toEqual(['ComponentTemplate/base', 'IngestPipeline/enrich']);
  });
});
