/**
 * `esm clear` against the real node. The test node has no `_delete_by_query`,
 * so this runs the scan + bulk-delete path.
 */
import { describe, expect, it } from 'vitest';
import { rawClient } from '../support/es.js';
import { actions, aliasTargets, expectNothingChanged, expectOneLineError, instance, ok, project } from './helpers.js';

async function count(index: string): Promise<number> {
  await rawClient().indices.refresh({ index });
  return (await rawClient().count({ index })).count;
}

async function esmMeta(index: string): Promise<Record<string, unknown>> {
  const res = await rawClient().indices.getMapping({ index });
  return (res[index]!.mappings._meta as { esm: Record<string, unknown> }).esm;
}

describe('esm clear', () => {
  it("with --force empties the master's active instance, keeps its schema and alias, and records the documents deleted", async () => {
    const p = project('clr', { movies: { docs: 30 } });
    const one = await instance(p, 'movies');
    await ok(p, ['activate', 'movies']);
    const mappingBefore = (await rawClient().indices.getMapping({ index: one }))[one]!.mappings.properties;

    const r = await ok(p, ['clear', 'movies', '--force']);
    expect(r.stdout).toBe(`cleared ${one}: 30 documents deleted\n`);
    expect(await count(one)).toBe(0);
    expect((await rawClient().indices.getMapping({ index: one }))[one]!.mappings.properties).toEqual(mappingBefore);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([one]);

    const [last] = await actions(p);
    expect(last).toMatchObject({ action: 'clear', master: 'movies', instance: one, status: 'complete', docsAffected: 30, argv: ['esm', 'clear', 'movies', '--force'] });
    // Cleared: it counts as never filled, so the next update is a full one.
    expect(await esmMeta(one)).toMatchObject({ filledAt: null, lastUpdateAt: null });
    const listed = (await ok(p, ['list', '--json'])).json();
    expect(listed.masters[0].instances[0]).toMatchObject({ docs: 0, status: 'active' });
  });

  it('clears a named instance ("movies-2" or "movies 2") and leaves the others alone', async () => {
    const p = project('clrinst', { movies: { docs: 7 } });
    const one = await instance(p, 'movies');
    const two = await instance(p, 'movies');
    await ok(p, ['activate', 'movies-1']);
    const r = await ok(p, ['clear', 'movies', '2', '--json']);
    expect(r.json()).toEqual({ master: 'movies', index: two, deleted: 7 });
    expect(await count(two)).toBe(0);
    expect(await count(one)).toBe(7);
    expect((await ok(p, ['list', '--json'])).json().masters[0].instances[1]).toMatchObject({ name: two, status: 'unfilled' });
    // Clearing an empty instance deletes nothing and says so.
    expect((await ok(p, ['clear', 'movies-2'])).stdout).toBe(`cleared ${two}: 0 documents deleted\n`);
  });

  it('needs an active instance or an existing one (exit 3, nothing changed)', async () => {
    const p = project('clrno', { movies: {}, books: {} });
    await instance(p, 'movies');
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['clear', 'movies']), 3, new RegExp(`movies has no active instance to clear; name the instance, e.g. esm clear ${p.prefix}movies-1`));
      expectOneLineError(await p.cli(['clear', 'books']), 3, /^esm: books has no instance to clear\n$/);
      expectOneLineError(await p.cli(['clear', 'movies-3']), 3, new RegExp(`${p.prefix}movies-3 does not exist`));
      expectOneLineError(await p.cli(['clear', 'films']), 3, /unknown master or instance "films" \(known masters: books, movies\)/);
    });
  });

  it('--help says there is no confirmation', async () => {
    const p = project('clrhelp');
    const r = await p.cli(['clear', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NO confirmation/);
    expect(r.stdout).toMatch(/^Examples$/m);
  });
});
