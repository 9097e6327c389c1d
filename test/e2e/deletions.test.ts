/**
 * SPEC §3 "Deletions": at activation a new instance holds exactly the source's
 * documents — none missing, none stale, none left over. The seed's deployment
 * flow (pre-deploy `apply --no-activate`, then `apply`) with documents added,
 * changed, soft-deleted (deletedField) and hard-deleted before, during and
 * after the pre-deploy fill, compared document by document against the real
 * node. "During" is exact: the module source applies the change itself
 * halfway through its stream.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { aliasTargets, esm } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject } from '../support/project.js';

interface Doc {
  id: string;
  title: string;
  updated_at: string;
  deleted?: boolean | string;
}

const OLD = '2020-01-01T00:00:00.000Z';

/** A module source over data/movies.json; `data/during.json` (if present) is applied once, halfway through a read. */
const MODULE = `
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
const file = new URL('./movies.json', import.meta.url);
const during = new URL('./during.json', import.meta.url);
const load = () => JSON.parse(readFileSync(file, 'utf8'));
function save(docs) {
  writeFileSync(new URL('./movies.json.tmp', import.meta.url), JSON.stringify(docs));
  renameSync(new URL('./movies.json.tmp', import.meta.url), file);
}
function applyDuring() {
  if (!existsSync(during)) return;
  const change = JSON.parse(readFileSync(during, 'utf8'));
  unlinkSync(during);
  const now = new Date().toISOString();
  let docs = load().filter((d) => !change.hardDelete.includes(d.id));
  docs = docs.map((d) => change.change.includes(d.id) ? { ...d, title: d.title + ' (changed during)', updated_at: now }
    : change.softDelete.includes(d.id) ? { ...d, deleted: true, updated_at: now } : d);
  for (const id of change.add) docs.push({ id, title: 'added during ' + id, updated_at: now });
  save(docs);
}
export default async function* ({ since }) {
  const docs = load();
  let n = 0;
  for (const d of docs) {
    if (since === null || Date.parse(d.updated_at) > Date.parse(since)) yield d;
    if (++n === Math.floor(docs.length / 2)) applyDuring();
  }
}
export async function* ids() {
  for (const d of load()) if (!d.deleted) yield d.id;
}
`;

function manifest(titleType: 'text' | 'keyword', source: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'esm/v1',
    kind: 'IndexMaster',
    metadata: { name: 'movies' },
    spec: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: titleType }, updated_at: { type: 'date' }, deleted: { type: 'boolean' } } },
      source,
      idField: 'id',
      updatedField: 'updated_at',
      retention: { keepInactive: 1 },
      ...extra,
    },
  });
}

const docs = (from: number, to: number): Doc[] => Array.from({ length: to - from + 1 }, (_, i) => ({ id: `m-${from + i}`, title: `Movie ${from + i}`, updated_at: OLD }));

async function instanceDocs(alias: string): Promise<Map<string, Doc>> {
  await rawClient().indices.refresh({ index: alias });
  const res = await rawClient().search<Doc>({ index: alias, size: 10_000, query: { match_all: {} } });
  return new Map(res.hits.hits.map((h) => [h._id!, h._source!]));
}

/** Missing, stale and extra documents of the instance against the source's live documents. */
function compare(source: Doc[], held: Map<string, Doc>): { missing: string[]; stale: string[]; extra: string[] } {
  const live = source.filter((d) => !d.deleted);
  const ids = new Set(live.map((d) => d.id));
  return {
    missing: live.filter((d) => !held.has(d.id)).map((d) => d.id),
    stale: live.filter((d) => held.has(d.id) && JSON.stringify(held.get(d.id)) !== JSON.stringify(d)).map((d) => d.id),
    extra: [...held.keys()].filter((id) => !ids.has(id)),
  };
}

const now = () => new Date(Date.now() + 1).toISOString();

describe('the deployment flow keeps no deleted document and loses none', () => {
  it('module source with ids and deletedField: changes before, during and after the pre-deploy fill; 0 missing, 0 stale, 0 extra', async () => {
    const p = tempProject('del');
    const read = (): Doc[] => JSON.parse(readFileSync(`${p.dir}/data/movies.json`, 'utf8')) as Doc[];
    const write = (d: Doc[]) => p.write('data/movies.json', JSON.stringify(d));
    const mutate = (fn: (d: Doc[]) => Doc[]) => write(fn(read()));
    p.write('data/movies.mjs', MODULE);
    write(docs(1, 400));
    const source = { type: 'module', path: '../data/movies.mjs' };
    p.manifest('movies', manifest('text', source, { deletedField: 'deleted' }));
    await esm(p, ['apply', '--auto-approve']);
    const alias = `${p.prefix}movies`;
    expect(compare(read(), await instanceDocs(alias))).toEqual({ missing: [], stale: [], extra: [] });

    // The schema changes (a replace), and the plan says how deletions are found.
    p.manifest('movies', manifest('keyword', source, { deletedField: 'deleted' }));
    const plan = (await esm(p, ['plan', '--json'])).json<{ masters: { deletions?: { method: string }; reasons: string[] }[] }>();
    expect(plan.masters[0]!.deletions?.method).toBe('deleted_field_and_id_set');
    expect((await esm(p, ['plan'])).stdout).toMatch(/deletions: documents whose deleted is true or a date are deleted.*id-set comparison/);
    expect((await esm(p, ['plan', '--markdown'])).stdout).toContain('deletions:');

    // Before the pre-deploy fill.
    mutate((d) => [
      ...d.filter((x) => x.id !== 'm-1').map((x) => (x.id === 'm-2' ? { ...x, title: 'changed before', updated_at: now() } : x.id === 'm-3' ? { ...x, deleted: true, updated_at: now() } : x)),
      { id: 'b-1', title: 'added before', updated_at: now() },
    ]);
    // During it: early documents (already sent) and late ones (not yet sent).
    p.write('data/during.json', JSON.stringify({ change: ['m-10', 'm-390'], softDelete: ['m-11', 'm-391'], hardDelete: ['m-12', 'm-392'], add: ['d-1'] }));
    await esm(p, ['apply', '--auto-approve', '--no-activate']);
    expect(existsSync(`${p.dir}/data/during.json`)).toBe(false);
    expect(await aliasTargets(alias)).toEqual([`${alias}-1`]);

    // After it, before the post-deploy apply.
    mutate((d) => [
      ...d.filter((x) => x.id !== 'm-20').map((x) => (x.id === 'm-21' ? { ...x, title: 'changed after', updated_at: now() } : x.id === 'm-22' ? { ...x, deleted: true, updated_at: now() } : x)),
      { id: 'a-1', title: 'added after', updated_at: now() },
    ]);
    await esm(p, ['apply', '--auto-approve']);
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);

    const held = await instanceDocs(alias);
    expect(compare(read(), held)).toEqual({ missing: [], stale: [], extra: [] });
    expect(held.size).toBe(400 - 1 - 1 + 1 - 2 - 2 + 1 - 1 - 1 + 1);
    for (const gone of ['m-1', 'm-3', 'm-11', 'm-12', 'm-20', 'm-22', 'm-391', 'm-392']) expect(held.has(gone), gone).toBe(false);
  });

  it.each([
    ['ndjson, id set only', 'ndjson', {}],
    ['ndjson with deletedField', 'ndjson', { deletedField: 'deleted' }],
    ['sqlite, id set only', 'sqlite', {}],
  ] as const)('%s: documents deleted after the pre-deploy fill are not in the activated instance', async (_label, type, extra) => {
    const p = tempProject('deln');
    let data = docs(1, 50);
    const save = async () => {
      if (type === 'ndjson') p.write('data/movies.ndjson', ndjson(data));
      else await writeSqlite(`${p.dir}/data/movies.sqlite`, data);
    };
    await save();
    const source = type === 'ndjson' ? { type, path: '../data/movies.ndjson' } : { type, path: '../data/movies.sqlite', query: 'SELECT id, title, updated_at FROM movies WHERE :since IS NULL OR updated_at > :since' };
    p.manifest('movies', manifest('text', source, extra));
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('movies', manifest('keyword', source, extra));
    const plan = (await esm(p, ['plan', '--json'])).json<{ masters: { deletions?: { method: string } }[] }>();
    expect(plan.masters[0]!.deletions?.method).toBe('deletedField' in extra ? 'deleted_field_and_id_set' : 'id_set');
    await esm(p, ['apply', '--auto-approve', '--no-activate']);
    data = data.filter((d) => d.id !== 'm-5').map((d) => (d.id === 'm-6' ? { ...d, title: 'changed', updated_at: now() } : d));
    await save();
    const alias = `${p.prefix}movies`;
    // The comparison is a step of its own, before the activation (SPEC §13), shown in every form of the plan.
    const post = (await esm(p, ['plan', '--json'])).json<{ masters: { steps: { op: string; index?: string }[] }[]; summary: { prune: number } }>();
    expect(post.masters[0]!.steps.map((s) => s.op)).toEqual(['catch_up', 'prune', 'wait', 'activate']);
    expect(post.masters[0]!.steps[1]).toEqual({ op: 'prune', index: `${alias}-2` });
    expect(post.summary.prune).toBe(1);
    expect((await esm(p, ['plan'])).stdout).toContain(`- prune    ${alias}-2 (delete the documents whose id the source no longer has)`);
    expect((await esm(p, ['plan'])).stdout).toContain('1 to prune, 1 to activate');
    expect((await esm(p, ['plan', '--markdown'])).stdout).toContain(`- prune ${alias}-2 (delete the documents whose id the source no longer has)`);

    const applied = await esm(p, ['apply', '--auto-approve']);
    // Its progress, its count in the summary, its own history row.
    expect(applied.stderr).toMatch(new RegExp(`movies: prune ${alias}-2 done, 1 doc deleted in [\\d.]+m?s \\(compared the 50 document ids of ${alias}-2 with the source's 49\\)`));
    expect(applied.stdout).toContain(`prune ${alias}-2 (1 doc deleted)`);
    const history = (await esm(p, ['history', '--json'])).json<{ actions: { action: string; instance: string; status: string; docsAffected: number | null }[] }>();
    expect(history.actions.filter((a) => a.action === 'prune')).toEqual([
      expect.objectContaining({ instance: `${alias}-2`, status: 'complete', docsAffected: 1 }),
      expect.objectContaining({ instance: `${alias}-1`, status: 'complete', docsAffected: 0 }),
    ]);
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
    expect(compare(data, await instanceDocs(alias))).toEqual({ missing: [], stale: [], extra: [] });
  });

  it('apply --json lists the prune step with the documents it deleted', async () => {
    const p = tempProject('delj');
    let data = docs(1, 30);
    p.write('data/movies.ndjson', ndjson(data));
    const source = { type: 'ndjson', path: '../data/movies.ndjson' };
    p.manifest('movies', manifest('text', source));
    await esm(p, ['apply', '--auto-approve', '--no-activate']);
    data = data.filter((d) => !['m-3', 'm-4'].includes(d.id));
    p.write('data/movies.ndjson', ndjson(data));
    const r = (await esm(p, ['apply', '--auto-approve', '--json'])).json<{ masters: { steps: { op: string; index: string; status: string; docs?: number }[] }[] }>();
    const alias = `${p.prefix}movies`;
    expect(r.masters[0]!.steps).toContainEqual({ op: 'prune', index: `${alias}-1`, status: 'done', docs: 2 });
    expect(compare(data, await instanceDocs(alias))).toEqual({ missing: [], stale: [], extra: [] });
  });

  it('says when no deletion method applies: a module without ids, and no deletedField', async () => {
    const p = tempProject('delnone');
    p.write('data/movies.mjs', 'export default async function* () { yield { id: "m-1", title: "x", updated_at: "2020-01-01T00:00:00.000Z" }; }\n');
    p.manifest('movies', manifest('text', { type: 'module', path: '../data/movies.mjs' }));
    const plan = (await esm(p, ['plan', '--json'])).json<{ masters: { deletions?: { method: string; reason: string } }[] }>();
    expect(plan.masters[0]!.deletions).toMatchObject({ method: 'none', reason: expect.stringContaining('stays in the new instance') });
    expect((await esm(p, ['plan'])).stdout).toContain('deletions: none are found');
    expect((await esm(p, ['plan', '--markdown'])).stdout).toContain('deletions: none are found');
  });
});

async function writeSqlite(file: string, rows: Doc[]): Promise<void> {
  const { default: initSqlJs } = await import('sql.js');
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE movies (id TEXT PRIMARY KEY, title TEXT, updated_at TEXT)');
  for (const r of rows) db.run('INSERT INTO movies VALUES (?, ?, ?)', [r.id, r.title, r.updated_at]);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, db.export());
  db.close();
}
