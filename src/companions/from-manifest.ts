/** A companion from a manifest document the schema accepted (`schemas/manifest.schema.json`). */
import { assertNever } from '../errors.js';
import type { Companion, CompanionKind, CompanionOrigin, IndexTemplateSpec } from './types.js';

type Rec = Record<string, unknown>;

export function toCompanion(kind: CompanionKind, data: unknown, origin: CompanionOrigin): Companion {
  const doc = data as { metadata: { name: string; labels?: Record<string, string | number | boolean> }; spec: Rec };
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.metadata.labels ?? {})) labels[k] = String(v);
  const base = { name: doc.metadata.name, labels, origin };
  const spec = doc.spec;
  switch (kind) {
    case 'IngestPipeline':
      return { ...base, kind, spec: spec as unknown as Extract<Companion, { kind: 'IngestPipeline' }>['spec'] };
    case 'SynonymSet':
      return { ...base, kind, spec: { synonyms: spec['synonyms'] as string[] } };
    case 'StoredScript':
      return { ...base, kind, spec: spec as unknown as Extract<Companion, { kind: 'StoredScript' }>['spec'] };
    case 'IndexTemplate': {
      // The engines take one pattern or a list, and answer with a list.
      const patterns = spec['index_patterns'];
      return { ...base, kind, spec: { ...spec, index_patterns: Array.isArray(patterns) ? (patterns as string[]) : [patterns as string] } as IndexTemplateSpec };
    }
    case 'ComponentTemplate':
      return { ...base, kind, spec: spec as Extract<Companion, { kind: 'ComponentTemplate' }>['spec'] };
    default:
      return assertNever(kind, 'companion kind');
  }
}
