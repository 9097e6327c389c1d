/**
 * Deletions in a source (SPEC §3 "Deletions"): a document flagged by
 * `deletedField` (true, or a date: a soft delete), and the set of ids a source
 * holds now, to find documents an instance has that the source no longer has.
 */
import type { Manifest } from '../manifest/types.js';
import { fieldValue } from './doc-field.js';
import type { Doc } from './types.js';

/** The field holds true or a date: the document is a deletion. false, null, absent or empty: it is live. */
export function isDeletion(doc: Doc, deletedField: string | undefined): boolean {
  if (!deletedField) return false;
  const v = fieldValue(doc, deletedField);
  if (v === true) return true;
  if (typeof v === 'string') return v.trim() !== '' && v !== 'false' && !Number.isNaN(Date.parse(v));
  if (typeof v === 'number') return Number.isFinite(v) && v > 0;
  return false;
}

/** The `_id` a document gets from `idField`, or null when it has none. */
export function docId(doc: Doc, idField: string): string | null {
  const v = fieldValue(doc, idField);
  if (v === undefined || v === null || v === '' || typeof v === 'object') return null;
  return String(v);
}

/** Source types whose current ids esm can list (a module only when it exports `ids`). */
export type IdSetKind = 'stream' | 'module_ids' | 'reindex';

/**
 * How the ids a source holds now can be listed, or null (a module without an
 * `ids` export). `moduleHasIds` says whether the module exports `ids`.
 */
export function idSetKind(manifest: Pick<Manifest, 'spec'>, moduleHasIds: boolean): IdSetKind | null {
  const source = manifest.spec.source;
  if (!source) return null;
  switch (source.type) {
    case 'ndjson':
    case 'sqlite':
      return 'stream';
    case 'module':
      return moduleHasIds ? 'module_ids' : null;
    case 'reindex':
      return 'reindex';
  }
}
