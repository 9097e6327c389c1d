/**
 * Companion objects (SPEC §12): what lives beside the indices in the cluster and is
 * declared by manifests of its own kind — ingest pipelines, synonym sets, stored
 * scripts, index and component templates.
 */

/** The companion kinds, in the order they are applied when nothing else orders them. */
export const COMPANION_KINDS = ['ComponentTemplate', 'StoredScript', 'SynonymSet', 'IngestPipeline', 'IndexTemplate'] as const;
export type CompanionKind = (typeof COMPANION_KINDS)[number];

/** `IngestPipeline`: the body of `PUT _ingest/pipeline/<name>` (esm adds its ownership mark). */
export interface PipelineSpec {
  description?: string;
  processors: unknown[];
  on_failure?: unknown[];
  version?: number;
}

/** `SynonymSet`: rules in Solr format, one a line. */
export interface SynonymSetSpec {
  synonyms: string[];
}

/** `StoredScript`: `PUT _scripts/<name>` with `{ script: { lang, source, options } }`. */
export interface StoredScriptSpec {
  lang: string;
  /** A mustache template may be written as an object: the engine stores it as its JSON text. */
  source: string | Record<string, unknown>;
  options?: Record<string, string>;
}

/** `IndexTemplate`: the body of `PUT _index_template/<name>`, as the engines take it. */
export interface IndexTemplateSpec extends Record<string, unknown> {
  index_patterns: string[];
  template?: TemplateBody;
  composed_of?: string[];
  priority?: number;
  version?: number;
  _meta?: Record<string, unknown>;
}

/** `ComponentTemplate`: the body of `PUT _component_template/<name>`. */
export interface ComponentTemplateSpec extends Record<string, unknown> {
  template: TemplateBody;
  version?: number;
  _meta?: Record<string, unknown>;
}

export interface TemplateBody {
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
  aliases?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CompanionOrigin {
  file: string;
  line: number;
  col: number;
  dir: string;
}

export interface CompanionBase {
  /** The name as declared (no environment prefix). */
  name: string;
  labels: Record<string, string>;
  origin: CompanionOrigin;
}

export type Companion =
  | (CompanionBase & { kind: 'IngestPipeline'; spec: PipelineSpec })
  | (CompanionBase & { kind: 'SynonymSet'; spec: SynonymSetSpec })
  | (CompanionBase & { kind: 'StoredScript'; spec: StoredScriptSpec })
  | (CompanionBase & { kind: 'IndexTemplate'; spec: IndexTemplateSpec })
  | (CompanionBase & { kind: 'ComponentTemplate'; spec: ComponentTemplateSpec });

export type CompanionOf<K extends CompanionKind> = Extract<Companion, { kind: K }>;

/** A companion named from somewhere else: `{ kind: 'IngestPipeline', name: 'movies-enrich' }`. */
export interface CompanionRef {
  kind: CompanionKind;
  name: string;
}

/** `IngestPipeline/movies-enrich`: how a companion is named in messages, history rows and plans. */
export function refKey(ref: CompanionRef): string {
  return `${ref.kind}/${ref.name}`;
}

export function isCompanionKind(kind: unknown): kind is CompanionKind {
  return typeof kind === 'string' && (COMPANION_KINDS as readonly string[]).includes(kind);
}

/** How synonym sets reach the cluster (SPEC §12): its synonyms API, or inlined into the masters' analysis. */
export type SynonymsPath = 'api' | 'inline';

export interface SynonymsSupport {
  path: SynonymsPath;
  /** Why, for people (the plan says it). */
  reason: string;
}
