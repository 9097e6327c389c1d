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
      expect(res).toEqual({ index, deleted: 137, sourceIds: n - 137 + 40, instanceIds: n });
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
    await esm(p, ['apply', '--auto-approve']);
    const index = `${p.prefix}movies-1`;
    expect(await idsOf(index)).toHaveLength(500);
    // Documents leave the index the reindex source reads.
    const gone = ['m-7', 'm-70', 'm-301', 'm-499'];
    for (const id of gone) await rawClient().delete({ index: `${p.prefix}films`, id, refresh: true });

    const s = new Session(await resolveConfig({}, p.env, p.dir));
    try {
      const res = await pruneMissing(s, await s.manifest('movies'), index, { sort: { runIds: 37, tmpDir: scratchDir('prune-runs') } });
      expect(res).toMatchObject({ deleted: 4, sourceIds: 496, instanceIds: 500 });
    } finally {
      await s.close();
    }
    expect(await idsOf(index)).toEqual(await idsOf(`${p.prefix}films`));
  });
});
