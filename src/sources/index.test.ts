import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, RuntimeError } from '../errors.js';
import type { Manifest, SourceSpec } from '../manifest/types.js';
import { openSource } from './index.js';
import type { Doc, DocumentSource, ReadOptions } from './types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import { scratchDir } from '../../test/support/scratch.js';

const dir = scratchDir('sources');
beforeAll(async () => {
  await mkdir(path.join(dir, 'manifests'));
  await mkdir(path.join(dir, 'data'));
});

function aManifest(source: SourceSpec, spec: { updatedField?: string; idField?: string } = {}): Manifest {
  return withFingerprint({
    name: 'movies',
    labels: {},
    spec: { settings: {}, mappings: {}, source, ...spec, activation: { minDocRatio: 0 }, retention: { keepInactive: 2 } },
    origin: { file: 'manifests/movies.yaml', line: 1, col: 1, dir: path.join(dir, 'manifests') },
  });
}

async function writeData(rel: string, text: string): Promise<void> {
  await writeFile(path.join(dir, rel), text);
}

async function all(source: DocumentSource, opts: ReadOptions = { since: null }): Promise<Doc[]> {
  const docs: Doc[] = [];
  for await (const d of source.read(opts)) docs.push(d);
  return docs;
}

const ndjsonLines = (docs: Doc[]) => docs.map((d) => JSON.stringify(d)).join('\n');

describe('ndjson source', () => {
  it('streams every document of a file, skipping blank lines, and counts them', async () => {
    await writeData('data/movies.ndjson', `${ndjsonLines([{ id: 1, title: 'Alien' }])}\n\n  \n${ndjsonLines([{ id: 2, title: 'Heat' }])}\r\n{"id":3}`);
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/movies.ndjson' }), { cwd: dir });
    expect(await all(source)).toEqual([{ id: 1, title: 'Alien' }, { id: 2, title: 'Heat' }, { id: 3 }]);
    expect(await source.count?.({ since: null })).toBe(3);
    expect(source.describe).toBe('ndjson ../data/movies.ndjson');
  });

  it('yields only documents whose updatedField is later than since (ISO or epoch millis)', async () => {
    const since = '2024-03-01T00:00:00.000Z';
    await writeData(
      'data/changed.ndjson',
      ndjsonLines([
        { id: 'old-iso', updated_at: '2024-01-01T00:00:00Z' },
        { id: 'new-iso', updated_at: '2024-05-01T00:00:00Z' },
        { id: 'old-ms', updated_at: Date.parse('2023-12-31') },
        { id: 'new-ms', updated_at: Date.parse('2024-04-01') },
        { id: 'equal', updated_at: since },
        { id: 'no-date' },
      ]),
    );
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/changed.ndjson' }, { updatedField: 'updated_at' }), { cwd: dir });
    const ids = (await all(source, { since })).map((d) => d.id);
    expect(ids).toEqual(['new-iso', 'new-ms', 'no-date']);
    expect((await all(source)).length).toBe(6);
  });

  it('reads every file a glob matches, in path order', async () => {
    await mkdir(path.join(dir, 'data/parts'), { recursive: true });
    await writeData('data/parts/part-2.ndjson', ndjsonLines([{ id: 3 }, { id: 4 }]) + '\n');
    await writeData('data/parts/part-1.ndjson', ndjsonLines([{ id: 1 }, { id: 2 }]) + '\n');
    await writeData('data/parts/part-3.ndjson', ndjsonLines([{ id: 5 }]) + '\n');
    await writeData('data/parts/notes.txt', 'not json');
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/parts/part-*.ndjson' }), { cwd: dir });
    expect((await all(source)).map((d) => d.id)).toEqual([1, 2, 3, 4, 5]);
    expect(await source.count?.({ since: null })).toBe(5);
  });

  it('reports a malformed line as file:line', async () => {
    const lines = Array.from({ length: 1233 }, (_, i) => JSON.stringify({ id: i }));
    await writeData('data/broken.ndjson', `${lines.join('\n')}\n{"id": 1233, "title": "oops"\n{"id":1234}\n`);
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/broken.ndjson' }), { cwd: dir });
    const err = await all(source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as Error).message).toMatch(/^data\/broken\.ndjson:1234: invalid JSON: /);
  });

  it('refuses a line that is JSON but not an object', async () => {
    await writeData('data/array.ndjson', '{"id":1}\n[1,2]\n');
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/array.ndjson' }), { cwd: dir });
    await expect(all(source)).rejects.toThrow('data/array.ndjson:2: expected a JSON object, got an array');
  });

  it('says which file is missing, or that a glob matched nothing', async () => {
    await expect(all(openSource(aManifest({ type: 'ndjson', path: '../data/nope.ndjson' }), { cwd: dir }))).rejects.toThrow(
      'ndjson source not found: data/nope.ndjson',
    );
    await expect(all(openSource(aManifest({ type: 'ndjson', path: '../data/none-*.ndjson' }), { cwd: dir }))).rejects.toThrow(
      'ndjson source: no file matches ../data/none-*.ndjson',
    );
  });

  it('stops reading when the signal is aborted', async () => {
    await writeData('data/many.ndjson', ndjsonLines(Array.from({ length: 1000 }, (_, i) => ({ id: i }))));
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/many.ndjson' }), { cwd: dir });
    const ac = new AbortController();
    let n = 0;
    for await (const _ of source.read({ since: null, signal: ac.signal })) {
      if (++n === 10) ac.abort();
    }
    expect(n).toBe(10);
  });
});

describe('sqlite source', () => {
  const query = `SELECT id, title, updated_at, tags, poster FROM movies
                 WHERE :since IS NULL OR updated_at > :since ORDER BY id;`;
  beforeAll(async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE movies (id INTEGER PRIMARY KEY, title TEXT, updated_at TEXT, tags TEXT, poster BLOB, rating REAL)');
    db.run(`INSERT INTO movies VALUES
      (1, 'Alien', '2024-01-01T00:00:00.000Z', '["scifi"]', x'89504e47', 8.5),
      (2, 'Heat', '2024-05-01T00:00:00.000Z', NULL, NULL, 8.3),
      (3, 'Ran', '2024-06-01T00:00:00.000Z', NULL, NULL, NULL)`);
    await writeFile(path.join(dir, 'data/movies.sqlite'), db.export());
    db.close();
  });

  it('binds :since to NULL on a full read: every row, columns as fields', async () => {
    const source = openSource(aManifest({ type: 'sqlite', path: '../data/movies.sqlite', query }), { cwd: dir });
    const docs = await all(source);
    expect(docs).toEqual([
      { id: 1, title: 'Alien', updated_at: '2024-01-01T00:00:00.000Z', tags: '["scifi"]', poster: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') },
      { id: 2, title: 'Heat', updated_at: '2024-05-01T00:00:00.000Z', tags: null, poster: null },
      { id: 3, title: 'Ran', updated_at: '2024-06-01T00:00:00.000Z', tags: null, poster: null },
    ]);
    expect(await source.count?.({ since: null })).toBe(3);
  });

  it('binds :since on an incremental read, for the rows and for count()', async () => {
    const source = openSource(aManifest({ type: 'sqlite', path: '../data/movies.sqlite', query }), { cwd: dir });
    const since = '2024-04-01T00:00:00.000Z';
    expect((await all(source, { since })).map((d) => d.id)).toEqual([2, 3]);
    expect(await source.count?.({ since })).toBe(2);
  });

  it('names the file when it is missing and the SQL when it is wrong', async () => {
    await expect(all(openSource(aManifest({ type: 'sqlite', path: '../data/nope.sqlite', query }), { cwd: dir }))).rejects.toThrow(
      'sqlite source not found: data/nope.sqlite',
    );
    const bad = openSource(aManifest({ type: 'sqlite', path: '../data/movies.sqlite', query: 'SELECT * FROM films' }), { cwd: dir });
    await expect(all(bad)).rejects.toThrow(/^sqlite source data\/movies\.sqlite: no such table: films/);
    await expect(bad.count?.({ since: null })).rejects.toThrow(/no such table: films/);
  });
});

describe('module source', () => {
  beforeAll(async () => {
    await writeData(
      'data/movies.mjs',
      `const rows = [
        { id: 1, updated_at: '2024-01-01T00:00:00Z' },
        { id: 2, updated_at: '2024-05-01T00:00:00Z' },
        { id: 3, updated_at: '2024-06-01T00:00:00Z' },
      ];
      const changed = (since) => rows.filter((r) => since === null || r.updated_at > since);
      export default async function* ({ since, signal }) {
        for (const r of changed(since)) {
          if (signal.aborted) return;
          yield r;
        }
      }
      export function count({ since }) { return changed(since).length; }
      `,
    );
    await writeData(
      'data/endless.mjs',
      `export let pulled = 0;
      export default async function* ({ signal }) {
        for (let i = 0; ; i++) {
          if (signal.aborted) return;
          pulled++;
          yield { id: i };
          await new Promise((r) => setTimeout(r, 1));
        }
      }`,
    );
    await writeData('data/not-a-function.mjs', 'export default { rows: [] };');
    await writeData('data/bad-doc.mjs', 'export default async function* () { yield { id: 1 }; yield 42; }');
    await writeData('data/throws.mjs', "export default async function* () { yield { id: 1 }; throw new Error('database is down'); }");
  });

  it('passes since to the module and uses its count()', async () => {
    const source = openSource(aManifest({ type: 'module', path: '../data/movies.mjs' }), { cwd: dir });
    expect((await all(source)).map((d) => d.id)).toEqual([1, 2, 3]);
    expect(await source.count?.({ since: null })).toBe(3);
    const since = '2024-04-01T00:00:00Z';
    expect((await all(source, { since })).map((d) => d.id)).toEqual([2, 3]);
    expect(await source.count?.({ since })).toBe(2);
  });

  it('hands the abort signal to the module, which stops', async () => {
    const source = openSource(aManifest({ type: 'module', path: '../data/endless.mjs' }), { cwd: dir });
    const ac = new AbortController();
    let n = 0;
    for await (const _ of source.read({ since: null, signal: ac.signal })) {
      if (++n === 25) ac.abort();
    }
    expect(n).toBe(25);
    expect(await source.count?.({ since: null })).toBeUndefined();
  });

  it('explains a missing file, a default export that is not a function, a bad document, a failing module', async () => {
    const read = (p: string) => all(openSource(aManifest({ type: 'module', path: p }), { cwd: dir }));
    await expect(read('../data/nope.mjs')).rejects.toThrow('module source not found: data/nope.mjs');
    await expect(read('../data/not-a-function.mjs')).rejects.toThrow(
      'module source data/not-a-function.mjs: the default export must be an async generator function ({ since, signal }) => documents, got an object',
    );
    await expect(read('../data/bad-doc.mjs')).rejects.toThrow('module source data/bad-doc.mjs: document #2 is a number, expected an object');
    await expect(read('../data/throws.mjs')).rejects.toThrow('module source data/throws.mjs: database is down');
  });
});

describe('openSource', () => {
  it('refuses a reindex source (not a document stream) and a master without a source', () => {
    expect(() => openSource(aManifest({ type: 'reindex', from: 'active' }))).toThrow(/reindex source is not a document stream/);
    const noSource = aManifest({ type: 'ndjson', path: 'x' });
    delete noSource.spec.source;
    expect(() => openSource(noSource)).toThrow(InvalidInputError);
  });
});
