/**
 * `ndjson` source: one JSON document per line, from a file or a glob of files,
 * streamed line by line (a file is never read whole). Blank lines are skipped;
 * a line that is not a JSON object stops the read with `file:line: …`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { glob, isDynamicPattern } from 'tinyglobby';
import { RuntimeError } from '../errors.js';
import { fieldValue } from './doc-field.js';
import { withJsonText } from './json-text.js';
import { displayPath } from './paths.js';
import { changedSince, parseSince } from './since.js';
import type { Doc, DocumentSource, ReadOptions } from './types.js';

export interface NdjsonSourceOptions {
  /** A file or a glob, relative to `baseDir` (or absolute). */
  path: string;
  /** Directory `path` is relative to: the manifest's directory. */
  baseDir: string;
  /** Field compared with `since` on incremental reads; without it every read is full. */
  updatedField?: string;
  /** Working directory used to name files in messages. */
  cwd?: string;
}

const CHUNK = 1 << 20;

export function ndjsonSource(opts: NdjsonSourceOptions): DocumentSource {
  const cwd = opts.cwd ?? process.cwd();
  const shown = (file: string) => displayPath(file, cwd);
  let resolved: Promise<string[]> | undefined;
  const files = () => (resolved ??= resolveFiles(opts.path, path.resolve(cwd, opts.baseDir), shown));

  return {
    describe: `ndjson ${opts.path}`,

    async count({ since }: ReadOptions): Promise<number | undefined> {
      if (since !== null && opts.updatedField) return undefined;
      let total = 0;
      for (const file of await files()) total += await countLines(file);
      return total;
    },

    async *read({ since, signal }: ReadOptions): AsyncGenerator<Doc> {
      const field = opts.updatedField;
      const sinceMs = since !== null && field ? parseSince(since) : null;
      for (const file of await files()) {
        if (signal?.aborted) return;
        const input = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK });
        const lines = createInterface({ input, crlfDelay: Infinity });
        let lineNo = 0;
        try {
          for await (const raw of lines) {
            lineNo++;
            if (signal?.aborted) return;
            const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
            if (isBlank(line)) continue;
            let doc: unknown;
            try {
              doc = JSON.parse(line);
            } catch (e) {
              throw new RuntimeError(`${shown(file)}:${lineNo}: invalid JSON: ${(e as Error).message}`);
            }
            if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
              const got = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc;
              throw new RuntimeError(`${shown(file)}:${lineNo}: expected a JSON object, got ${got}`);
            }
            if (sinceMs !== null && field && !changedSince(fieldValue(doc as Doc, field), sinceMs)) continue;
            yield withJsonText(doc as Doc, line);
          }
        } finally {
          lines.close();
          input.destroy();
        }
      }
    },
  };
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
