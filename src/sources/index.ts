/** Document sources (SPEC §3): pick the stream for a manifest's `spec.source`. */
import { assertNever, InvalidInputError, RuntimeError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { moduleSource } from './module.js';
import { ndjsonSource } from './ndjson.js';
import { sqliteKey } from './resume.js';
import { sqliteSource } from './sqlite.js';
import type { DocumentSource } from './types.js';

export type { Doc, DocumentSource, ReadOptions, ResumeCheck, SourceRead } from './types.js';
export { asPosition, positionWords, type SourcePosition } from './position.js';
export { resumeSupport, sqliteKey, type ResumeSupport } from './resume.js';
export { ndjsonSource, countLines } from './ndjson.js';
export { sqliteSource } from './sqlite.js';
export { moduleSource } from './module.js';
export { changedSince, parseSince, timeOf } from './since.js';
export { fieldValue } from './doc-field.js';
export { docId, idSetKind, isDeletion, type IdSetKind } from './deletions.js';

export interface OpenSourceOptions {
  /** Directory relative manifest directories are resolved against, and files are named from in messages. Default: process.cwd(). */
  cwd?: string;
}

/**
 * The document stream of a manifest's source. Paths are relative to the
 * manifest's directory. A `reindex` source is not a document stream: callers
 * run it with `runReindex` (src/cluster/reindex.ts); asking for it here throws.
 */
export function openSource(manifest: Manifest, opts: OpenSourceOptions = {}): DocumentSource {
  const source = manifest.spec.source;
  if (!source) {
    throw new InvalidInputError(`master "${manifest.name}" has no spec.source: there is nothing to fill it from`, [
      { file: manifest.origin.file, line: manifest.origin.line, col: manifest.origin.col, message: 'spec.source is missing' },
    ]);
  }
  const baseDir = manifest.origin.dir;
  const cwd = opts.cwd;
  switch (source.type) {
    case 'ndjson':
      return ndjsonSource({ path: source.path, baseDir, cwd, updatedField: manifest.spec.updatedField, idField: manifest.spec.idField });
    case 'sqlite':
      return sqliteSource({ path: source.path, query: source.query, baseDir, cwd, ...(sqliteKey(manifest) ? { orderBy: sqliteKey(manifest) } : {}) });
    case 'module':
      return moduleSource({ path: source.path, baseDir, cwd });
    case 'reindex':
      throw new RuntimeError(`master "${manifest.name}": a reindex source is not a document stream (run it with runReindex)`);
    default:
      return assertNever(source, 'source type');
  }
}
