/** Parsing YAML text with positions, and the problems of a YAML syntax error. */
import type { Alias, Document, LineCounter, YAMLError } from 'yaml';
import type { Problem } from '../errors.js';
import { readYamlFast, type FastDocument } from './yaml-fast.js';
import { duplicateKeyProblems } from './yaml-duplicates.js';
import { depthProblem, MAX_ALIAS_COUNT, sizeProblem } from './yaml-limits.js';
import { documentPosition, positionOf, type Anchor } from './yaml-positions.js';
import { yamlLib } from './yaml-lib.js';

export interface ParsedDocument {
  /** The document as plain data. */
  data: unknown;
  /** Problem at a path of this document. */
  problemAt(path: (string | number)[], message: string, at?: Anchor): Problem;
  /** Where the document starts (its first node). */
  start: { line: number; col: number };
}

export interface ParsedFile {
  documents: ParsedDocument[];
  /**
   * YAML syntax errors (their documents are left out of `documents`), and values
   * JSON cannot hold (`.inf`, `.nan`: their documents are kept, so that every problem is told).
   */
  problems: Problem[];
}

/**
 * Every non-empty YAML document of `text`; merge keys (`<<`) are honoured. A file
 * over the size or depth limits (yaml-limits.ts) gives one problem and no documents.
 * Read the fast way when it can be (yaml-fast.ts); a problem found later in such a
 * document is placed by reading the file again the full way, once.
 */
export function parseYamlFile(file: string, text: string): ParsedFile {
  const size = sizeProblem(file, Buffer.byteLength(text, 'utf8'));
  if (size) return { documents: [], problems: [size] };
  const fast = readYamlFast(text);
  return fast ? placedOnDemand(file, text, fast) : parseYamlFileFully(file, text);
}

function placedOnDemand(file: string, text: string, fast: FastDocument[]): ParsedFile {
  let full: ParsedFile | undefined;
  const starts = linePositions(text, fast.map((d) => d.start));
  const documents = fast.map((d, i): ParsedDocument => {
    const start = starts[i]!;
    return {
      data: d.data,
      start,
      problemAt(path, message, at) {
        full ??= parseYamlFileFully(file, text);
        return full.documents[i]?.problemAt(path, message, at) ?? { file, ...start, message };
      },
    };
  });
  return { documents, problems: [] };
}

/** Line and column (1-based, as LineCounter counts them) of each of the ascending `offsets`. */
function linePositions(text: string, offsets: number[]): { line: number; col: number }[] {
  let line = 1;
  let lineStart = 0;
  let at = 0;
  return offsets.map((offset) => {
    for (; at < offset; at++) {
      if (text.charCodeAt(at) === 10) {
        line++;
        lineStart = at + 1;
      }
    }
    return { line, col: offset - lineStart + 1 };
  });
}

/** The full way: a `yaml` Document per document, every problem placed. */
export function parseYamlFileFully(file: string, text: string): ParsedFile {
  // Lexed once: the depth check and the parser read the same tokens.
  const { Lexer, LineCounter } = yamlLib();
  const tokens = [...new Lexer().lex(text)];
  const depth = depthProblem(file, tokens);
  if (depth) return { documents: [], problems: [depth] };
  const lc = new LineCounter();
  const docs = composeDocuments(tokens, lc);
  const documents: ParsedDocument[] = [];
  const problems: Problem[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      // The first syntax error of a document is the one to fix; the parser's later ones are its cascade.
      problems.push(syntaxProblem(file, doc.errors[0]!, lc));
      continue;
    }
    const duplicates = duplicateKeyProblems(file, doc, lc);
    if (duplicates.length > 0) {
      problems.push(...duplicates);
      continue;
    }
    const contents = doc.contents as { value?: unknown } | null;
    if (contents === null || (contents && 'value' in contents && contents.value === null && !('items' in contents))) continue;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const alias = unresolvedAlias(doc) ?? firstAlias(doc);
      const { line, col } = alias?.range ? lc.linePos(alias.range[0]) : documentPosition(doc, lc);
      problems.push({ file, line, col, message: `invalid YAML: ${(e as Error).message}` });
      continue;
    }
    const problemAt: ParsedDocument['problemAt'] = (path, message, at = 'value') => ({ file, ...positionOf(doc, lc, path, at), message });
    for (const path of nonFiniteNumbers(data)) {
      problems.push(problemAt(path, `${path.join('.')} must be a finite number (got ${describeNumber(valueAt(data, path))}: JSON, and so the cluster, has no infinity or NaN)`));
    }
    documents.push({ data, start: documentPosition(doc, lc), problemAt });
  }
  return { documents, problems };
}

/**
 * The documents of `tokens` (what `parseAllDocuments` does, from tokens already lexed),
 * lines counted in `lc`. uniqueKeys: false — duplicates are found by duplicateKeyProblems in one pass.
 */
function composeDocuments(tokens: readonly string[], lc: LineCounter): Document[] {
  const { Composer, Parser } = yamlLib();
  const parser = new Parser(lc.addNewLine);
  function* cst() {
    lc.addNewLine(0);
    for (const tok of tokens) yield* parser.next(tok);
    yield* parser.end();
  }
  return [...new Composer({ merge: true, uniqueKeys: false, logLevel: 'error' }).compose(cst())] as Document[];
}

/** Paths of `.inf`, `-.inf` and `.nan` values: JSON would send them as null. */
function nonFiniteNumbers(data: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  // An explicit stack: a deeply nested document must not exhaust the call stack.
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) found.push(path);
    else if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, k] });
  }
  return found.reverse();
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], data);
}

function describeNumber(n: unknown): string {
  return Number.isNaN(n) ? '.nan' : (n as number) > 0 ? '.inf' : '-.inf';
}

function syntaxProblem(file: string, e: YAMLError, lc: LineCounter): Problem {
  const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  const pos = e.pos[0] === -1 ? undefined : lc.linePos(e.pos[0]);
  return pos ? { file, line: pos.line, col: pos.col, message: `invalid YAML: ${message}` } : { file, message: `invalid YAML: ${message}` };
}

/** The first alias (`*name`) whose anchor is not defined before it. */
function unresolvedAlias(doc: Document): Alias | undefined {
  const { visit } = yamlLib();
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The first alias of the document (where an alias bomb starts). */
function firstAlias(doc: Document): Alias | undefined {
  const { visit } = yamlLib();
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}
