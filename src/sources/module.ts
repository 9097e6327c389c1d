/**
 * `module` source: a `.js`/`.mjs` file whose default export is
 * `async function* ({ since, signal })` yielding documents — the equivalent of
 * the Django app's `get_queryset` / `get_reindex_iterator`. `since` is the ISO
 * time of an incremental read, or null for a full read; the module does its
 * own filtering. An optional named export `count({ since })` returns the
 * number of documents the read will yield (a progress total).
 *
 * ```js
 * export default async function* ({ since, signal }) {
 *   for await (const row of db.query('SELECT … WHERE updated_at > $1', [since ?? '-infinity'])) {
 *     if (signal.aborted) return;
 *     yield row;
 *   }
 * }
 * export async function count({ since }) { … }
 * ```
 *
 * A fill from a module can resume (SPEC §13) when the module exports `orderedBy`,
 * the field its documents come in ascending order of, and its default export
 * honours `after`: on a resumed full read esm passes the last value of that field
 * it sent, and the module yields only the documents after it
 * (`… WHERE id > $after ORDER BY id`). Without `orderedBy` a stopped fill starts
 * again from zero.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EsmError, RuntimeError } from '../errors.js';
import { fieldValue } from './doc-field.js';
import { displayPath } from './paths.js';
import type { SourcePosition } from './position.js';
import type { Doc, DocumentSource, ReadOptions, ResumeCheck, SourceRead } from './types.js';

export interface ModuleSourceOptions {
  /** The module file, relative to `baseDir` (or absolute). */
  path: string;
  /** Directory `path` is relative to: the manifest's directory. */
  baseDir: string;
  /** Working directory used to name files in messages. */
  cwd?: string;
}

/** What a source module exports. */
export interface SourceModule {
  default: (args: { since: string | null; signal: AbortSignal; after?: string | number | null }) => AsyncIterable<Doc> | Iterable<Doc>;
  /** Optional: the field the default export yields documents in ascending order of (then it honours `after`). */
  orderedBy?: string;
  count?: (args: { since: string | null }) => number | undefined | Promise<number | undefined>;
  /** Optional: every id the source holds now, so that documents deleted from it are found (SPEC §3). */
  ids?: (args: { signal: AbortSignal }) => AsyncIterable<unknown> | Iterable<unknown>;
}

export function moduleSource(opts: ModuleSourceOptions): DocumentSource {
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, opts.baseDir, opts.path);
  const shown = displayPath(file, cwd);
  let loaded: Promise<SourceModule> | undefined;
  const load = () => (loaded ??= loadModule(file, shown));

  return {
    describe: `module ${opts.path}`,

    // The module is not imported: validating must not run the project's code.
    async check() {
      const st = await stat(file).catch(() => null);
      if (!st) return { at: 'path', message: `module source not found: ${shown}` };
      return st.isFile() ? null : { at: 'path', message: `module source is not a file: ${shown}` };
    },

    async count({ since }: ReadOptions): Promise<number | undefined> {
      const mod = await load();
      if (typeof mod.count !== 'function') return undefined;
      const n = await mod.count({ since });
      if (n === undefined || n === null) return undefined;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new RuntimeError(`module source ${shown}: count() returned ${JSON.stringify(n)}, expected a number`);
      }
      return n;
    },

    async orderedBy(): Promise<string | undefined> {
      return (await load()).orderedBy;
    },

    async hasIds(): Promise<boolean> {
      return typeof (await load()).ids === 'function';
    },

    async *ids({ signal }: { signal?: AbortSignal }): AsyncGenerator<string> {
      const mod = await load();
      if (typeof mod.ids !== 'function') throw new RuntimeError(`module source ${shown} exports no ids function`);
      for await (const id of mod.ids({ signal: signal ?? new AbortController().signal })) {
        if (id === null || id === undefined || typeof id === 'object') {
          throw new RuntimeError(`module source ${shown}: ids() yielded ${describeValue(id)}, expected a string or number`);
        }
        yield String(id);
      }
    },

    read({ since, signal, after }: ReadOptions): SourceRead {
      let key: string | undefined;
      let last: unknown;
      const docs = read({ since, signal, after }, (k) => (key = k), (doc) => (last = key === undefined ? undefined : fieldValue(doc, key)));
      return Object.assign(docs, {
        position(): SourcePosition | null {
          return key !== undefined && (typeof last === 'string' || (typeof last === 'number' && Number.isFinite(last))) ? { kind: 'key', field: key, last } : null;
        },
      });
    },

    async resumeCheck(after: SourcePosition): Promise<ResumeCheck> {
      const { orderedBy } = await load();
      if (orderedBy === undefined) return { ok: false, why: `module source ${shown} exports no orderedBy: its documents come in no known order` };
      if (after.kind !== 'key' || after.field !== orderedBy) return { ok: false, why: `the checkpoint is not one of documents ordered by ${orderedBy}` };
      return { ok: true, after };
    },
  };

  /** The documents of a read; `ordered` learns the module's orderedBy (full reads only), `yielded` sees each document. */
  async function* read({ since, signal, after }: ReadOptions, ordered: (key: string) => void, yielded: (doc: Doc) => void): AsyncGenerator<Doc> {
    const mod = await load();
    if (after !== undefined && (after.kind !== 'key' || after.field !== mod.orderedBy)) throw new RuntimeError(`internal: module source ${shown} cannot resume after ${JSON.stringify(after)}`);
    if (since === null && mod.orderedBy !== undefined) ordered(mod.orderedBy);
    const docs = mod.default({ since, signal: signal ?? new AbortController().signal, ...(mod.orderedBy !== undefined && since === null ? { after: after?.kind === 'key' ? after.last : null } : {}) });
    if (docs === null || typeof docs !== 'object' || (!(Symbol.asyncIterator in docs) && !(Symbol.iterator in docs))) {
      throw new RuntimeError(`module source ${shown}: the default export must be an async generator function (it returned ${describeValue(docs)})`);
    }
    const it = (Symbol.asyncIterator in docs ? docs[Symbol.asyncIterator]() : docs[Symbol.iterator]()) as
      | AsyncIterator<unknown>
      | Iterator<unknown>;
    let n = 0;
    try {
      for (;;) {
        let step: IteratorResult<unknown>;
        try {
          step = await it.next();
        } catch (e) {
          if (e instanceof EsmError) throw e;
          throw Object.assign(new RuntimeError(`module source ${shown}: ${(e as Error)?.message ?? String(e)}`), { cause: e });
        }
        if (step.done) return;
        n++;
        const doc = step.value;
        if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
          throw new RuntimeError(`module source ${shown}: document #${n} is ${describeValue(doc)}, expected an object`);
        }
        yielded(doc as Doc);
        yield doc as Doc;
        if (signal?.aborted) return;
      }
    } finally {
      await it.return?.();
    }
  }
}

async function loadModule(file: string, shown: string): Promise<SourceModule> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new RuntimeError(`module source not found: ${shown}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new RuntimeError(`module source ${shown} failed to load: ${(e as Error).message}`);
  }
  if (typeof mod.default !== 'function') {
    throw new RuntimeError(
      `module source ${shown}: the default export must be an async generator function ({ since, signal }) => documents, got ${describeValue(mod.default)}`,
    );
  }
  if (mod.ids !== undefined && typeof mod.ids !== 'function') {
    throw new RuntimeError(`module source ${shown}: the export "ids" must be an async generator function ({ signal }) => ids, got ${describeValue(mod.ids)}`);
  }
  if (mod.orderedBy !== undefined && (typeof mod.orderedBy !== 'string' || mod.orderedBy === '')) {
    throw new RuntimeError(`module source ${shown}: the export "orderedBy" must name a field (a non-empty string), got ${describeValue(mod.orderedBy)}`);
  }
  if (mod.count !== undefined && typeof mod.count !== 'function') {
    throw new RuntimeError(`module source ${shown}: the export "count" must be a function, got ${describeValue(mod.count)}`);
  }
  return mod as unknown as SourceModule;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
