/** `esm activate` and `esm rollback` against the real node: the ways to name an instance, the guards, --force. */
import { describe, expect, it } from 'vitest';
import { rawClient } from '../support/es.js';
import { ndjson } from '../support/project.js';
import { actions, aliasTargets, expectNothingChanged, expectOneLineError, expectUsageError, instance, movies, ok, project } from './helpers.js';

describe('esm activate', () => {
  it('activates the latest instance, then the one named as movies-N, "movies N" or "movies movies-N"', async () => {
    const p = project('act');
    const one = await instance(p, 'movies');
    const two = await instance(p, 'movies');
    const alias = `${p.prefix}movies`;

    const latest = await ok(p, ['activate', 'movies']);
    expect(latest.stdout).toBe(`${alias} → ${two}\n`);
    expect(await aliasTargets(alias)).toEqual([two]);

    expect((await ok(p, ['activate', 'movies-1'])).stdout).toBe(`${alias} → ${one} (was ${two})\n`);
    expect(await aliasTargets(alias)).toEqual([one]);
    await ok(p, ['activate', 'movies', '2']);
    expect(await aliasTargets(alias)).toEqual([two]);
    await ok(p, ['activate', 'movies', 'movies-1']);
    expect(await aliasTargets(alias)).toEqual([one]);
    await ok(p, ['activate', `${p.prefix}movies-2`]);
    expect(await aliasTargets(alias)).toEqual([two]);

    const journal = (await actions(p)).filter((a) => a.action === 'activate');
    expect(journal.map((a) => a.instance)).toEqual([two, one, two, one, two]);
    expect(journal[0]).toMatchObject({ status: 'complete', master: 'movies', argv: ['esm', 'activate', `${p.prefix}movies-2`] });
  });

  it('--json prints the swap; activating the active instance again changes nothing and says so', async () => {
    const p = project('actjson');
    const one = await instance(p, 'movies');
    const r = await ok(p, ['activate', 'movies', '--json']);
    expect(r.json()).toEqual({ master: 'movies', alias: `${p.prefix}movies`, from: null, to: one, changed: true, message: `${p.prefix}movies → ${one}` });
    const before = (await actions(p)).length;
    const again = await ok(p, ['activate', 'movies-1']);
    expect(again.stdout).toBe(`${one} is already active behind ${p.prefix}movies\n`);
    expect((await actions(p)).length).toBe(before);
  });

  it('refuses an instance that was never filled (exit 4, nothing changed); --force activates it', async () => {
    const p = project('actunf');
    const one = await instance(p, 'movies');
    await ok(p, ['activate', 'movies']);
    const two = await instance(p, 'movies', { fill: false });
    await expectNothingChanged(p, async () => {
      const r = await p.cli(['activate', 'movies']);
      expectOneLineError(r, 4, new RegExp(`^esm: ${two} was never filled; fill it first .* or pass --force\\n$`));
      expect(r.stdout).toBe('');
    });
    await ok(p, ['activate', 'movies', '--force']);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([two]);
    expect(one).not.toBe(two);
  });

  it('refuses an instance below activation.minDocRatio of the active one (exit 4); --force activates it', async () => {
    const p = project('actratio', { movies: { docs: 10, minDocRatio: 0.9 } });
    p.write('data/few.ndjson', ndjson(movies(8)));
    const one = await instance(p, 'movies');
    await ok(p, ['activate', 'movies-1']);
    const two = await instance(p, 'movies', { data: 'data/few.ndjson' });
    await expectNothingChanged(p, async () => {
      const r = await p.cli(['activate', 'movies-2']);
      expectOneLineError(r, 4, new RegExp(`${two} holds 8 documents, fewer than activation.minDocRatio 0.9 × 10 of the active ${one}`));
    });
    const forced = await ok(p, ['activate', 'movies-2', '--force']);
    expect(forced.stdout).toBe(`${p.prefix}movies → ${two} (was ${one})\n`);
  });

  it('moves the alias once the instance is placed: waits for yellow where replicas can never be placed, gives up past --wait-timeout (exit 1, alias stays)', async () => {
    const p = project('actwait');
    const one = await instance(p, 'movies');
    const placed = await ok(p, ['activate', 'movies']);
    // Green already: nothing to wait for, nothing said.
    expect(placed.stderr).not.toContain('waiting for');
    const alias = `${p.prefix}movies`;

    // One replica on a one-node cluster: yellow for ever; said, and waited for as yellow.
    const two = await instance(p, 'movies');
    await rawClient().indices.putSettings({ index: two, settings: { number_of_replicas: 1 } });
    const yellow = await ok(p, ['activate', 'movies-2']);
    expect(yellow.stderr).toContain(`warning: ${two} has 1 replica of each shard and the cluster 1 data node: it can never be green; activation waits for yellow (every primary active)`);
    expect(yellow.stderr).toMatch(new RegExp(`waiting for ${two} to be yellow before the alias moves \\(now yellow, 1 of 2 shard copies active \\(1 unassigned\\), 1 data node; at most 30m, --wait-timeout\\)`));
    expect(await aliasTargets(alias)).toEqual([two]);

    // An instance whose primary no node may hold (made as esm made the others, then re-created so): red.
    const three = await instance(p, 'movies', { fill: false });
    const made = (await rawClient().indices.get({ index: three }))[three]!;
    await rawClient().indices.delete({ index: three });
    await rawClient().indices.create({
      index: three,
      mappings: made.mappings!,
      settings: { number_of_shards: 1, number_of_replicas: 0, 'index.routing.allocation.require._name': 'no-such-node' },
      wait_for_active_shards: 0,
    });
    const journal = (await actions(p)).length;
    {
      const r = await p.cli(['activate', 'movies-3', '--force', '--wait-timeout', '2s']);
      expect(r.stderr).toContain(`waiting for ${three} to be green before the alias moves (now red, 0 of 1 shard copies active (1 unassigned), 1 data node; at most 2s, --wait-timeout)`);
      expect(r.code, r.stderr).toBe(1);
      // The note, then the error: one line each.
      expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^waiting for /), expect.stringMatching(/^esm: /), '']);
      expect(r.stderr).toMatch(new RegExp(`esm: ${three} did not turn green within 2s \\(--wait-timeout\\): red, 0 of 1 shard copies active \\(1 unassigned\\).*It was not activated: the alias stays where it was\\. Run esm activate again`));
    }
    expect(await aliasTargets(alias)).toEqual([two]);
    // The swap was never tried: no activation of it in the history.
    expect((await actions(p)).slice(journal).filter((a) => a.action === 'activate' && a.status === 'complete')).toEqual([]);
    await rawClient().indices.delete({ index: three });
    expect(one).not.toBe(two);
  });

  it('names the known masters for an unknown master, and the instances for an unknown instance (exit 3)', async () => {
    const p = project('actunk', { movies: {}, books: {} });
    await instance(p, 'movies');
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['activate', 'films']), 3, /unknown master or instance "films" \(known masters: books, movies\)/);
      expectOneLineError(await p.cli(['activate', 'films', '2']), 3, /unknown master "films" \(known masters: books, movies\)/);
      expectOneLineError(await p.cli(['activate', 'movies-9']), 3, new RegExp(`movies has no ${p.prefix}movies-9 to activate \\(instances: ${p.prefix}movies-1\\)`));
      expectOneLineError(await p.cli(['activate', 'movies', 'two']), 3, /"two" is not an instance of movies/);
      expectOneLineError(await p.cli(['activate', 'books']), 3, /books has no instance to activate \(instances: none\)/);
      expectUsageError(await p.cli(['activate', 'movies', '--bogus']), /^esm: unknown option --bogus for esm activate$/);
      expectUsageError(await p.cli(['activate']), /Not enough positional arguments/);
    });
  });
});

describe('esm rollback', () => {
  it('goes back to the previously active instance, and forth again', async () => {
    const p = project('rb');
    const one = await instance(p, 'movies');
    const two = await instance(p, 'movies');
    await ok(p, ['activate', 'movies-1']);
    await ok(p, ['activate', 'movies-2']);
    expect((await ok(p, ['rollback', 'movies'])).stdout).toMatch(new RegExp(`\n${p.prefix}movies → ${one} \\(was ${two}\\)\n$`));
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([one]);
    const back = await ok(p, ['rollback', 'movies', '--json']);
    expect(back.json()).toMatchObject({ from: one, to: two, changed: true });
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([two]);
  });

  it('refuses when no earlier active instance is recorded (exit 4), and keeps the guards unless --force', async () => {
    const p = project('rbno', { movies: { docs: 10, minDocRatio: 0.9 } });
    p.write('data/few.ndjson', ndjson(movies(3)));
    await instance(p, 'movies', { data: 'data/few.ndjson' });
    await instance(p, 'movies');
    await ok(p, ['activate', 'movies-2']);
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['rollback', 'movies']), 4, /no previously active instance of movies is recorded/);
    });
    await ok(p, ['activate', 'movies-1', '--force']);
    await ok(p, ['activate', 'movies-2']);
    // movies-1 holds 3 of the 10 documents: below the ratio.
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['rollback', 'movies']), 4, /fewer than activation.minDocRatio/);
    });
    await ok(p, ['rollback', 'movies', '--force']);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([`${p.prefix}movies-1`]);
  });
});

describe('help', () => {
  it('activate and rollback --help show examples', async () => {
    const p = project('acthelp');
    for (const cmd of ['activate', 'rollback']) {
      const r = await p.cli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Examples$/m);
      expect(r.stdout).toContain(`esm ${cmd} movies`);
    }
  });
});
