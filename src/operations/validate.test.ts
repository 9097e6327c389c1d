/**
 * `esm validate` checks that every source can be read: a missing ndjson file
 * was "1 manifest OK" and apply then left an instance unfilled. Each problem sits at the
 * `path` (or `query`) of the manifest that names it, as file:line:col.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.js';
import { formatProblem, InvalidInputError } from '../errors.js';
import { loadSqlJs } from '../history/sql-js.js';
import { runCli } from '../../test/support/cli.js';
import { validateProject } from './validate.js';
import { scratchDir } from '../../test/support/scratch.js';

function manifest(name: string, source: string): string {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: ${name}
spec:
  mappings:
    properties:
      id: { type: keyword }
  source:
${source}
  idField: id
`;
}

function project(files: Record<string, string | Uint8Array>): string {
  const dir = scratchDir('validate-src');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  mkdirSync(path.join(dir, 'manifests'), { recursive: true });
  return dir;
}

async function problems(dir: string): Promise<string[]> {
  try {
    await validateProject(await resolveConfig({}, {}, dir));
    return [];
  } catch (e) {
    if (e instanceof InvalidInputError) return e.problems.map(formatProblem);
    throw e;
  }
}

async function sqliteFile(sql: string): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(sql);
  const bytes = db.export();
  db.close();
  return bytes;
}

describe('validate: every source can be read', () => {
  it('passes sources whose files are there, without running a module', async () => {
    const dir = project({
      'manifests/movies.yaml': manifest('movies', '    type: ndjson\n    path: ../data/movies.ndjson'),
      'manifests/parts.yaml': manifest('parts', '    type: ndjson\n    path: ../data/parts-*.ndjson'),
      'manifests/books.yaml': manifest('books', '    type: sqlite\n    path: ../data/books.db\n    query: SELECT isbn AS id FROM books WHERE updated_at > :since OR :since IS NULL'),
      'manifests/songs.yaml': manifest('songs', '    type: module\n    path: ../sources/songs.mjs'),
      'manifests/copy.yaml': manifest('copy', '    type: reindex\n    from: movies'),
      'data/movies.ndjson': '{"id":"1"}\n',
      'data/parts-1.ndjson': '{"id":"1"}\n',
      'data/books.db': await sqliteFile('CREATE TABLE books (isbn TEXT, updated_at TEXT)'),
      // Imported, it would throw: validate must not import it.
      'sources/songs.mjs': 'throw new Error("validate ran the module");\n',
    });
    expect(await problems(dir)).toEqual([]);
  });

  it('reports each source that cannot be read at its path or query, file:line:col, every one at once', async () => {
    const dir = project({
      'manifests/movies.yaml': manifest('movies', '    type: ndjson\n    path: ../data/nope.ndjson'),
      'manifests/parts.yaml': manifest('parts', '    type: ndjson\n    path: ../data/parts-*.ndjson'),
      'manifests/dir.yaml': manifest('dir', '    type: ndjson\n    path: ../data'),
      'manifests/books.yaml': manifest('books', '    type: sqlite\n    path: ../data/books.db\n    query: SELECT * FROM bookz'),
      'manifests/gone.yaml': manifest('gone', '    type: sqlite\n    path: ../data/gone.db\n    query: SELECT 1'),
      'manifests/text.yaml': manifest('text', '    type: sqlite\n    path: ../data/text.db\n    query: SELECT 1'),
      'manifests/songs.yaml': manifest('songs', '    type: module\n    path: ../sources/songs.mjs'),
      'data/books.db': await sqliteFile('CREATE TABLE books (isbn TEXT)'),
      'data/text.db': 'this is not a SQLite database, only text that is long enough to be read as one................',
    });
    expect(await problems(dir)).toEqual([
      'manifests/books.yaml:12:12: spec.source.query: sqlite source data/books.db: the query does not prepare: no such table: bookz',
      'manifests/dir.yaml:11:11: spec.source.path: ndjson source is not a file: data',
      'manifests/gone.yaml:11:11: spec.source.path: sqlite source not found: data/gone.db',
      'manifests/movies.yaml:11:11: spec.source.path: ndjson source not found: data/nope.ndjson',
      'manifests/parts.yaml:11:11: spec.source.path: ndjson source: no file matches ../data/parts-*.ndjson (in manifests)',
      'manifests/songs.yaml:11:11: spec.source.path: module source not found: sources/songs.mjs',
      expect.stringMatching(/^manifests\/text\.yaml:11:11: spec\.source\.path: sqlite source data\/text\.db: file is not a database/),
    ]);
  });

  it('places the problem in the document that names the source, in a file of several', async () => {
    const dir = project({
      'manifests/all.yaml': `${manifest('movies', '    type: ndjson\n    path: ../data/movies.ndjson')}---\n${manifest('books', '    type: ndjson\n    path: ../data/books.ndjson')}`,
      'data/movies.ndjson': '{"id":"1"}\n',
    });
    expect(await problems(dir)).toEqual(['manifests/all.yaml:24:11: spec.source.path: ndjson source not found: data/books.ndjson']);
  });

  it('esm validate says so and exits 3 (it said "1 manifest OK")', async () => {
    const dir = project({ 'manifests/movies.yaml': manifest('movies', '    type: ndjson\n    path: ../data/nope.ndjson') });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r).toMatchObject({ code: 3, stdout: '' });
    expect(r.stderr).toBe('esm: 1 problem in manifests\n  manifests/movies.yaml:11:11: spec.source.path: ndjson source not found: data/nope.ndjson\n');
  });
});
