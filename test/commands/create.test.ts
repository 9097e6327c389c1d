/** `esm create` against the real node: the instance with `_meta.esm`, the no-op, --force, refusals. */
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/fingerprint/index.js';
import { aManifest, DEFAULT_MAPPINGS, manifestYaml } from '../support/manifest-builders.js';
import { rawClient } from '../support/es.js';
import { actions, expectNothingChanged, expectOneLineError, expectUsageError, gitCommit, ok, project } from './helpers.js';

describe('esm create', () => {
  it("creates instance 1 with the manifest's settings, mappings and _meta.esm, and records it", async () => {
    const p = project('cre');
    const commit = gitCommit(p.dir);
    const r = await ok(p, ['create', 'movies']);
    const index = `${p.prefix}movies-1`;
    expect(r.stdout).toBe(`created ${index}\n`);

    const got = (await rawClient().indices.get({ index }))[index]!;
    expect(got.settings?.index?.number_of_shards).toBe('1');
    expect(got.mappings?.properties?.title).toEqual(DEFAULT_MAPPINGS.properties.title);
    expect(got.mappings?._meta?.esm).toEqual({
      master: 'movies',
      instance: 1,
      fingerprint: fingerprint(aManifest({ name: 'movies' }).spec),
      // The engine's form of the spec, asked for before the create (SPEC §7).
      engineFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      commit,
      filledAt: null,
      lastUpdateAt: null,
    });
    expect(got.aliases).toEqual({}); // not active: it is empty
    const [a] = await actions(p);
    expect(a).toMatchObject({ action: 'create', master: 'movies', instance: index, status: 'complete', commit, argv: ['esm', 'create', 'movies'] });
  });

  it('is a no-op that says so when an instance already has the fingerprint; --force creates another', async () => {
    const p = project('crenoop');
    await ok(p, ['create', 'movies']);
    await expectNothingChanged(p, async () => {
      const again = await ok(p, ['create', 'movies']);
      expect(again.stdout).toBe(`${p.prefix}movies-1 already has the manifest's fingerprint; nothing created (use --force to create another instance anyway)\n`);
    });
    const forced = await ok(p, ['create', 'movies', '--force', '--json']);
    expect(forced.json()).toEqual({
      master: 'movies',
      index: `${p.prefix}movies-2`,
      number: 2,
      fingerprint: fingerprint(aManifest({ name: 'movies' }).spec),
      created: true,
      message: `created ${p.prefix}movies-2`,
    });
  });

  it('creates the next number when the manifest changed', async () => {
    const p = project('crechg');
    await ok(p, ['create', 'movies']);
    const mappings = { ...DEFAULT_MAPPINGS, properties: { ...DEFAULT_MAPPINGS.properties, title: { type: 'keyword' } } };
    p.manifest('movies', manifestYaml({ name: 'movies', mappings }));
    const r = await ok(p, ['create', 'movies', '--json']);
    expect(r.json()).toMatchObject({ index: `${p.prefix}movies-2`, created: true, fingerprint: fingerprint(aManifest({ name: 'movies', mappings }).spec) });
  });

  it('refuses an unknown master (exit 3, naming the known ones) and a master blocked by an index named like its alias (exit 4)', async () => {
    const p = project('creref', { movies: {}, books: {} });
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['create', 'films']), 3, /^esm: unknown master "films" \(known masters: books, movies\)\n$/);
      expectUsageError(await p.cli(['create']), /Not enough positional arguments/);
    });
    await rawClient().indices.create({ index: `${p.prefix}movies` });
    await expectNothingChanged(p, async () => {
      expectOneLineError(await p.cli(['create', 'movies']), 4, new RegExp(`master movies is blocked: an index named "${p.prefix}movies" exists`));
    });
  });

  it('--help shows examples', async () => {
    const p = project('crehelp');
    const r = await p.cli(['create', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Examples$/m);
    expect(r.stdout).toContain('esm create movies --force');
  });
});
