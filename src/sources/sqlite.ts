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
 *
 * With a key column (`orderBy`: the master's `idField`), a full read returns the
 * rows in the order of that key, so that it can resume (SPEC §13): resumed, it
 * reads only the rows whose key is above the last one sent.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, SqlValue } from 'sql.js';
import { RuntimeError } from '../errors.js';
import { displayPath } from './paths.js';
import type { SourcePosition } from './position.js';
import type { Doc, DocumentSource, ReadOptions, ResumeCheck, SourceRead } from './types.js';

export interface SqliteSourceOptions {
  /** The SQLite file, relative to `baseDir` (or absolute). */
  path: string;
  query: string;
  /** Directory `path` is relative to: the manifest's directory. */
  baseDir: string;
  /** Working directory used to name files in messages. */
  cwd?: string;
  /** A column of the query's rows that identifies each (the master's idField): full reads are ordered by it and can resume. */
  orderBy?: string;
}

/** sql.js (one loader for the whole process), imported only when a sqlite source is read. */
const loadSqlJs = () => import('../history/sql-js.js').then((m) => m.loadSqlJs());

export function sqliteSource(opts: SqliteSourceOptions): DocumentSource {
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, opts.baseDir, opts.path);
  const shown = displayPath(file, cwd);
  const query = opts.query.trim().replace(/;+\s*$/, '');
  const key = opts.orderBy;
  /** The SQL of a read: the query as written, or for a full read in the key's order, after a resume's last key. */
  const sqlOf = (since: string | null, after: SourcePosition | undefined): string => {
    if (key === undefined || since !== null) return query;
    const column = `q."${key.replace(/"/g, '""')}"`;
    return `SELECT q.* FROM (${query}) AS q${after ? ` WHERE ${column} > :esm_after` : ''} ORDER BY ${column}`;
  };

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

    async check() {
      let db: Database;
      try {
        db = await open();
        // sql.js opens any bytes; the first statement finds out whether they are a database.
        db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').free();
      } catch (e) {
        return { at: 'path', message: e instanceof RuntimeError ? e.message : `sqlite source ${shown}: ${(e as Error).message}` };
      }
      try {
        db.prepare(sqlOf(null, undefined)).free();
        return null;
      } catch (e) {
        return { at: 'query', message: `sqlite source ${shown}: the query does not prepare: ${(e as Error).message}` };
      } finally {
        db.close();
      }
    },

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

    read({ since, signal, after }: ReadOptions): SourceRead {
      if (after !== undefined && (after.kind !== 'key' || after.field !== key)) throw new RuntimeError(`internal: this sqlite source cannot resume after ${JSON.stringify(after)}`);
      let last: unknown;
      return Object.assign(rows(since, signal, after, (doc) => (last = key === undefined ? undefined : doc[key])), {
        position(): SourcePosition | null {
          return key !== undefined && (typeof last === 'string' || (typeof last === 'number' && Number.isFinite(last))) ? { kind: 'key', field: key, last } : null;
        },
      });
    },

    async resumeCheck(after: SourcePosition): Promise<ResumeCheck> {
      if (key === undefined) return { ok: false, why: 'the source has no key to order its rows by (idField)' };
      if (after.kind !== 'key' || after.field !== key) return { ok: false, why: `the checkpoint is not one of rows ordered by ${key}` };
      return { ok: true, after };
    },
  };

  async function* rows(since: string | null, signal: AbortSignal | undefined, after: SourcePosition | undefined, yielded: (doc: Doc) => void): AsyncGenerator<Doc> {
    const db = await open();
    try {
      let stmt;
      let columns: string[];
      try {
        stmt = db.prepare(sqlOf(since, after));
        stmt.bind({ ...sinceParams(since), ...(after?.kind === 'key' ? { ':esm_after': after.last } : {}) });
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
          yielded(doc);
          yield doc;
        }
      } finally {
        stmt.free();
      }
    } finally {
      db.close();
    }
  }
}

function sinceParams(since: string | null): Record<string, string | null> {
  return { ':since': since, $since: since, '@since': since };
}

function fieldOf(v: SqlValue): unknown {
  return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v;
}
