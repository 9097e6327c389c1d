import type { Doc } from './types.js';

/**
 * The value of a field of a document: the top-level key when present, else a
 * dotted path into nested objects (`meta.updated_at`).
 */
export function fieldValue(doc: Doc, field: string): unknown {
  if (Object.hasOwn(doc, field)) return doc[field];
  if (!field.includes('.')) return undefined;
  let cur: unknown = doc;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
