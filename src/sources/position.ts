/**
 * Where a read of a source stood (SPEC §13): a fill records it at each checkpoint,
 * and a later run resumes the read just after it. Plain data, stored as JSON in
 * the history; read back with `asPosition`, which refuses anything else.
 */

/** An ndjson source: a file of the glob and the bytes of it read, up to the end of the last line sent. */
export interface NdjsonPosition {
  kind: 'ndjson';
  /** The file, relative to the manifest's directory (with `/`). */
  file: string;
  /** The files of a glob read before it, as a hash: the same ones must precede it when the read resumes. */
  prior: string;
  /** Bytes of the file read: the next line starts here. */
  offset: number;
  /** Lines read, for the line numbers of messages after a resume. */
  line: number;
  /** The file's size and modification time then: unchanged, `offset` still points where it did. */
  size: number;
  mtimeMs: number;
  /** The id of the last document before `offset`: where a changed file is found again. */
  lastId: string | null;
}

/** A source read in the order of a key (sqlite: `idField`; module: its `orderedBy`): the last value sent. */
export interface KeyPosition {
  kind: 'key';
  field: string;
  last: string | number;
}

/** A server-side `_reindex`: its task, which outlives esm and is re-attached to. */
export interface TaskPosition {
  kind: 'task';
  task: string;
  /** The index or alias the task copies from. */
  from: string;
  /**
   * The source's write mark (cluster/write-mark.ts) taken before the copy began, when nothing
   * had been written to the instance yet: the source still bearing it at the prune means the
   * instance holds no document the source has since deleted.
   */
  sourceMark?: string;
}

export type SourcePosition = NdjsonPosition | KeyPosition | TaskPosition;

/** A position as stored, or null when `v` is not one (a damaged or foreign value is never resumed from). */
export function asPosition(v: unknown): SourcePosition | null {
  if (v === null || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  switch (p.kind) {
    case 'ndjson':
      return typeof p.file === 'string' &&
        typeof p.prior === 'string' &&
        isCount(p.offset) &&
        isCount(p.line) &&
        isCount(p.size) &&
        typeof p.mtimeMs === 'number' &&
        (p.lastId === null || typeof p.lastId === 'string')
        ? { kind: 'ndjson', file: p.file, prior: p.prior, offset: p.offset, line: p.line, size: p.size, mtimeMs: p.mtimeMs, lastId: p.lastId }
        : null;
    case 'key':
      return typeof p.field === 'string' && (typeof p.last === 'string' || (typeof p.last === 'number' && Number.isFinite(p.last)))
        ? { kind: 'key', field: p.field, last: p.last }
        : null;
    case 'task':
      return typeof p.task === 'string' && p.task !== '' && typeof p.from === 'string'
        ? { kind: 'task', task: p.task, from: p.from, ...(typeof p.sourceMark === 'string' ? { sourceMark: p.sourceMark } : {}) }
        : null;
    default:
      return null;
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** `data/movies.ndjson byte 3,456,789 (line 30,000)`, `id after 29999`, `task abc:123`: where a fill stopped, for people. */
export function positionWords(p: SourcePosition, fmt: (n: number) => string = String): string {
  switch (p.kind) {
    case 'ndjson':
      return `${p.file} byte ${fmt(p.offset)} (line ${fmt(p.line)})`;
    case 'key':
      return `${p.field} ${JSON.stringify(p.last)}`;
    case 'task':
      return `reindex task ${p.task}`;
  }
}
