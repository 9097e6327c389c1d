/**
 * `sqlite` source: runs `query` on a SQLite file with sql.js. The named
 * parameter `:since` is bound to the ISO time of an incremental read, NULL on
 * a full read (`$since` and `@since` are bound too). Each row becomes a
 * document whose fields are the result's column names.
 *
 * Values: INTEGER/REAL → number, TEXT → string (a column holding JSON text
 * stays a string: parse it in SQL with json_extract, or use a `module`
 * source), BLOB → base64 string (what Elasticsearch's `binary` type takes),
 * NULL → null.
 *
 * sql.js holds the whole file in memory (it is SQLite compiled to wasm);
 * rows are stepped one at a time and never gathered in an array.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, SqlValue } from 'sql.js';
import { RuntimeError } from '../errors.js';
import { displayPath } from './paths.js';
import type { Doc, DocumentSource, ReadOptions } from './types.js';

export interface SqliteSourceOptions {
  /** The SQLite file, relative to `baseDir` (or absolute). */
  path: string;
  query: string;
  /** Directory `path` is relative to: the manifest's directory. */
  baseDir: string;
  /** Working directory used to name files in messages. */
  cwd?: string;
}

/** sql.js (one loader for the whole process), imported only when a sqlite source is read. */
const loadSqlJs = () => import('../history/sql-js.js').then((m) => m.loadSqlJs());

export function sqliteSource(opts: SqliteSourceOptions): DocumentSource {
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, opts.baseDir, opts.path);
  const shown = displayPath(file, cwd);
  const query = opts.query.trim().replace(/;+\s*$/, '');

  const open = async (): Promise<Database> => {
    const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new RuntimeError(e.code === 'ENOENT' ? `sqlite source not found: ${shown}` : `sqlite source ${shown}: ${e.message}`);
    });
    const SQL = await loadSqlJs();
    try {
      return new SQL.Database(bytes);
    } catch (e) {
      throw new RuntimeError(`sqlite source ${shown}: ${(e as Error).message}`);
    }
  };
  const fail = (e: unknown): never => {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError(`sqlite source ${shown}: ${(e as Error).message}`);
  };

  return {
    describe: `sqlite ${opts.path}`,

    async count({ since }: ReadOptions): Promise<number | undefined> {
      const db = await open();
      try {
        const stmt = db.prepare(`SELECT count(*) FROM (${query})`);
        try {
          stmt.bind(sinceParams(since));
          return stmt.step() ? Number(stmt.get()[0]) : 0;
        } finally {
          stmt.free();
        }
      } catch (e) {
        return fail(e);
      } finally {
        db.close();
      }
    },

    async *read({ since, signal }: ReadOptions): AsyncGenerator<Doc> {
      const db = await open();
      try {
        let stmt;
        let columns: string[];
        try {
          stmt = db.prepare(query);
          stmt.bind(sinceParams(since));
          columns = stmt.getColumnNames();
        } catch (e) {
          return fail(e);
        }
        try {
          for (;;) {
            if (signal?.aborted) return;
            let row: SqlValue[];
            try {
              if (!stmt.step()) return;
              row = stmt.get();
            } catch (e) {
              return fail(e);
            }
            const doc: Doc = {};
            for (let i = 0; i < columns.length; i++) doc[columns[i]!] = fieldOf(row[i] ?? null);
            yield doc;
          }
        } finally {
          stmt.free();
        }
      } finally {
        db.close();
      }
    },
  };
}

function sinceParams(since: string | null): Record<string, string | null> {
  return { ':since': since, $since: since, '@since': since };
}

function fieldOf(v: SqlValue): unknown {
  return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v;
}
