/**
 * Where a value of a parsed YAML document sits in its file: turns a path
 * (`['spec', 'source', 'type']`) into the line:col of the node that holds it.
 */
import type { Document, LineCounter, Node, Pair } from 'yaml';
import { yamlLib } from './yaml-lib.js';

export interface Position {
  line: number;
  col: number;
}

/** `at: 'value'` points at a scalar value (or at the key of a block collection); `at: 'key'` at the key. */
export type Anchor = 'key' | 'value';

interface Found {
  node: Node | null;
  pair: Pair | null;
}

/**
 * Position of the node at `path` in `doc`. When the path does not lead to a node
 * (a missing key, a merge key), the deepest node found on the way is used.
 */
export function positionOf(doc: Document, lc: LineCounter, path: (string | number)[], at: Anchor = 'value'): Position {
  const found = walk(doc, path);
  return toPosition(lc, offsetOf(found, at, doc));
}

export function documentPosition(doc: Document, lc: LineCounter): Position {
  return toPosition(lc, offsetOf({ node: (doc.contents as Node | null) ?? null, pair: null }, 'value', doc));
}

function walk(doc: Document, path: (string | number)[]): Found {
  const { isMap, isSeq } = yamlLib();
  let found: Found = { node: (doc.contents as Node | null) ?? null, pair: null };
  for (const step of path) {
    const node = found.node;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === String(step));
      if (!pair) break;
      found = { node: (pair.value as Node | null) ?? null, pair };
    } else if (isSeq(node)) {
      const item = node.items[Number(step)] as Node | undefined;
      if (item === undefined) break;
      found = { node: item, pair: null };
    } else {
      break;
    }
  }
  return found;
}

function keyText(p: Pair): string | undefined {
  const { isScalar } = yamlLib();
  const key = p.key as unknown;
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  return String(key);
}

function offsetOf(found: Found, at: Anchor, doc: Document): number {
  const { isMap, isScalar, isSeq } = yamlLib();
  const keyRange = found.pair && isNodeLike(found.pair.key) ? found.pair.key.range : undefined;
  if (at === 'key' && keyRange) return keyRange[0];
  const node = found.node;
  const isInline = node !== null && (isScalar(node) || ((isMap(node) || isSeq(node)) && node.flow === true));
  if (node?.range && (isInline || !keyRange)) {
    // A pair written `key:` with nothing after it holds an empty scalar positioned after the colon: point at the key.
    if (isScalar(node) && node.value === null && keyRange) return keyRange[0];
    return node.range[0];
  }
  if (keyRange) return keyRange[0];
  return doc.range?.[0] ?? 0;
}

function isNodeLike(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v && Array.isArray((v as Node).range);
}

function toPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, col };
}
