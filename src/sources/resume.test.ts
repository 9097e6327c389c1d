/**
 * Sources that resume (SPEC §13): a full read records where it stands after each
 * document; a read resumed after that position yields exactly the documents that
 * follow, no more, no fewer — also after the source changed in between.
 */
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest, SourceSpec } from '../manifest/types.js';
import { withFingerprint } from '../manifest/with-fingerprint.js';
import { openSource } from './index.js';
import type { SourcePosition } from './position.js';
import { resumeSupport } from './resume.js';
import type { Doc, DocumentSource, ReadOptions } from './types.js';
import { scratchDir } from '../../test/support/scratch.js';

const dir = scratchDir('resume');
beforeAll(async () => {
  await mkdir(path.join(dir, 'manifests'));
  await mkdir(path.join(dir, 'data/parts'), { recursive: true });
});

function aManifest(source: SourceSpec, spec: { updatedField?: string; idField?: string } = { idField: 'id', updatedField: 'updated_at' }): Manifest {
  return withFingerprint({
    name: 'movies',
    labels: {},
    spec: { settings: {}, mappings: {}, source, ...spec, activation: { minDocRatio: 0 }, retention: { keepInactive: 2 } },
    origin: { file: 'manifests/movies.yaml', line: 1, col: 1, dir: path.join(dir, 'manifests') },
  });
}

const write = (rel: string, text: string) => writeFile(path.join(dir, rel), text);
const lines = (docs: Doc[], eol = '\n') => docs.map((d) => JSON.stringify(d) + eol).join('');
const movies = (from: number, to: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ id: `m-${from + i}`, title: `Movie ${from + i} — ünïcödé`, ...extra }));

/** Reads every document, and the position the read reports after the `k`-th one. */
async function readStoppingAt(source: DocumentSource, k: number, opts: ReadOptions = { since: null }): Promise<{ docs: Doc[]; at: SourcePosition | null }> {
  const read = source.read(opts);
  const docs: Doc[] = [];
  let at: SourcePosition | null = null;
  for await (const d of read) {
    docs.push(d);
    if (docs.length === k) {
      at = read.position!();
      break;
    }
  }
  return { docs, at };
}

async function all(source: DocumentSource, opts: ReadOptions): Promise<Doc[]> {
  const docs: Doc[] = [];
  for await (const d of source.read(opts)) docs.push(d);
  return docs;
}

describe('a resumed ndjson read', () => {
  it('continues at the byte after the last document sent: every document once, with multi-byte text, blank and CRLF lines', async () => {
    await write('data/one.ndjson', '\ufeff' + lines(movies(1, 3), '\r\n') + '\n  \n' + lines(movies(4, 9)) + JSON.stringify({ id: 'm-10' }));
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/one.ndjson' }), { cwd: dir });
    for (const k of [1, 3, 4, 9, 10]) {
      const { docs, at } = await readStoppingAt(source, k);
      expect(at).toMatchObject({ kind: 'ndjson', file: '../data/one.ndjson', lastId: `m-${k}` });
      const check = await source.resumeCheck!(at!);
      expect(check).toEqual({ ok: true, after: at });
      const rest = await all(source, { since: null, after: at! });
      expect([...docs, ...rest].map((d) => d.id)).toEqual(movies(1, 10).map((d) => d.id));
    }
  });

  it('reports the line numbers of the file after a resume', async () => {
    await write('data/bad.ndjson', lines(movies(1, 5)) + '{"id": "m-6", oops\n');
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/bad.ndjson' }), { cwd: dir });
    const { at } = await readStoppingAt(source, 2);
    await expect(all(source, { since: null, after: at! })).rejects.toThrow(/^data\/bad\.ndjson:6: invalid JSON/);
  });

  it('moves on through the files of a glob, and refuses when a file appeared before the one it stopped in', async () => {
    await write('data/parts/part-1.ndjson', lines(movies(1, 4)));
    await write('data/parts/part-2.ndjson', lines(movies(5, 8)));
    await write('data/parts/part-3.ndjson', lines(movies(9, 10)));
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/parts/part-*.ndjson' }), { cwd: dir });
    const { docs, at } = await readStoppingAt(source, 6);
    expect(at).toMatchObject({ file: '../data/parts/part-2.ndjson', line: 2 });
    const rest = await all(source, { since: null, after: at! });
    expect([...docs, ...rest].map((d) => d.id)).toEqual(movies(1, 10).map((d) => d.id));

    await write('data/parts/part-0.ndjson', lines(movies(11, 11)));
    const later = openSource(aManifest({ type: 'ndjson', path: '../data/parts/part-*.ndjson' }), { cwd: dir });
    expect(await later.resumeCheck!(at!)).toEqual({ ok: false, why: 'the files of ../data/parts/part-*.ndjson before ../data/parts/part-2.ndjson are not those the stopped fill read' });
  });

  it('finds a changed file again by the id of the last document sent (documents before it changed, one deleted)', async () => {
    await write('data/changing.ndjson', lines(movies(1, 10)));
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/changing.ndjson' }), { cwd: dir });
    const { at } = await readStoppingAt(source, 6);
    const changed = movies(1, 10).filter((d) => d.id !== 'm-2');
    changed[0] = { ...changed[0]!, title: 'A much longer title than before, so that every offset moves' };
    await write('data/changing.ndjson', lines(changed));
    const check = await source.resumeCheck!(at!);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.note).toBe('data/changing.ndjson changed since the fill stopped: resuming after document m-6, now at line 5 (what changed before it is caught up by updatedField)');
    expect((await all(source, { since: null, after: check.after })).map((d) => d.id)).toEqual(['m-7', 'm-8', 'm-9', 'm-10']);
  });

  it('starts again from zero when a changed file no longer holds that document, or has no updatedField to catch up what changed', async () => {
    await write('data/gone.ndjson', lines(movies(1, 10)));
    const source = openSource(aManifest({ type: 'ndjson', path: '../data/gone.ndjson' }), { cwd: dir });
    const { at } = await readStoppingAt(source, 6);
    await write('data/gone.ndjson', lines(movies(1, 10).filter((d) => d.id !== 'm-6')));
    expect(await source.resumeCheck!(at!)).toEqual({ ok: false, why: 'data/gone.ndjson changed since the fill stopped and no longer holds the document m-6 it had reached' });

    await write('data/plain.ndjson', lines(movies(1, 10)));
    const plain = openSource(aManifest({ type: 'ndjson', path: '../data/plain.ndjson' }, { idField: 'id' }), { cwd: dir });
    const stopped = await readStoppingAt(plain, 3);
    const { mtime } = await stat(path.join(dir, 'data/plain.ndjson'));
    await utimes(path.join(dir, 'data/plain.ndjson'), mtime, new Date(mtime.getTime() + 5000));
    expect(await plain.resumeCheck!(stopped.at!)).toEqual({
      ok: false,
      why: 'data/plain.ndjson changed since the fill stopped, and without updatedField the documents it changed before that point cannot be caught up',
    });
  });
});

describe('a resumed sqlite read', () => {
  beforeAll(async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE movies (code TEXT PRIMARY KEY, title TEXT, updated_at TEXT)');
    // Inserted out of key order: the full read comes in key order anyway.
    for (const code of ['c', 'a', 'e', 'b', 'd', 'f']) db.run('INSERT INTO movies VALUES (?, ?, ?)', [code, `Movie ${code}`, '2024-01-01']);
    await writeFile(path.join(dir, 'data/movies.sqlite'), db.export());
    db.close();
  });
  const query = 'SELECT code, title FROM movies WHERE :since IS NULL OR updated_at > :since';

  it('reads in the order of idField and resumes after the last key sent', async () => {
    const source = openSource(aManifest({ type: 'sqlite', path: '../data/movies.sqlite', query }, { idField: 'code' }), { cwd: dir });
    const { docs, at } = await readStoppingAt(source, 3);
    expect(docs.map((d) => d.code)).toEqual(['a', 'b', 'c']);
    expect(at).toEqual({ kind: 'key', field: 'code', last: 'c' });
    expect(await source.resumeCheck!(at!)).toEqual({ ok: true, after: at });
    expect((await all(source, { since: null, after: at! })).map((d) => d.code)).toEqual(['d', 'e', 'f']);
  });

  it('leaves an incremental read as the query wrote it', async () => {
    const source = openSource(aManifest({ type: 'sqlite', path: '../data/movies.sqlite', query }, { idField: 'code' }), { cwd: dir });
    expect((await all(source, { since: '2023-01-01' })).map((d) => d.code)).toEqual(['c', 'a', 'e', 'b', 'd', 'f']);
  });
});

describe('a resumed module read', () => {
  beforeAll(async () => {
    await write(
      'data/ordered.mjs',
      `const rows = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, title: 'Movie ' + (i + 1) }));
      export const orderedBy = 'id';
      export default async function* ({ after }) {
        for (const r of rows) if (after === null || after === undefined || r.id > after) yield r;
      }`,
    );
    await write('data/unordered.mjs', `export default async function* () { yield { id: 2 }; yield { id: 1 }; }`);
    await write('data/bad-order.mjs', `export const orderedBy = 42; export default async function* () {}`);
  });

  it('passes the last value of orderedBy as after, and yields what follows', async () => {
    const source = openSource(aManifest({ type: 'module', path: '../data/ordered.mjs' }), { cwd: dir });
    expect(await source.orderedBy!()).toBe('id');
    const { docs, at } = await readStoppingAt(source, 5);
    expect(at).toEqual({ kind: 'key', field: 'id', last: 5 });
    expect(await source.resumeCheck!(at!)).toEqual({ ok: true, after: at });
    const rest = await all(source, { since: null, after: at! });
    expect([...docs, ...rest].map((d) => d.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('cannot resume a module without orderedBy; an orderedBy that names no field is refused', async () => {
    const source = openSource(aManifest({ type: 'module', path: '../data/unordered.mjs' }), { cwd: dir });
    const { at } = await readStoppingAt(source, 1);
    expect(at).toBeNull();
    expect(await source.resumeCheck!({ kind: 'key', field: 'id', last: 2 })).toEqual({
      ok: false,
      why: 'module source data/unordered.mjs exports no orderedBy: its documents come in no known order',
    });
    await expect(all(openSource(aManifest({ type: 'module', path: '../data/bad-order.mjs' }), { cwd: dir }), { since: null })).rejects.toThrow(
      'module source data/bad-order.mjs: the export "orderedBy" must name a field (a non-empty string), got a number',
    );
  });
});

describe('resumeSupport', () => {
  const facts = { moduleOrdered: false, serverReindex: true };
  it('says which fills can resume and why the others cannot', () => {
    expect(resumeSupport(aManifest({ type: 'ndjson', path: 'x' }), facts)).toEqual({ ok: true });
    expect(resumeSupport(aManifest({ type: 'sqlite', path: 'x', query: 'q' }), facts)).toEqual({ ok: true });
    expect(resumeSupport(aManifest({ type: 'ndjson', path: 'x' }, {}), facts)).toEqual({ ok: false, why: 'without idField the documents sent again after the stop would be duplicated' });
    expect(resumeSupport(aManifest({ type: 'module', path: 'x' }), facts)).toMatchObject({ ok: false, why: expect.stringMatching(/exports no orderedBy/) });
    expect(resumeSupport(aManifest({ type: 'module', path: 'x' }), { ...facts, moduleOrdered: true })).toEqual({ ok: true });
    expect(resumeSupport(aManifest({ type: 'reindex', from: 'active' }, {}), facts)).toEqual({ ok: true });
    expect(resumeSupport(aManifest({ type: 'reindex', from: 'active' }), { ...facts, serverReindex: false })).toEqual({
      ok: false,
      why: 'the cluster has no reindex module, and the client-side copy cannot resume',
    });
  });
});
