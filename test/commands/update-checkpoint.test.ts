/**
 * `esm update --since` never moves the incremental checkpoint past changes it
 * did not send (issue: a --since run after a change made that change stale for
 * good). Against the real node.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { esm, metaOf, movieManifest, movies, type Movie } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

async function titleOf(index: string, id: string): Promise<string> {
  const doc = await rawClient().get<{ title: string }>({ index, id });
  return doc._source!.title;
}

/** A time strictly later than every time taken before (the real clock, a few ms apart). */
async function tick(): Promise<string> {
  await sleep(5);
  const t = new Date().toISOString();
  await sleep(5);
  return t;
}

/** A project whose `movies` (n documents from an ndjson file) is applied. */
async function appliedMovies(n: number): Promise<{ p: TempProject; docs: Movie[] }> {
  const p = tempProject('upc');
  const docs = movies(n);
  p.manifest('movies', movieManifest());
  p.write('data/movies.ndjson', ndjson(docs));
  await esm(p, ['apply', '--auto-approve']);
  return { p, docs };
}

describe('esm update --since and the incremental checkpoint', () => {
  it('a --since later than the last update sends what changed after it, and the next incremental update still sends the earlier change', async () => {
    const { p, docs } = await appliedMovies(5);
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;
    const checkpoint = (await metaOf(index)).lastUpdateAt;

    docs[0] = { ...docs[0]!, title: 'A changed', updated_at: await tick() };
    p.write('data/movies.ndjson', ndjson(docs));
    const since = await tick();
    docs[1] = { ...docs[1]!, title: 'B changed', updated_at: await tick() };
    p.write('data/movies.ndjson', ndjson(docs));

    const partial = (await esm(p, ['update', 'movies', '--since', since, '--json'])).json<{ updates: { docs: number }[] }>();
    expect(partial.updates[0]!.docs).toBe(1);
    expect(await titleOf(index, 'm-2')).toBe('B changed');
    expect(await titleOf(index, 'm-1')).toBe('Movie 1');
    // The changes between the checkpoint and --since were not sent: the checkpoint stays.
    expect((await metaOf(index)).lastUpdateAt).toBe(checkpoint);

    const next = (await esm(p, ['update', 'movies', '--json'])).json<{ updates: { docs: number; since: string }[] }>();
    expect(next.updates[0]!.since).toBe(checkpoint);
    expect(next.updates[0]!.docs).toBe(2);
    expect(await titleOf(index, 'm-1')).toBe('A changed');
    expect(Date.parse(String((await metaOf(index)).lastUpdateAt))).toBeGreaterThan(Date.parse(String(checkpoint)));
  });

  it('a --since at or before the last update covers everything after the checkpoint, so the checkpoint moves on', async () => {
    const { p, docs } = await appliedMovies(3);
    const index = `${p.prefix}movies-1`;
    const checkpoint = String((await metaOf(index)).lastUpdateAt);
    docs[0] = { ...docs[0]!, title: 'A changed', updated_at: await tick() };
    p.write('data/movies.ndjson', ndjson(docs));

    const r = (await esm(p, ['update', 'movies', '--since', '2021-01-01', '--json'])).json<{ updates: { docs: number }[] }>();
    expect(r.updates[0]!.docs).toBe(1);
    expect(Date.parse(String((await metaOf(index)).lastUpdateAt))).toBeGreaterThan(Date.parse(checkpoint));
    const next = (await esm(p, ['update', 'movies', '--json'])).json<{ updates: { docs: number }[] }>();
    expect(next.updates[0]!.docs).toBe(0);
  });
});
