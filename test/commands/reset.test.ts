/**
 * `esm reset --confirm <cluster-name>` against the real node: refused without
 * the cluster's name; with it, every managed index of the prefix goes (never a
 * foreign one), the state forgets masters and instances (the journal stays,
 * with a `reset` action), and everything is created again from the manifests.
 */
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { aliasTargets, countDocs, esm, indicesOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

async function clusterName(): Promise<string> {
  return (await rawClient().cluster.health()).cluster_name;
}

/** movies (two instances, the second active) and books, plus a foreign index under the prefix. */
async function deployed(): Promise<TempProject> {
  const p = tempProject('rst');
  p.manifest('movies', movieManifest());
  p.manifest('books', movieManifest({ name: 'books' }));
  p.write('data/movies.ndjson', ndjson(movies(12)));
  p.write('data/books.ndjson', ndjson(movies(7)));
  await esm(p, ['apply', '--auto-approve']);
  p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
  await esm(p, ['apply', '--auto-approve']);
  await rawClient().indices.create({ index: `${p.prefix}foreign-1` });
  return p;
}

describe('esm reset', () => {
  it('refuses without --confirm, or with another name, naming the cluster (exit 4), and changes nothing', async () => {
    const p = await deployed();
    const before = await indicesOf(p.prefix);
    const name = await clusterName();
    const none = await esm(p, ['reset'], 4);
    expect(none.stderr).toContain(`esm reset --confirm ${name}`);
    const wrong = await esm(p, ['reset', '--confirm', `${name}-not`], 4);
    expect(wrong.stderr).toMatch(/refusing to reset/);
    expect(await indicesOf(p.prefix)).toEqual(before);
  });

  it('drops every managed index, keeps foreign ones, and creates every master again', async () => {
    const p = await deployed();
    const m = `${p.prefix}movies`;
    const b = `${p.prefix}books`;
    expect(await indicesOf(p.prefix)).toEqual([`${b}-1`, `${p.prefix}foreign-1`, `${m}-1`, `${m}-2`]);

    const r = await esm(p, ['reset', '--confirm', await clusterName()]);
    expect(r.stdout).toContain(`Dropped 3 managed indices: ${b}-1, ${m}-1, ${m}-2`);
    expect(r.stdout).toMatch(/Apply complete/);

    // Numbers are never reused: the journal remembers them.
    expect(await indicesOf(p.prefix)).toEqual([`${b}-2`, `${p.prefix}foreign-1`, `${m}-3`]);
    expect(await aliasTargets(m)).toEqual([`${m}-3`]);
    expect(await aliasTargets(b)).toEqual([`${b}-2`]);
    expect(await countDocs(m)).toBe(12);
    expect(await countDocs(b)).toBe(7);

    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    try {
      const view = store.view();
      expect(view.instances.map((i) => i.name).sort()).toEqual([`${b}-2`, `${m}-3`]);
      const actions = store.listActions();
      const reset = actions.find((a) => a.action === 'reset');
      expect(reset).toMatchObject({ status: 'complete', master: null });
      // The journal from before the reset is kept.
      expect(actions.filter((a) => a.action === 'create').length).toBe(5);
      expect(actions.filter((a) => a.id > reset!.id).map((a) => a.action)).toContain('activate');
    } finally {
      store.close();
    }
    expect((await esm(p, ['plan', '--json'])).json().masters.map((x: { decision: string }) => x.decision)).toEqual(['noop', 'noop']);
  });

  it('--json prints the dropped indices and the apply result', async () => {
    const p = await deployed();
    const r = await esm(p, ['reset', '--confirm', await clusterName(), '--json']);
    const doc = r.json();
    expect(doc.dropped).toHaveLength(3);
    expect(doc.ok).toBe(true);
    expect(doc.masters.map((x: { name: string }) => x.name)).toEqual(['books', 'movies']);
  });
});
