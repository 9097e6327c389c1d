/**
 * `esm update` against the real node: every target selector, every mode, each
 * source type, failures, and Ctrl-C on the built CLI.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { HistoryStore, type ActionRecord } from '../../src/history/index.js';
import { esUrl, rawClient } from '../support/es.js';
import { interruptDuringFill } from '../support/interrupt.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

const OLD = '2020-01-01T00:00:00.000Z';

interface Movie {
  id: string;
  title: string;
  updated_at: string;
  [k: string]: unknown;
}

const movies = (n: number, at = OLD): Movie[] => Array.from({ length: n }, (_, i) => ({ id: `m-${i + 1}`, title: `Movie ${i + 1}`, updated_at: at }));

function manifestYaml(name: string, source: string, extra: { idField?: string | null; updatedField?: string | null } = {}): string {
  const idField = extra.idField === undefined ? 'id' : extra.idField;
  const updatedField = extra.updatedField === undefined ? 'updated_at' : extra.updatedField;
  return [
    'apiVersion: esm/v1',
    'kind: IndexMaster',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  settings:',
    '    number_of_shards: 1',
    '    number_of_replicas: 0',
    '  mappings:',
    '    dynamic: strict',
    '    properties:',
    '      id: { type: keyword }',
    '      title: { type: text }',
    '      updated_at: { type: date }',
    '  source:',
    ...source.split('\n').map((l) => `    ${l}`),
    ...(idField ? [`  idField: ${idField}`] : []),
    ...(updatedField ? [`  updatedField: ${updatedField}`] : []),
    '',
  ].join('\n');
}

const ndjsonSource = (file: string) => `type: ndjson\npath: ../${file}`;

/** A project with master `movies` reading data/movies.ndjson. */
function moviesProject(docs: readonly unknown[], extra: Parameters<typeof manifestYaml>[2] = {}): TempProject {
  const p = tempProject('upd');
  p.manifest('movies', manifestYaml('movies', ndjsonSource('data/movies.ndjson'), extra));
  p.write('data/movies.ndjson', ndjson(docs));
  return p;
}

async function ok(p: TempProject, argv: string[]) {
  const r = await p.cli(argv);
  if (r.code !== 0) throw new Error(`esm ${argv.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

/** Points the master's alias at an instance (what `esm activate` does), straight through the cluster. */
async function activate(p: TempProject, master: string, n: number): Promise<void> {
  const alias = `${p.prefix}${master}`;
  const current = await rawClient().indices.getAlias({ name: alias }).catch(() => ({}));
  await rawClient().indices.updateAliases({
    actions: [...Object.keys(current).map((index) => ({ remove: { index, alias } })), { add: { index: `${alias}-${n}`, alias } }],
  });
}

async function aliasTargets(p: TempProject, master: string): Promise<string[]> {
  const res = await rawClient().indices.getAlias({ name: `${p.prefix}${master}` });
  return Object.keys(res).sort();
}

async function history(p: TempProject): Promise<ActionRecord[]> {
  const store = await HistoryStore.open(p.statePath, { readOnly: true });
  try {
    return store.listActions();
  } finally {
    store.close();
  }
}

async function countDocs(index: string): Promise<number> {
  await rawClient().indices.refresh({ index });
  return (await rawClient().count({ index })).count;
}

/** A time after the last update started and before the next one starts (ISO, millisecond precision). */
async function momentAfterLastUpdate(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const at = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return at;
}

/** A master with instance 1 filled (full) and active. */
async function filledAndActive(p: TempProject, master = 'movies'): Promise<void> {
  await ok(p, ['create', master]);
  await ok(p, ['update', `${master}-1`, '--full']);
  await activate(p, master, 1);
}

describe('esm update: targets', () => {
  it('fills an explicit instance, full when it was never updated, and prints one line per target', async () => {
    const p = moviesProject(movies(25));
    await ok(p, ['create', 'movies']);
    const r = await ok(p, ['update', 'movies-1']);
    expect(r.stdout).toMatch(new RegExp(`^${p.prefix}movies-1: 25 docs \\(full\\) in [\\d.]+m?s\\n$`));
    expect(await countDocs(`${p.prefix}movies-1`)).toBe(25);
    // The full update, then its id-set comparison (nothing to delete).
    const [prune, action] = await history(p);
    expect(action).toMatchObject({ action: 'update', instance: `${p.prefix}movies-1`, status: 'complete', docsAffected: 25 });
    expect(prune).toMatchObject({ action: 'prune', instance: `${p.prefix}movies-1`, status: 'complete', docsAffected: 0 });
    const { body } = await rawClient().indices.getMapping({ index: `${p.prefix}movies-1` }, { meta: true });
    const meta = (body[`${p.prefix}movies-1`]!.mappings._meta as { esm: { filledAt: string; lastUpdateAt: string } }).esm;
    expect(meta.filledAt).toBe(meta.lastUpdateAt);
    expect(Date.parse(meta.lastUpdateAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('takes an instance as master then number (`movies 2`)', async () => {
    const p = moviesProject(movies(4));
    await ok(p, ['create', 'movies']);
    await ok(p, ['create', 'movies', '--force']);
    const r = await ok(p, ['update', 'movies', '2', '--json']);
    expect(r.json().updates).toEqual([
      { master: 'movies', index: `${p.prefix}movies-2`, mode: 'full', since: null, docs: 4, deleted: 0, elapsedMs: expect.any(Number) },
    ]);
    expect(await countDocs(`${p.prefix}movies-1`)).toBe(0);
  });

  it('updates the active instance by default, and refuses a master without one', async () => {
    const p = moviesProject(movies(6));
    await ok(p, ['create', 'movies']);
    const none = await p.cli(['update', 'movies']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('movies has no active instance');
    await ok(p, ['create', 'movies', '--force']);
    await activate(p, 'movies', 1);
    const r = await ok(p, ['update', 'movies', '--json']);
    expect(r.json().updates.map((u: { index: string }) => u.index)).toEqual([`${p.prefix}movies-1`]);
    expect(await countDocs(`${p.prefix}movies-2`)).toBe(0);
  });

  it('a full fill of an inactive instance runs with refresh_interval -1; one of the active instance does not', async () => {
    const p = tempProject('updtune');
    // The source looks at the instances' settings while esm fills them.
    p.write(
      'data/probe.mjs',
      [
        `export default async function* () {`,
        `  const res = await fetch(${JSON.stringify(`${p.env.ESM_URL}/${p.prefix}movies-*/_settings?flat_settings=true`)});`,
        `  const seen = Object.entries(await res.json()).map(([name, v]) => name.slice(name.lastIndexOf('-') + 1) + '=' + (v.settings['index.refresh_interval'] ?? 'default')).sort();`,
        `  yield { id: 'probe', title: seen.join(' '), updated_at: '2020-01-01T00:00:00.000Z' };`,
        `}`,
      ].join('\n'),
    );
    p.manifest('movies', manifestYaml('movies', 'type: module\npath: ../data/probe.mjs'));
    await ok(p, ['create', 'movies']);
    await activate(p, 'movies', 1);
    await ok(p, ['create', 'movies', '--force']);
    const title = async (n: number) => (await rawClient().get<{ title: string }>({ index: `${p.prefix}movies-${n}`, id: 'probe' }))._source?.title;
    await ok(p, ['update', 'movies', '--newer', '--full']);
    expect(await title(2)).toBe('1=default 2=-1');
    await ok(p, ['update', 'movies', '--full']);
    expect(await title(1)).toBe('1=default 2=default');
  });

  it('a fill its source counts at 10,000 documents or fewer is not tuned (two cluster-state updates saved); a larger one is', async () => {
    const p = tempProject('updsmall');
    // The source says how many documents it has, and looks at the instance's settings while esm fills it.
    const probe = (declared: number) =>
      [
        `export function count() { return ${declared}; }`,
        `export default async function* () {`,
        `  const res = await fetch(${JSON.stringify(`${p.env.ESM_URL}/${p.prefix}movies-*/_settings?flat_settings=true`)});`,
        `  const seen = Object.entries(await res.json()).map(([name, v]) => name.slice(name.lastIndexOf('-') + 1) + '=' + (v.settings['index.refresh_interval'] ?? 'default')).sort();`,
        `  yield { id: 'probe', title: seen.join(' '), updated_at: '2020-01-01T00:00:00.000Z' };`,
        `}`,
      ].join('\n');
    p.write('data/small.mjs', probe(10_000));
    p.write('data/large.mjs', probe(10_001));
    const title = async (n: number) => (await rawClient().get<{ title: string }>({ index: `${p.prefix}movies-${n}`, id: 'probe' }))._source?.title;
    p.manifest('movies', manifestYaml('movies', 'type: module\npath: ../data/small.mjs'));
    await ok(p, ['create', 'movies']);
    await activate(p, 'movies', 1);
    await ok(p, ['create', 'movies', '--force']);
    await ok(p, ['update', 'movies', '--newer', '--full']);
    expect(await title(2)).toBe('1=default 2=default');
    p.manifest('movies', manifestYaml('movies', 'type: module\npath: ../data/large.mjs'));
    await ok(p, ['update', 'movies', '--newer', '--full']);
    expect(await title(2)).toBe('1=default 2=-1');
  });

  it('--newer after esm create fills only the new instance and moves no alias', async () => {
    const p = moviesProject(movies(30));
    await filledAndActive(p);
    await ok(p, ['create', 'movies', '--force']);
    const r = await ok(p, ['update', 'movies', '--newer', '--json']);
    expect(r.json().updates).toEqual([
      { master: 'movies', index: `${p.prefix}movies-2`, mode: 'full', since: null, docs: 30, deleted: 0, elapsedMs: expect.any(Number) },
    ]);
    expect(await aliasTargets(p, 'movies')).toEqual([`${p.prefix}movies-1`]);
    expect(await countDocs(`${p.prefix}movies-2`)).toBe(30);
    // The fill ran with refresh -1 / no replicas; both are back to the manifest's values.
    const settings = await rawClient().indices.getSettings({ index: `${p.prefix}movies-2` });
    const idx = settings[`${p.prefix}movies-2`]!.settings!.index!;
    expect(idx.refresh_interval).toBeUndefined();
    expect(idx.number_of_replicas).toBe('0');
    const actions = await history(p);
    expect(actions.filter((a) => a.action === 'update').map((a) => a.instance)).toEqual([`${p.prefix}movies-2`, `${p.prefix}movies-1`]);
  });

  it('--newer with nothing newer says so and updates nothing', async () => {
    const p = moviesProject(movies(3));
    await filledAndActive(p);
    const r = await ok(p, ['update', 'movies', '--newer', '--json']);
    expect(r.json()).toEqual({ updates: [] });
    expect(r.stderr).toContain(`no instance newer than the active ${p.prefix}movies-1`);
  });

  it('--last and --latest pick the latest instance, active or not', async () => {
    const p = moviesProject(movies(5));
    await filledAndActive(p);
    await ok(p, ['create', 'movies', '--force']);
    await ok(p, ['create', 'movies', '--force']);
    const last = await ok(p, ['update', 'movies', '--last', '--json']);
    expect(last.json().updates.map((u: { index: string }) => u.index)).toEqual([`${p.prefix}movies-3`]);
    const latest = await ok(p, ['update', 'movies', '--latest', '--full', '--json']);
    expect(latest.json().updates.map((u: { index: string; mode: string }) => [u.index, u.mode])).toEqual([[`${p.prefix}movies-3`, 'full']]);
    expect(await countDocs(`${p.prefix}movies-2`)).toBe(0);
  });

  it('--all-active updates the active instance of every master and skips a master without one', async () => {
    const p = moviesProject(movies(7));
    p.manifest('books', manifestYaml('books', ndjsonSource('data/books.ndjson')));
    p.write('data/books.ndjson', ndjson(movies(3).map((m) => ({ ...m, id: m.id.replace('m', 'b') }))));
    p.manifest('songs', manifestYaml('songs', ndjsonSource('data/books.ndjson')));
    await filledAndActive(p, 'movies');
    await filledAndActive(p, 'books');
    const r = await ok(p, ['update', '--all-active', '--full', '--json']);
    const updates = r.json().updates as Array<{ master: string; index: string; docs: number }>;
    expect(updates.map((u) => [u.master, u.index, u.docs]).sort()).toEqual([
      ['books', `${p.prefix}books-1`, 3],
      ['movies', `${p.prefix}movies-1`, 7],
    ]);
    expect(r.stderr).toContain('songs: no active instance; skipped');
  });
});

describe('esm update: modes', () => {
  it('by default sends only the documents changed since the last completed update', async () => {
    const docs = movies(40);
    const p = moviesProject(docs);
    await filledAndActive(p);
    const changed = await momentAfterLastUpdate();
    for (const i of [3, 17, 29]) docs[i] = { ...docs[i]!, title: `Changed ${i}`, updated_at: changed };
    p.write('data/movies.ndjson', ndjson(docs));
    const r = await ok(p, ['update', 'movies', '--json']);
    const [u] = r.json().updates;
    expect(u).toMatchObject({ mode: 'incremental', docs: 3 });
    expect(Date.parse(u.since)).toBeLessThan(Date.parse(changed));
    const [last] = await history(p);
    expect(last).toMatchObject({ action: 'partial_update', status: 'complete', docsAffected: 3 });
    const hit = await rawClient().get<{ title: string }>({ index: `${p.prefix}movies-1`, id: 'm-18' });
    expect(hit._source?.title).toBe('Changed 17');
    // Nothing changed since: the next update sends nothing.
    const again = await ok(p, ['update', 'movies', '--json']);
    expect(again.json().updates[0]).toMatchObject({ mode: 'incremental', docs: 0 });
  });

  it('--since sends what changed after that date; a bad date or --full with --since is invalid input', async () => {
    const docs = [
      ...movies(5, '2021-01-10T00:00:00.000Z'),
      ...movies(3, '2021-08-10T00:00:00.000Z').map((m) => ({ ...m, id: `late-${m.id}` })),
    ];
    const p = moviesProject(docs);
    await filledAndActive(p);
    const r = await ok(p, ['update', 'movies', '--since', '2021-06-01', '--json']);
    expect(r.json().updates[0]).toMatchObject({ mode: 'incremental', since: '2021-06-01T00:00:00.000Z', docs: 3 });
    const bad = await p.cli(['update', 'movies', '--since', 'last tuesday']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('--since "last tuesday" is not an ISO date');
    const both = await p.cli(['update', 'movies', '--full', '--since', '2021-06-01']);
    expect(both.code).toBe(3);
    expect(both.stderr).toContain('--full and --since cannot be used together');
  });

  it('--full after the source lost N ids leaves exactly the source\'s documents, the count in the result and a prune row; --keep-deleted keeps them', async () => {
    const docs = movies(500);
    const p = moviesProject(docs);
    await filledAndActive(p);
    const index = `${p.prefix}movies-1`;
    expect(await countDocs(index)).toBe(500);
    // The source loses 50 ids (every 10th), and one document changes.
    const kept = docs.filter((_, i) => i % 10 !== 3).map((d, i) => (i === 0 ? { ...d, title: 'Changed' } : d));
    p.write('data/movies.ndjson', ndjson(kept));

    const held = await ok(p, ['update', 'movies', '--full', '--keep-deleted', '--json']);
    expect(held.json().updates).toEqual([{ master: 'movies', index, mode: 'full', since: null, docs: 450, elapsedMs: expect.any(Number) }]);
    expect(await countDocs(index)).toBe(500);
    expect((await history(p))[0]).toMatchObject({ action: 'update', instance: index, status: 'complete', docsAffected: 450 });

    const r = await ok(p, ['update', 'movies', '--full']);
    expect(r.stdout).toMatch(new RegExp(`^${index}: 450 docs \\(full\\), 50 deleted \\(no longer in the source\\) in [\\d.]+m?s\\n$`));
    await rawClient().indices.refresh({ index });
    const res = await rawClient().search<Movie>({ index, size: 1000, _source: ['id'] });
    expect(res.hits.hits.map((h) => h._id).sort()).toEqual(kept.map((d) => d.id).sort());
    expect((await rawClient().get<Movie>({ index, id: 'm-1' }))._source?.title).toBe('Changed');
    const [prune, update] = await history(p);
    expect(update).toMatchObject({ action: 'update', instance: index, status: 'complete', docsAffected: 450 });
    expect(prune).toMatchObject({ action: 'prune', master: 'movies', instance: index, status: 'complete', docsAffected: 50 });

    // Nothing left to delete: the next full update says 0 in --json.
    const again = await ok(p, ['update', 'movies', '--full', '--json']);
    expect(again.json().updates[0]).toMatchObject({ docs: 450, deleted: 0 });
    expect(await countDocs(index)).toBe(450);
    // --keep-deleted with --since is refused: it goes with a full update.
    const bad = await p.cli(['update', 'movies', '--since', '2021-01-01', '--keep-deleted']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('--keep-deleted goes with a full update');
  });

  it('a master without updatedField gets a full update by default', async () => {
    const p = moviesProject(movies(9), { updatedField: null });
    await filledAndActive(p);
    const r = await ok(p, ['update', 'movies', '--json']);
    expect(r.json().updates[0]).toMatchObject({ mode: 'full', docs: 9 });
  });

  it('refuses an incremental update without idField (exit 3) and records nothing', async () => {
    const p = moviesProject(movies(4), { idField: null });
    await filledAndActive(p);
    const before = (await history(p)).length;
    const r = await p.cli(['update', 'movies']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('needs spec.idField');
    expect((await history(p)).length).toBe(before);
  });

  it('validates flags', async () => {
    const p = moviesProject(movies(1));
    for (const argv of [
      ['update', 'movies', '--batch-size', '0'],
      ['update', 'movies', '--batch-size', '100001'],
      ['update', 'movies', '--concurrency', '17'],
      ['update', 'movies', '--concurrency', 'two'],
      ['update', 'movies', '--newer', '--last'],
      ['update', 'movies', '--all-active'],
      ['update'],
      ['update', 'movies-1', '--newer'],
      ['update', 'nope'],
    ]) {
      const r = await p.cli(argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 3, stdout: '' });
      expect(r.stderr).toMatch(/^esm: /);
    }
  });

  it('honours --batch-size and --concurrency', async () => {
    const p = moviesProject(movies(55));
    await ok(p, ['create', 'movies']);
    const r = await ok(p, ['update', 'movies-1', '--batch-size', '7', '--concurrency', '3', '--json']);
    expect(r.json().updates[0].docs).toBe(55);
    expect(await countDocs(`${p.prefix}movies-1`)).toBe(55);
  });
});

describe('esm update: sources', () => {
  it('sqlite: full, then incremental with :since bound', async () => {
    const p = tempProject('updsql');
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE movies (id TEXT PRIMARY KEY, title TEXT, updated_at TEXT)');
    for (const m of movies(12)) db.run('INSERT INTO movies VALUES (?, ?, ?)', [m.id, m.title, m.updated_at]);
    const save = () => writeFileSync(path.join(p.dir, 'data/movies.sqlite'), db.export());
    p.write('data/.keep', '');
    save();
    p.manifest(
      'movies',
      manifestYaml('movies', 'type: sqlite\npath: ../data/movies.sqlite\nquery: SELECT id, title, updated_at FROM movies WHERE :since IS NULL OR updated_at > :since'),
    );
    await filledAndActive(p);
    expect(await countDocs(`${p.prefix}movies-1`)).toBe(12);
    db.run('UPDATE movies SET title = ?, updated_at = ? WHERE id IN (?, ?)', ['Re-cut', await momentAfterLastUpdate(), 'm-2', 'm-5']);
    save();
    const r = await ok(p, ['update', 'movies', '--json']);
    expect(r.json().updates[0]).toMatchObject({ mode: 'incremental', docs: 2 });
    const hit = await rawClient().get<{ title: string }>({ index: `${p.prefix}movies-1`, id: 'm-5' });
    expect(hit._source?.title).toBe('Re-cut');
  });

  it('module: the default export gets since, count() gives the progress total', async () => {
    const p = tempProject('updmod');
    p.write(
      'data/movies.mjs',
      [
        `const docs = ${JSON.stringify([...movies(6, '2021-01-01T00:00:00.000Z'), ...movies(2, '2022-01-01T00:00:00.000Z').map((m) => ({ ...m, id: `n-${m.id}` }))])};`,
        'const pick = (since) => docs.filter((d) => since === null || d.updated_at > since);',
        'export default async function* ({ since }) { for (const d of pick(since)) yield d; }',
        'export function count({ since }) { return pick(since).length; }',
      ].join('\n'),
    );
    p.manifest('movies', manifestYaml('movies', 'type: module\npath: ../data/movies.mjs'));
    await ok(p, ['create', 'movies']);
    const full = await p.cli(['update', 'movies-1']);
    expect(full.code).toBe(0);
    expect(full.stderr).toContain(`movies: fill ${p.prefix}movies-1… (8 docs)`);
    expect(full.stdout).toContain(`${p.prefix}movies-1: 8 docs (full)`);
    const since = await ok(p, ['update', 'movies-1', '--since', '2021-06-01T00:00:00Z', '--json']);
    expect(since.json().updates[0]).toMatchObject({ mode: 'incremental', docs: 2 });
  });
});

describe('esm update: failures', () => {
  it('a document the mapping rejects fails the update (exit 1), naming its id; recorded failed', async () => {
    const docs: Movie[] = movies(20);
    docs[6] = { ...docs[6]!, rating: 5 };
    const p = moviesProject(docs);
    await ok(p, ['create', 'movies']);
    const r = await p.cli(['update', 'movies-1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // Progress lines, then one error line.
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('esm: '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^esm: 1 of 20 documents failed to index into \S+movies-1: m-7: strict_dynamic_mapping_exception/);
    const action = (await history(p)).find((a) => a.action === 'update');
    expect(action).toMatchObject({ action: 'update', status: 'failed', docsAffected: 19 });
    expect(action!.error).toContain('m-7');
  });

  it('a malformed ndjson line fails with file:line, is recorded failed, and activates nothing', async () => {
    const p = moviesProject([]);
    p.write('data/movies.ndjson', [...movies(3).map((m) => JSON.stringify(m)), '{"id": "m-4", "title": ', JSON.stringify(movies(5)[4])].join('\n') + '\n');
    await ok(p, ['create', 'movies']);
    await activate(p, 'movies', 1);
    await ok(p, ['create', 'movies', '--force']);
    const r = await p.cli(['update', 'movies', '--newer', '--batch-size', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`esm: ${path.join('data', 'movies.ndjson')}:4: invalid JSON`);
    expect(await aliasTargets(p, 'movies')).toEqual([`${p.prefix}movies-1`]);
    const action = (await history(p)).find((a) => a.action === 'update');
    expect(action).toMatchObject({ action: 'update', instance: `${p.prefix}movies-2`, status: 'failed', docsAffected: 2 });
    // The first batch (2 documents) was sent before line 4 was read; the third was not.
    expect(await countDocs(`${p.prefix}movies-2`)).toBe(2);
  });

  it('an unreachable cluster is a clear error (exit 1)', async () => {
    const p = moviesProject(movies(1));
    const r = await p.cli(['update', 'movies-1'], { env: { ESM_URL: 'http://127.0.0.1:9' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^esm: .*127\.0\.0\.1:9/);
  });
});

describe('esm update: Ctrl-C', () => {
  it('stops on SIGINT: exit 130 "interrupted", action aborted with where it stopped, settings restored, alias unmoved; the same update resumes it', async () => {
    const p = moviesProject([]);
    const total = 300_000;
    const out = createWriteStream(path.join(p.dir, 'data/movies.ndjson'));
    for (let i = 1; i <= total; i++) {
      if (!out.write(`{"id":"m-${i}","title":"Movie number ${i}","updated_at":"${OLD}"}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await ok(p, ['create', 'movies']);
    await activate(p, 'movies', 1);
    await ok(p, ['create', 'movies', '--force']);

    const { code, stdout, stderr, sent } = await interruptDuringFill(['update', 'movies', '--newer'], { cwd: p.dir, env: p.env });
    expect(sent, `no progress line before the end:\n${stderr}`).toBe(true);
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/\nesm: stopping… \(SIGINT\)/);
    expect(stderr).toMatch(/esm: interrupted: filling \S+movies-2 was interrupted at [\d,]+ of 300,000 documents \(\.\.\/data\/movies\.ndjson byte [\d,]+ \(line [\d,]+\)\); nothing was activated, and the next run resumes from there; it is recorded as aborted \(run the same esm update again to finish it\)/);

    const action = (await history(p)).find((a) => a.action === 'update');
    expect(action).toMatchObject({ action: 'update', instance: `${p.prefix}movies-2`, status: 'aborted' });
    expect(action!.docsAffected).toBeGreaterThan(0);
    expect(action!.docsAffected).toBeLessThan(total);
    expect(await aliasTargets(p, 'movies')).toEqual([`${p.prefix}movies-1`]);
    const settings = await rawClient().indices.getSettings({ index: `${p.prefix}movies-2` });
    expect(settings[`${p.prefix}movies-2`]!.settings!.index!.refresh_interval).toBeUndefined();
    const { body } = await rawClient().indices.getMapping({ index: `${p.prefix}movies-2` }, { meta: true });
    expect((body[`${p.prefix}movies-2`]!.mappings._meta as { esm: { filledAt: string | null } }).esm.filledAt).toBeNull();

    // The same update again goes on from where the fill stopped, and ends with every document.
    const again = await ok(p, ['update', 'movies', '--newer']);
    expect(again.stderr).toContain(`movies: resuming ${p.prefix}movies-2 from ${action!.docsAffected!.toLocaleString('en-US')} / 300,000`);
    expect(await countDocs(`${p.prefix}movies-2`)).toBe(total);
  }, 240_000);
});

describe('esm update: ndjson documents as the file has them', () => {
  it('sends each line as written: a number JSON would round reaches the cluster unchanged', async () => {
    const p = tempProject('raw');
    p.manifest('movies', manifestYaml('movies', ndjsonSource('data/movies.ndjson')));
    // A title given as a number beyond 2^53: JSON.parse would make it 12345678901234567000.
    p.write('data/movies.ndjson', `{"id":"m-1","title":12345678901234567890,"updated_at":"${OLD}"}\n{ "id" : "m-2", "title":"spaced out" ,"updated_at":"${OLD}" }\n`);
    await ok(p, ['create', 'movies']);
    await ok(p, ['update', 'movies-1', '--full']);
    const get = async (id: string) => (await fetch(`${esUrl()}/${p.prefix}movies-1/_source/${id}`)).text();
    expect(await get('m-1')).toBe(`{"id":"m-1","title":12345678901234567890,"updated_at":"${OLD}"}`);
    expect(await get('m-2')).toBe(`{ "id" : "m-2", "title":"spaced out" ,"updated_at":"${OLD}" }`);
  });
});
