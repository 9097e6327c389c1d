/**
 * Builders for companion objects (SPEC §12): a declared companion, resolved for an
 * environment, in one line; and what the cluster holds (`aLive`).
 */
import { environmentOf, resolveCompanion, resolveMaster, type ResolvedCompanion } from '../../src/companions/resolve.js';
import type { CompanionLive } from '../../src/companions/plan.js';
import type { Companion, CompanionKind, SynonymsSupport } from '../../src/companions/types.js';
import type { Manifest } from '../../src/manifest/types.js';

type SpecOf<K extends CompanionKind> = Extract<Companion, { kind: K }>['spec'];

export function aCompanion<K extends CompanionKind>(kind: K, name: string, spec: SpecOf<K>, line = 1): Extract<Companion, { kind: K }> {
  return { kind, name, labels: {}, spec, origin: { file: 'manifests/companions.yaml', line, col: 1, dir: 'manifests' } } as Extract<Companion, { kind: K }>;
}

export const aPipeline = (name: string, processors: unknown[] = [{ lowercase: { field: 'genre' } }], description?: string) =>
  aCompanion('IngestPipeline', name, { processors, ...(description !== undefined ? { description } : {}) });

export const aSynonymSet = (name: string, synonyms: string[] = ['sci-fi, science fiction']) => aCompanion('SynonymSet', name, { synonyms });

export const aScript = (name: string, source: string | Record<string, unknown> = { query: { match: { title: '{{q}}' } } }, lang = 'mustache') =>
  aCompanion('StoredScript', name, { lang, source });

export const INLINE: SynonymsSupport = { path: 'inline', reason: 'OpenSearch 2.19.6 has no synonyms API (GET _synonyms is refused)' };
export const API: SynonymsSupport = { path: 'api', reason: 'Elasticsearch 8.19.7 has the synonyms API (_synonyms)' };

/** Masters and companions as an environment resolves them. */
export function resolveAll(
  prefix: string,
  companions: readonly Companion[],
  masters: readonly Manifest[] = [],
  synonyms: SynonymsSupport | null = null,
): { masters: Manifest[]; companions: ResolvedCompanion[] } {
  const env = environmentOf(prefix, companions, synonyms);
  return { masters: masters.map((m) => resolveMaster(m, env)), companions: companions.map((c) => resolveCompanion(c, env)) };
}

/** What the cluster holds: nothing, unless given. */
export function aLive(o: Partial<CompanionLive> = {}): CompanionLive {
  return { pipelines: {}, indexTemplates: {}, componentTemplates: {}, scripts: {}, synonymSets: null, pipelineMarker: 'meta', ...o };
}
