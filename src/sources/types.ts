/** A document source: an async stream of documents, all or only those changed since a time. */
import type { SourcePosition } from './position.js';

export type Doc = Record<string, unknown>;

export interface ReadOptions {
  /** Only documents whose `updatedField` is later than this (ISO string); null = all. */
  since: string | null;
  signal?: AbortSignal;
  /** A full read resumed: only the documents after this position (one `resumeCheck` accepted). */
  after?: SourcePosition;
}

/** The documents of a read and, for a source that can resume, where the read stands. */
export interface SourceRead extends AsyncIterable<Doc> {
  /**
   * Just after the last document the read yielded (null before the first): a full read
   * resumed after it yields every document that follows. Absent: the source cannot resume.
   */
  position?(): SourcePosition | null;
}

/** Whether a full read can resume after `after` as the source is now, and from where. */
export type ResumeCheck = { ok: true; after: SourcePosition; note?: string } | { ok: false; why: string };

/** What `esm validate` finds wrong with a source before anything reads it, and which key of `spec.source` it is about. */
export interface SourceProblem {
  at: 'path' | 'query';
  message: string;
}

export interface DocumentSource {
  /** Human description, e.g. `ndjson data/movies.ndjson`. */
  describe: string;
  /**
   * Whether the source can be read, checked cheaply and without running user code: its
   * files exist (an ndjson glob matches), a SQLite file opens and its query prepares.
   */
  check(): Promise<SourceProblem | null>;
  /** Total number of documents that `read` will yield, when cheap to know. */
  count?(opts: ReadOptions): Promise<number | undefined>;
  read(opts: ReadOptions): SourceRead;
  /** A full read resumed after `after`: checked against the source as it is now (a changed file is found again). */
  resumeCheck?(after: SourcePosition): Promise<ResumeCheck>;
  /** A module source: the field its documents come in ascending order of (`orderedBy`), so that a fill can resume. */
  orderedBy?(): Promise<string | undefined>;
  /** A module source: whether it exports `ids` (every id it holds now). */
  hasIds?(): Promise<boolean>;
  /** Every id the source holds now (a module's `ids` export). */
  ids?(opts: { signal?: AbortSignal }): AsyncIterable<string>;
}
