/**
 * How documents deleted from a master's source while an instance is filled are
 * kept out of it (SPEC §3 "Deletions"), as the plan says it per master. Pure.
 */
import type { Manifest } from '../manifest/types.js';
import { idSetKind } from '../sources/deletions.js';
import type { DeletionPlan } from './types.js';

/** null when the master has no source (nothing is copied, so nothing can be left over). */
export function deletionPlan(manifest: Manifest, moduleHasIds: boolean): DeletionPlan | null {
  const { source, idField, deletedField } = manifest.spec;
  if (!source) return null;
  if (!idField) {
    return {
      method: 'none',
      reason: 'deletions: none are found — without spec.idField documents have no stable id, so a document deleted from the source during the fill stays in the new instance',
    };
  }
  const idSet = idSetKind(manifest, moduleHasIds) !== null;
  const flag = deletedField ? `documents whose ${deletedField} is true or a date are deleted from the instance, not indexed` : null;
  const compare = idSet ? 'before activation, documents whose id the source no longer has are deleted (id-set comparison)' : null;
  if (flag && compare) return { method: 'deleted_field_and_id_set', reason: `deletions: ${flag}; ${compare}` };
  if (flag) return { method: 'deleted_field', reason: `deletions: ${flag}` };
  if (compare) return { method: 'id_set', reason: `deletions: ${compare}` };
  return {
    method: 'none',
    reason:
      'deletions: none are found — a document deleted from the source during the fill stays in the new instance; set spec.deletedField, or export `async function* ids({ signal })` from the module',
  };
}
