/** `esm drop` against the real node: naming forms, --older, the active-instance guard, all-or-nothing checks. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rawClient } from '../support/es.js';
import { actions, aliasTargets, expectNothingChanged, expectOneLineError, expectUsageError, instance, ok, project } from './helpers.js';

const exists = (index: string) => rawClient().indices.exists({ index });

describe('esm drop', () => {
  it('drops the instances named as movies-N, several at once, or as "movies N M"; numbers are not reused', async () => {
    const p = project('drop');
    for (let i = 0; i < 5; i++) await instance(p, 'movies', { fill: false });
    const name = (n: number) => `${p.prefix}movies-${n}`;

    expect((await ok(p, ['drop', 'movies-1'])).stdout).toBe(`dropped ${name(1)}\n`);
    expect((await ok(p, ['drop', 'movies-2', `${p.prefix}movies-3`])).stdout).toBe(`dropped ${name(2)}, ${name(3)}\n`);
    const r = await ok(p, ['drop', 'movies', '4', '5', '--json']);
    expect(r.json()).toEqual({ dropped: [name(4), name(5)] });
    for (const n of [1, 2, 3, 4, 5]) expect(await exists(name(n))).toBe(false);

    const journal = (await actions(p)).filter((a) => a.action === 'drop');
    expect(journal.map((a) => [a.instance, a.status])).toEqual([5, 4, 3, 2, 1].map((n) => [name(n), 'complete']));
    // The next instance gets number 6, not 1.
    expect(await instance(p, 'movies', { fill: false })).toBe(name(6));
  });

  it('refuses the active instance (exit 4) and checks every target before deleting any; --force drops it and its alias', async () => {
    const p = project('dropact');
    await instance(p, 'movies');
    await instance(p, 'movies');
    await ok(p, ['activate', 'movies-2']);
    await expectNothingChanged(p, async () => {
      const r = await p.cli(['drop', 'movies-1', 'movies-2']);
      expectOneLineError(r, 4, new RegExp(`^esm: ${p.prefix}movies-2 is the active instance of movies .*Pass --force`));
    });
    expect(await exists(`${p.prefix}movies-1`)).toBe(true);

    await ok(p, ['drop', 'movies-2', '--force']);
    expect(await exists(`${p.prefix}movies-2`)).toBe(false);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([]);
    const listed = (await ok(p, ['list', '--json'])).json();
    expect(listed.masters[0]).toMatchObject({ active: null, instances: [{ name: `${p.prefix}movies-1`, status: 'filled' }] });
  });

  it('--older drops every instance older than the active one', async () => {
    const p = project('dropold');
    for (let i = 0; i < 4; i++) await instance(p, 'movies');
    await ok(p, ['activate', 'movies-3']);
    expect((await ok(p, ['drop', 'movies', '--older'])).stdout).toBe(`dropped ${p.prefix}movies-1, ${p.prefix}movies-2\n`);
    expect(await exists(`${p.prefix}movies-3`)).toBe(true);
    expect(await exists(`${p.prefix}movies-4`)).toBe(true);
    expect((await ok(p, ['drop', 'movies', '--older'])).stdout).toBe('nothing to drop: no instance is older than the active one\n');
  });

  it('refuses --older without an active instance (exit 4) and with an instance (exit 3)', async () => {
    const p = project('dropoldno');
    await instance(p, 'movies', { fill: false });
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['drop', 'movies', '--older']), 4, /movies has no active instance, so no instance is "older"/);
      expectOneLineError(await p.cli(['drop', 'movies-1', '--older']), 3, /--older takes one master/);
    });
  });

  it('unknown instances and masters are invalid input (exit 3), nothing deleted', async () => {
    const p = project('dropunk', { movies: {}, books: {} });
    await instance(p, 'movies', { fill: false });
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['drop', 'movies-1', 'movies-7']), 3, new RegExp(`${p.prefix}movies-7 does not exist \\(instances of movies: ${p.prefix}movies-1\\)`));
      expectOneLineError(await p.cli(['drop', 'films-1']), 3, /unknown instance "films-1" \(known masters: books, movies\)/);
      expectOneLineError(await p.cli(['drop', 'movies']), 3, /"movies" is a master, not an instance/);
      expectUsageError(await p.cli(['drop']), /Not enough positional arguments/);
    });
  });

  it("drops an orphan's instances (its manifest is gone)", async () => {
    const p = project('droporph', { movies: {}, old: {} });
    await instance(p, 'old', { fill: false });
    rmSync(`${p.manifestsDir}/old.yaml`);
    await ok(p, ['drop', 'old-1']);
    expect(await exists(`${p.prefix}old-1`)).toBe(false);
  });
});
