/** The in-memory form of an `esm/v1 IndexMaster` manifest (SPEC §3). */
import type { Companion, CompanionKind } from '../companions/types.js';

export type SourceSpec =
  | { type: 'ndjson'; path: string }
  | { type: 'sqlite'; path: string; query: string }
  | { type: 'module'; path: string }
  | {
      type: 'reindex';
      from: string;
      query?: Record<string, unknown>;
      script?: Record<string, unknown> | string;
      /** Throttle of the server-side copy, documents a second. */
      requestsPerSecond?: number;
      /** Slices of the server-side copy: `auto` (one a shard) or a number. */
      slices?: number | 'auto';
    };

export interface MasterSpec {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
  source?: SourceSpec;
  idField?: string;
  updatedField?: string;
  /** A source document whose field is true (or a date) is a deletion: it is deleted from the instance, not indexed. */
  deletedField?: string;
  activation: { minDocRatio: number };
  retention: { keepInactive: number };
  /** SPEC §12: when an ingest pipeline this master uses changes, fill the active instance again. */
  refillOnPipelineChange?: boolean;
}

export interface Manifest {
  name: string;
  labels: Record<string, string>;
  spec: MasterSpec;
  /** `fingerprint(spec)` (SPEC §4), computed once when the manifest is loaded. */
  fingerprint: string;
  /** Where it was declared: the file (relative to cwd when possible) and the document's position. */
  origin: { file: string; line: number; col: number; dir: string };
  /**
   * The companions the spec names (SPEC §12), by their declared names, once the manifest is
   * resolved for an environment (companions/resolve.ts): its spec then names them as the
   * cluster does (prefixed), or holds a synonym set's rules inlined.
   */
  uses?: CompanionUse[];
  /** Synonym sets whose rules were inlined into a filter of the analysis (where the cluster has no synonyms API). */
  inlined?: InlinedSet[];
}

export interface CompanionUse {
  kind: CompanionKind;
  name: string;
  /** Where the spec names it, for people (`spec.settings.index.default_pipeline`). */
  where: string;
}

export interface InlinedSet {
  /** The SynonymSet's declared name. */
  set: string;
  /** The token filter that holds its rules (`analysis.filter.<filter>`). */
  filter: string;
}

/** Every manifest of a project: the index masters and the companion objects (SPEC §12). */
export interface ManifestSet {
  masters: Manifest[];
  companions: Companion[];
}

/** Defaults applied when a manifest leaves them out. */
export const MANIFEST_DEFAULTS = {
  minDocRatio: 0,
  keepInactive: 2,
} as const;
