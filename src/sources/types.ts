/** A document source: an async stream of documents, all or only those changed since a time. */

export type Doc = Record<string, unknown>;

export interface ReadOptions {
  /** Only documents whose `updatedField` is later than this (ISO string); null = all. */
  since: string | null;
  signal?: AbortSignal;
}

export interface DocumentSource {
  /** Human description, e.g. `ndjson data/movies.ndjson`. */
  describe: string;
  /** Total number of documents that `read` will yield, when cheap to know. */
  count?(opts: ReadOptions): Promise<number | undefined>;
  read(opts: ReadOptions): AsyncIterable<Doc>;
  /** A module source: whether it exports `ids` (every id it holds now). */
  hasIds?(): Promise<boolean>;
  /** Every id the source holds now (a module's `ids` export). */
  ids?(opts: { signal?: AbortSignal }): AsyncIterable<string>;
}
