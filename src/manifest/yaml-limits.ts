/**
 * What a manifest file may cost to read: a pull request must not be
 * able to stall CI with a huge file, a deeply nested one or an alias bomb. The
 * checks here run before the YAML is composed, in one pass over the lexer's
 * tokens (the same tokens the parser is then given), and each limit is one `file:line:col` problem.
 */
import type { Problem } from '../errors.js';

/** A manifest file may be at most this many bytes (real ones are a few KB). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Nesting depth of collections (a mapping 20 objects deep needs about 45). */
export const MAX_DEPTH = 100;
/** Aliases (`*name`) may not expand a document beyond this many nodes (the yaml library's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 1000;

const MB = 1024 * 1024;

/** The problem of a file over the size limit, or undefined. */
export function sizeProblem(file: string, bytes: number): Problem | undefined {
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return { file, line: 1, col: 1, message: `the file is ${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB; a manifest may be at most ${MAX_FILE_BYTES / MB} MB` };
}

/** Tokens of the yaml lexer that take no room in the source (document start, flow end, scalar start). */
const ZERO_WIDTH = new Set(['\x02', '\x18', '\x1f']);
const WHITESPACE = /^[ \t]*$/;

/**
 * The first place where collections nest deeper than MAX_DEPTH, or undefined.
 * Flow collections count their brackets; block collections count the distinct
 * columns their nodes start at on the way down (an indentation stack), plus the
 * compact `- - -` / `? ` indicators of a line (inside a flow collection too, where
 * they are an error the parser still nests). This bounds the real depth from
 * above well enough: a real manifest stays far below the limit.
 */
export function depthProblem(file: string, tokens: Iterable<string>): Problem | undefined {
  let line = 1;
  let col = 0; // 0-based column of the next token
  let flow = 0;
  const columns: number[] = [];
  let pendingNewline = false;
  // `- - -` inside a flow collection: block sequences the parser nests (recursively) though they are an error there.
  let flowDashes = 0;
  for (const tok of tokens) {
    if (ZERO_WIDTH.has(tok)) continue;
    const startLine = line;
    const startCol = col;
    const nl = tok.lastIndexOf('\n');
    if (nl >= 0) {
      for (let i = 0; i <= nl; i++) if (tok.charCodeAt(i) === 10) line++;
      col = tok.length - nl - 1;
    } else {
      col += tok.length;
    }
    if (nl >= 0) {
      // A line break, or a scalar spanning lines (block scalar, multi-line string): no new collection.
      pendingNewline = true;
      continue;
    }
    if (WHITESPACE.test(tok) || tok.startsWith('#') || tok === ':' || tok === ',') continue;
    if (tok === '---' || tok === '...') {
      columns.length = 0;
      flow = 0;
      continue;
    }
    if (flow > 0 && (tok === '-' || tok === '?')) flowDashes++;
    else flowDashes = 0;
    if (tok === '[' || tok === '{') {
      flow++;
    } else if (tok === ']' || tok === '}') {
      flow = Math.max(0, flow - 1);
      continue;
    }
    if (flow === 0 || (flow === 1 && (tok === '[' || tok === '{'))) {
      // A block-context node (or the flow collection starting here): keep the stack of open columns.
      if (pendingNewline || columns.length === 0) while (columns.length > 0 && columns[columns.length - 1]! > startCol) columns.pop();
      if (columns[columns.length - 1] !== startCol) columns.push(startCol);
    }
    pendingNewline = false;
    if (columns.length + flow + flowDashes > MAX_DEPTH) {
      return { file, line: startLine, col: startCol + 1, message: `nested more than ${MAX_DEPTH} levels deep` };
    }
  }
  return undefined;
}
export const MAX_PROBLEMS_PER_FILE = 100;
