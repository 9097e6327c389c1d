/** `esm update`'s results and its interruption, in words: the use case returns numbers, this formats them. */
import type { UpdateInterrupted, UpdateResult } from '../operations/update.js';
import { fmtDocs, fmtDuration, fmtInt } from './progress-lines.js';

/** `12,345 docs (full), 400 deleted (no longer in the source) in 3.2s` */
export function describeResult(r: UpdateResult): string {
  const how = r.mode === 'full' ? 'full' : `incremental since ${r.since}`;
  // The comparison after a full update: said when it deleted something (--json always carries the count).
  const deleted = r.deleted ? `, ${fmtInt(r.deleted)} deleted (no longer in the source)` : '';
  return `${r.index}: ${fmtDocs(r.docs)} (${how})${deleted} in ${fmtDuration(r.elapsedMs)}`;
}

/** The interruption as `esm update` says it, with the documents counted as people read them. */
export function interruptedMessage(e: UpdateInterrupted): string {
  const where = e.stopped ?? `the update of ${e.index} stopped${e.docsAffected !== undefined ? ` after ${fmtInt(e.docsAffected)} documents` : ''}`;
  return `interrupted: ${where}; it is recorded as aborted (run the same esm update again to finish it)`;
}
