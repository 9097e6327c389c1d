/**
 * `ndjson` source: one JSON document per line, from a file or a glob of files,
 * streamed line by line (a file is never read whole). Blank lines are skipped;
 * a line that is not a JSON object stops the read with `file:line: …`.
 *
 * A full read can resume (SPEC §13): its position is the file and the byte offset
 * just after the last line it yielded. Resumed, the file is read from that offset
 * when it is unchanged (same size and modification time); a changed file is found
 * again by the id of the last document sent before the stop.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { RuntimeError } from '../errors.js';
import { docId } from './deletions.js';
import { fieldValue } from './doc-field.js';
import { withJsonText } from './json-text.js';
import { displayPath } from './paths.js';
import type { NdjsonPosition, SourcePosition } from './position.js';
import { changedSince, parseSince } from './since.js';
import type { Doc, DocumentSource, ReadOptions, ResumeCheck, SourceRead } from './types.js';

export interface NdjsonSourceOptions {
  /** A file or a glob, relative to `baseDir` (or absolute). */
  path: string;
  /** Directory `path` is relative to: the manifest's directory. */
  baseDir: string;
  /** Field compared with `since` on incremental reads; without it every read is full. */
  updatedField?: string;
  /** Field holding the document's id: a resumed read finds a changed file again by it. */
  idField?: string;
  /** Working directory used to name files in messages. */
  cwd?: string;
}

const CHUNK = 1 << 20;

export function ndjsonSource(opts: NdjsonSourceOptions): DocumentSource {
  const cwd = opts.cwd ?? process.cwd();
  const shown = (file: string) => displayPath(file, cwd);
  const baseDir = path.resolve(cwd, opts.baseDir);
  /** A file as a position names it: relative to the manifest's directory, with `/`. */
  const relative = (file: string) => path.relative(baseDir, file).split(path.sep).join('/');
  let resolved: Promise<string[]> | undefined;
  const files = () => (resolved ??= resolveFiles(opts.path, baseDir, shown));

  return {
    describe: `ndjson ${opts.path}`,

    async check() {
      try {
        await files();
        return null;
      } catch (e) {
        if (e instanceof RuntimeError) return { at: 'path', message: e.message };
        throw e;
      }
    },

    async count({ since }: ReadOptions): Promise<number | undefined> {
      if (since !== null && opts.updatedField) return undefined;
      let total = 0;
      for (const file of await files()) total += await countLines(file);
      return total;
    },

    read({ since, signal, after: resumeAfter }: ReadOptions): SourceRead {
      const field = opts.updatedField;
      const sinceMs = since !== null && field ? parseSince(since) : null;
      if (resumeAfter !== undefined && resumeAfter.kind !== 'ndjson') throw new RuntimeError(`internal: an ndjson source cannot resume after a ${resumeAfter.kind} position`);
      const after = resumeAfter;
      /** Where the read stands: the file being read and the end of the last line yielded. */
      let at: NdjsonPosition | null = null;
      let last: Doc | null = null;
      async function* docs(): AsyncGenerator<Doc> {
        const list = await files();
        const first = after ? list.findIndex((f) => relative(f) === after.file) : 0;
        if (first === -1) throw new RuntimeError(`internal: ${after!.file} is not a file of ${opts.path}`);
        for (let i = first; i < list.length; i++) {
          if (signal?.aborted) return;
          const file = list[i]!;
          const st = await stat(file);
          const from = i === first && after ? { offset: after.offset, line: after.line } : { offset: 0, line: 0 };
          at = { kind: 'ndjson', file: relative(file), prior: priorOf(list, i, relative), offset: from.offset, line: from.line, size: st.size, mtimeMs: st.mtimeMs, lastId: null };
          for await (const { text, end, line } of rawLines(file, from.offset, from.line)) {
            if (signal?.aborted) return;
            at.offset = end;
            at.line = line;
            const doc = parseLine(text, line, file, shown);
            if (doc === null) continue;
            if (sinceMs !== null && field && !changedSince(fieldValue(doc, field), sinceMs)) continue;
            last = doc;
            yield doc;
          }
        }
      }
      return Object.assign(docs(), {
        position(): SourcePosition | null {
          if (at === null) return null;
          const lastId = last !== null && opts.idField ? docId(last, opts.idField) : null;
          return { ...at, lastId };
        },
      });
    },

    async resumeCheck(after: SourcePosition): Promise<ResumeCheck> {
      if (after.kind !== 'ndjson') return { ok: false, why: `the checkpoint is not one of an ndjson source (${after.kind})` };
      const list = await files();
      const i = list.findIndex((f) => relative(f) === after.file);
      const file = list[i];
      if (!file) return { ok: false, why: `${after.file} is no longer among the files of ${opts.path}` };
      // A file that appeared before it holds documents the stopped fill never read.
      if (priorOf(list, i, relative) !== after.prior) return { ok: false, why: `the files of ${opts.path} before ${after.file} are not those the stopped fill read` };
      const st = await stat(file);
      if (st.size === after.size && st.mtimeMs === after.mtimeMs && after.offset <= st.size) return { ok: true, after };
      const name = shown(file);
      if (!opts.updatedField) {
        return { ok: false, why: `${name} changed since the fill stopped, and without updatedField the documents it changed before that point cannot be caught up` };
      }
      if (after.lastId === null || !opts.idField) return { ok: false, why: `${name} changed since the fill stopped` };
      const found = await lineAfterId(file, after.lastId, opts.idField, shown);
      if (!found) return { ok: false, why: `${name} changed since the fill stopped and no longer holds the document ${after.lastId} it had reached` };
      return {
        ok: true,
        after: { ...after, offset: found.offset, line: found.line, size: st.size, mtimeMs: st.mtimeMs },
        note: `${name} changed since the fill stopped: resuming after document ${after.lastId}, now at line ${found.line} (what changed before it is caught up by updatedField)`,
      };
    },
  };
}

/** The files read before the i-th, as one hash: a resumed glob must have the same ones before its file. */
function priorOf(list: readonly string[], i: number, relative: (f: string) => string): string {
  const h = createHash('sha256');
  for (const f of list.slice(0, i)) h.update(`${relative(f)}\n`);
  return h.digest('hex').slice(0, 16);
}

/** A line as a document: null for a blank line; a line that is not a JSON object stops the read with `file:line`. */
function parseLine(raw: string, line: number, file: string, shown: (f: string) => string): Doc | null {
  let text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
  if (isBlank(text)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RuntimeError(`${shown(file)}:${line}: invalid JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const got = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc;
    throw new RuntimeError(`${shown(file)}:${line}: expected a JSON object, got ${got}`);
  }
  return withJsonText(doc as Doc, text);
}

/**
 * The lines of `file` from byte `start` (a line's start), each with its number and the
 * byte offset just after it. Split on `\n` bytes (never inside a UTF-8 sequence), so
 * offsets are exact whatever the characters.
 */
async function* rawLines(file: string, start: number, line0: number): AsyncGenerator<{ text: string; end: number; line: number }> {
  const input = createReadStream(file, { start, highWaterMark: CHUNK });
  let carry: Buffer | null = null;
  let base = start;
  let line = line0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl === -1) {
          if (from < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(from)]) : chunk.subarray(from);
          break;
        }
        let text: string;
        if (carry) {
          text = Buffer.concat([carry, chunk.subarray(from, nl)]).toString('utf8');
          carry = null;
        } else {
          text = chunk.toString('utf8', from, nl);
        }
        from = nl + 1;
        yield { text, end: base + from, line: ++line };
      }
      base += chunk.length;
    }
    if (carry) yield { text: carry.toString('utf8'), end: base, line: ++line };
  } finally {
    input.destroy();
  }
}

/** Where the first line whose document has id `id` ends, or null. Lines that cannot hold it are not parsed. */
async function lineAfterId(file: string, id: string, idField: string, shown: (f: string) => string): Promise<{ offset: number; line: number } | null> {
  for await (const { text, end, line } of rawLines(file, 0, 0)) {
    if (!text.includes(id)) continue;
    let doc: Doc | null;
    try {
      doc = parseLine(text, line, file, shown);
    } catch {
      continue;
    }
    if (doc !== null && docId(doc, idField) === id) return { offset: end, line };
  }
  return null;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

async function resolveFiles(pattern: string, baseDir: string, shown: (f: string) => string): Promise<string[]> {
  if (!isDynamicPattern(pattern)) {
    const file = path.resolve(baseDir, pattern);
    const st = await stat(file).catch(() => null);
    if (!st) throw new RuntimeError(`ndjson source not found: ${shown(file)}`);
    if (!st.isFile()) throw new RuntimeError(`ndjson source is not a file: ${shown(file)}`);
    return [file];
  }
  const found = await glob(pattern, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false });
  if (found.length === 0) throw new RuntimeError(`ndjson source: no file matches ${pattern} (in ${shown(baseDir)})`);
  return found.sort();
}

/** Lines holding something, counted by scanning bytes for '\n' (no decoding, no parsing). */
export async function countLines(file: string): Promise<number> {
  let count = 0;
  let lineHasContent = false;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!lineHasContent) lineHasContent = hasContent(chunk, start, end);
      if (nl === -1) break;
      if (lineHasContent) count++;
      lineHasContent = false;
      start = nl + 1;
    }
  }
  return lineHasContent ? count + 1 : count;
}

function hasContent(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return true;
  }
  return false;
}
