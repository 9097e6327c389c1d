/**
 * The JSON text a document was parsed from, kept by a source that reads JSON lines
 * (ndjson) so that the bulk writer sends the text as it is instead of serialising the
 * document again: less work per document, and the document exactly as the file has it
 * (a number JSON.parse would round, like 12345678901234567890, reaches the cluster
 * unchanged). Whoever changes a document in place must `forgetJsonText(doc)` first.
 *
 * Held on the document itself, under a symbol, not enumerable: JSON.stringify,
 * Object.keys, `for…in`, spread and Object.assign do not see it, so a copy is
 * serialised again. (A WeakMap keyed by the document did the same at ~0.9 s of CPU
 * per million documents, as much again as JSON.parse of the lines — a CPU second the
 * node loses when both share a machine; the property costs ~0.3 s.)
 */
import type { Doc } from './types.js';

const TEXT = Symbol('esm.jsonText');

/** `doc`, remembered as parsed from `text` (one line: no line break). */
export function withJsonText(doc: Doc, text: string): Doc {
  Object.defineProperty(doc, TEXT, { value: text, enumerable: false, writable: false, configurable: true });
  return doc;
}

/** The text `doc` was parsed from, when it is unchanged since. */
export function jsonTextOf(doc: Doc): string | undefined {
  return Object.hasOwn(doc, TEXT) ? ((doc as Record<symbol, unknown>)[TEXT] as string) : undefined;
}

export function forgetJsonText(doc: Doc): void {
  delete (doc as Record<symbol, unknown>)[TEXT];
}
