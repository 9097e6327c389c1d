/**
 * Guards of the imperative commands against the real node: `esm clear` of the
 * active instance refuses unless --force (as `drop` does), and `esm rollback`
 * says how the instance it goes back to differs before it swaps.
 */
import { describe, expect, it } from 'vitest';
import { manifestYaml } from '../support/manifest-builders.js';
import { countDocs as count } from '../support/apply-fixtures.js';
import { aliasTargets, expectNothingChanged, expectOneLineError, instance, ok, project } from './helpers.js';

describe('esm clear of the active instance', () => {
  it('refuses (exit 4) by master or by instance name, changing nothing; --force clears it', async () => {
    const p = project('grdclr', { movies: { docs: 8 } });
    const one = await instance(p, 'movies');
    await ok(p, ['activate', 'movies']);
    await expectNothingChanged(p, async () => {
      for (const argv of [['clear', 'movies'], ['clear', one], ['clear', 'movies', '1']]) {
        expectOneLineError(await p.cli(argv), 4, new RegExp(`${one} is the active instance of movies .*--force`));
      }
    });
    expect(await count(one)).toBe(8);
    expect((await ok(p, ['clear', 'movies', '--force'])).stdout).toBe(`cleared ${one}: 8 documents deleted\n`);
    expect(await count(one)).toBe(0);
  });

  it('clears an inactive instance without --force', async () => {
    const p = project('grdclr2', { movies: { docs: 4 } });
    await instance(p, 'movies');
    const two = await instance(p, 'movies');
    await ok(p, ['activate', 'movies-1']);
    expect((await ok(p, ['clear', two])).stdout).toBe(`cleared ${two}: 4 documents deleted\n`);
  });
});

describe('esm rollback says how the instance differs before it swaps', () => {
  it('names fingerprint against the manifest, documents and last update of both instances', async () => {
    const p = project('grdrb', { movies: { docs: 6 } });
    p.write('data/few.ndjson', (await import('../support/project.js')).ndjson([{ id: 'x-1', title: 'X', year: 2000, updated_at: '2020-01-01T00:00:00.000Z' }]));
    const one = await instance(p, 'movies', { data: 'data/few.ndjson' });
    // The manifest changes (a new field), then instance 2 is built with it.
    p.manifest('movies', manifestYaml({ name: 'movies', mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' }, title: { type: 'text' }, year: { type: 'integer' }, updated_at: { type: 'date' }, extra: { type: 'keyword' } } } }));
    const two = await instance(p, 'movies');
    await ok(p, ['activate', 'movies-1']);
    await ok(p, ['activate', 'movies-2']);

    const r = await ok(p, ['rollback', 'movies']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`${p.prefix}movies → ${one} (was ${two})`);
    const said = lines.slice(0, -1).join('\n');
    expect(said).toMatch(new RegExp(`fingerprint: ${one} has sha256:[0-9a-f]+, not the manifest's sha256:[0-9a-f]+ \\(${two} has it\\)`));
    expect(said).toContain(`documents: ${one} holds 1, ${two} holds 6`);
    expect(said).toMatch(new RegExp(`last update: ${one} \\d{4}-\\d\\d-\\d\\dT[^,]+, ${two} \\d{4}-`));
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([one]);

    const json = (await ok(p, ['rollback', 'movies', '--json'])).json();
    expect(json).toMatchObject({ from: one, to: two, changed: true, differences: expect.arrayContaining([expect.stringContaining('documents:')]) });
  });
});
