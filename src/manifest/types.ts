/** The in-memory form of an `esm/v1 IndexMaster` manifest (SPEC §3). */

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
}

export interface Manifest {
  name: string;
  labels: Record<string, string>;
  spec: MasterSpec;
  /** `fingerprint(spec)` (SPEC §4), computed once when the manifest is loaded. */
  fingerprint: string;
  /** Where it was declared: the file (relative to cwd when possible) and the document's position. */
  origin: { file: string; line: number; col: number; dir: string };
}

/** Defaults applied when a manifest leaves them out. */
export const MANIFEST_DEFAULTS = {
  minDocRatio: 0,
  keepInactive: 2,
} as const;
