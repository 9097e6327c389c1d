/**
 * The prune step's id-set comparison on a real node, with runs small enough that both
 * sides spill to disk and are merged back (SPEC §13: bounded memory): it deletes
 * exactly the documents whose id the source no longer has — from an ndjson source and
 * from a reindex source's index — and leaves no temporary file behind.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig, Session } from '../../src/index.js';
import { pruneMissing } from '../../src/operations/prune.js';
import { esm, movieManifest, movies } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject } from '../support/project.js';
import { rng } from '../support/rng.js';
import { scratchDir } from '../support/scratch.js';

async function idsOf(index: string): Promise<string[]> {
  await rawClient().indices.refresh({ index });
  const ids: string[] = [];
  let page = await rawClient().search({ index, size: 1000, scroll: '1m', _source: false, sort: ['_doc'] });
  while (page.hits.hits.length > 0) {
    ids.push(...page.hits.hits.map((h) => h._id!));
    page = await rawClient().scroll({ scroll_id: page._scroll_id!, scroll: '1m' });
  }
  await rawClient().clearScroll({ scroll_id: page._scroll_id! }).catch(() => undefined);
  return ids.sort();
}

describe('prune on a real node, both sides spilled to disk', () => {
  it('ndjson source: deletes exactly the ids the source lost, whatever the order, and removes its run files', async () => {
    const p = tempProject('prs');
    const n = 3_000;
    const all = movies(n);
    p.write('data/movies.ndjson', ndjson(all));
    p.manifest('movies', movieManifest());
    await esm(p, ['apply', '--auto-approve']);
    const index = `${p.prefix}movies-1`;
    expect(await idsOf(index)).toHaveLength(n);

    // The source loses 137 documents, gains 40 the instance never had, and is shuffled.
    const r = rng(21);
    const gone = new Set<string>();
    while (gone.size < 137) gone.add(`m-${1 + Math.floor(r() * n)}`);
    const now = [...all.filter((d) => !gone.has(d.id)), ...movies(40, { from: n + 1 })].sort(() => r() - 0.5);
    p.write('data/movies.ndjson', ndjson(now));

    const tmpDir = scratchDir('prune-runs');
    const s = new Session(await resolveConfig({}, p.env, p.dir));
    const manifest = await s.manifest('movies');
    const progress: number[] = [];
    let total: number | undefined;
    try {
      const res = await pruneMissing(s, manifest, index, {
        sort: { runIds: 100, tmpDir },
        onStart: (i) => (total = i.total),
        onProgress: (pr) => progress.push(pr.done),
      });
      expect(res).toEqual({ index, deleted: 137, sourceIds: n - 137 + 40, instanceIds: n, sourceUnchanged: false });
    } finally {
      await s.close();
    }
    expect(await idsOf(index)).toEqual(all.map((d) => d.id).filter((id) => !gone.has(id)).sort());
    // Both sides were read: the source's ids and the instance's, as the total said.
    expect(total).toBe(n - 137 + 40 + n);
    expect(progress.at(-1)).toBe(total);
    expect(readdirSync(tmpDir)).toEqual([]);
    const history = (await esm(p, ['history', '--json'])).json<{ actions: Array<{ action: string; status: string; docsAffected: number | null }> }>();
    expect(history.actions[0]).toMatchObject({ action: 'prune', status: 'complete', docsAffected: 137 });
  });

  it('reindex source: compares with the ids of the index it reads', async () => {
    const p = tempProject('prr');
    p.write('data/films.ndjson', ndjson(movies(500)));
    p.manifest('films', movieManifest({ name: 'films' }));
    p.manifest('movies', movieManifest({ data: null }).replace('spec:', 'spec:\n  source: { type: reindex, from: films }'));
    const applied = await esm(p, ['apply', '--auto-approve']);
    const index = `${p.prefix}movies-1`;
    expect(await idsOf(index)).toHaveLength(500);
    // Nothing wrote to films while the copy ran: its write mark says so, and the apply's prune compared nothing.
    expect(applied.stderr).toContain(`movies: prune ${index} done, 0 docs deleted`);
    expect(applied.stderr).toContain(`(no document of the source was written or deleted since the copy into ${index} began, and both hold 500: no id comparison needed)`);
    // Documents leave the index the reindex source reads.
    const gone = ['m-7', 'm-70', 'm-301', 'm-499'];
    for (const id of gone) await rawClient().delete({ index: `${p.prefix}films`, id, refresh: true });

    const s = new Session(await resolveConfig({}, p.env, p.dir));
    try {
      const res = await pruneMissing(s, await s.manifest('movies'), index, { sort: { runIds: 37, tmpDir: scratchDir('prune-runs') } });
      expect(res).toMatchObject({ deleted: 4, sourceIds: 496, instanceIds: 500, sourceUnchanged: false });
    } finally {
      await s.close();
    }
    expect(await idsOf(index)).toEqual(await idsOf(`${p.prefix}films`));
  });

  it('reindex source: skips the comparison only while the source bears the mark taken before the copy', async () => {
    const p = tempProject('prm');
    p.write('data/films.ndjson', ndjson(movies(300)));
    p.manifest('films', movieManifest({ name: 'films' }));
    p.manifest('movies', movieManifest({ data: null }).replace('spec:', 'spec:\n  source: { type: reindex, from: films }'));
    await esm(p, ['apply', '--auto-approve']);
    const index = `${p.prefix}movies-1`;
    const films = `${p.prefix}films`;
    // The instance gains a document the source never had, the source one the instance never had:
    // both hold 301, so only the mark tells that the source was written.
    await rawClient().index({ index, id: 'stale', document: { id: 'stale', title: 'Stale' }, refresh: true });
    const s = new Session(await resolveConfig({}, p.env, p.dir));
    try {
      const cluster = await s.cluster();
      const mark = (await cluster.writeMark(films))!;
      await rawClient().index({ index: films, id: 'm-new', document: { id: 'm-new', title: 'New' }, refresh: true });
      const res = await pruneMissing(s, await s.manifest('movies'), index, { sourceMark: mark });
      expect(res).toMatchObject({ deleted: 1, sourceIds: 301, instanceIds: 301, sourceUnchanged: false });
      // Unwritten since a mark, the source is not read again.
      await rawClient().delete({ index: films, id: 'm-new', refresh: true });
      const unchanged = await pruneMissing(s, await s.manifest('movies'), index, { sourceMark: (await cluster.writeMark(films))! });
      expect(unchanged).toEqual({ index, deleted: 0, sourceIds: 300, instanceIds: 300, sourceUnchanged: true });
    } finally {
      await s.close();
    }
    expect(await idsOf(index)).toEqual(await idsOf(films));
  });
});
