/**
 * The JSON text a document was parsed from, kept by a source that reads JSON lines
 * (ndjson) so that the bulk writer sends the text as it is instead of serialising the
 * document again: less work per document, and the document exactly as the file has it
 * (a number JSON.parse would round, like 12345678901234567890, reaches the cluster
 * unchanged). Keyed by the document object: a copy is serialised again. Whoever changes
 * a document in place must `forgetJsonText(doc)` first.
 */
import type { Doc } from './types.js';

const texts = new WeakMap<Doc, string>();

/** `doc`, remembered as parsed from `text` (one line: no line break). */
export function withJsonText(doc: Doc, text: string): Doc {
  texts.set(doc, text);
  return doc;
}

/** The text `doc` was parsed from, when it is unchanged since. */
export function jsonTextOf(doc: Doc): string | undefined {
  return texts.get(doc);
}

export function forgetJsonText(doc: Doc): void {
  texts.delete(doc);
}
