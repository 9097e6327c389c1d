/** `esm state rebuild` against the real node: the state from `_meta.esm` and aliases; corrupt files refused. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HistoryStore, type HistoryView } from '../../src/history/index.js';
import { rawClient } from '../support/es.js';
import type { TempProject } from '../support/project.js';
import { actions, clusterState, expectNothingChanged, expectOneLineError, instance, ok, project } from './helpers.js';

/** Masters and instances of the state file, without the bookkeeping times that a rebuild renews. */
async function recorded(file: string): Promise<{ masters: object[]; instances: object[] }> {
  const store = await HistoryStore.open(file, { readOnly: true });
  try {
    const v: HistoryView = store.view();
    return {
      masters: v.masters.map(({ name, alias, activeInstance }) => ({ name, alias, activeInstance })),
      instances: v.instances.filter((i) => !i.dropped).map(({ droppedAt: _d, ...rest }) => rest),
    };
  } finally {
    store.close();
  }
}

/** movies: 1 filled, 2 filled and active, 3 unfilled; books: 1 unfilled, no alias. */
async function populated(label: string): Promise<TempProject> {
  const proj = project(label, { movies: { docs: 4 }, books: {} });
  await instance(proj, 'movies');
  await instance(proj, 'movies');
  await instance(proj, 'movies', { fill: false });
  await instance(proj, 'books', { fill: false });
  await ok(proj, ['activate', 'movies-1']);
  await ok(proj, ['activate', 'movies-2']);
  return proj;
}

describe('esm state rebuild', () => {
  it('recreates masters, instances and the active one from the cluster alone: list and the records match', async () => {
    const p = await populated('rb');
    const listBefore = (await ok(p, ['list', '--json'])).json();
    const recordsBefore = await recorded(p.statePath);
    rmSync(p.statePath);

    const r = await ok(p, ['state', 'rebuild']);
    expect(r.stdout).toBe(
      [
        `rebuilt ${p.statePath}: 2 masters, 4 instances (was 0 and 0)`,
        `  books: ${p.prefix}books-1; active none`,
        `  movies: ${p.prefix}movies-1, ${p.prefix}movies-2, ${p.prefix}movies-3; active ${p.prefix}movies-2`,
        '',
      ].join('\n'),
    );
    expect((await ok(p, ['list', '--json'])).json()).toEqual(listBefore);
    // Number, fingerprint, createdAt, commit, filledAt, lastUpdateAt, active: as recorded when esm made them.
    expect(await recorded(p.statePath)).toEqual(recordsBefore);
    expect((await actions(p)).map((a) => [a.action, a.status, a.master])).toEqual([['state_rebuild', 'complete', null]]);
  });

  it('keeps the journal, follows an alias moved behind its back, forgets dropped instances but never reuses their numbers', async () => {
    const p = await populated('rbkeep');
    const journal = await actions(p);
    await ok(p, ['drop', 'movies-3']);
    // Someone moved the alias by hand.
    await rawClient().indices.updateAliases({
      actions: [{ remove: { index: `${p.prefix}movies-2`, alias: `${p.prefix}movies` } }, { add: { index: `${p.prefix}movies-1`, alias: `${p.prefix}movies` } }],
    });

    const r = await ok(p, ['state', 'rebuild', '--json']);
    expect(r.json()).toEqual({
      masters: [
        { name: 'books', alias: `${p.prefix}books`, active: null, instances: [`${p.prefix}books-1`], conflicts: [] },
        { name: 'movies', alias: `${p.prefix}movies`, active: `${p.prefix}movies-1`, instances: [`${p.prefix}movies-1`, `${p.prefix}movies-2`], conflicts: [] },
      ],
      before: { masters: 2, instances: 3 },
    });
    const after = await actions(p);
    expect(after.slice(2).map((a) => a.id)).toEqual(journal.map((a) => a.id));
    expect(after.slice(0, 2).map((a) => a.action)).toEqual(['state_rebuild', 'drop']);
    expect((await recorded(p.statePath)).masters).toContainEqual({ name: 'movies', alias: `${p.prefix}movies`, activeInstance: `${p.prefix}movies-1` });
    expect(await instance(p, 'movies', { fill: false })).toBe(`${p.prefix}movies-4`);
  });

  it('needs no manifests', async () => {
    const p = await populated('rbnoman');
    rmSync(p.statePath);
    await ok(p, ['state', 'rebuild', '--manifests', 'nowhere']);
    expect((await recorded(p.statePath)).instances).toHaveLength(4);
  });

  it('refuses a corrupt state file (exit 1) without touching it or the cluster; moved away, a fresh one is rebuilt', async () => {
    const p = await populated('rbbad');
    const good = (await ok(p, ['list', '--json'])).json();
    renameSync(p.statePath, `${p.statePath}.good`);
    writeFileSync(p.statePath, randomBytes(8192));
    await expectNothingChanged(p, async () => {
      const r = await p.cli(['state', 'rebuild']);
      expectOneLineError(r, 1, /state\.sqlite is not an esm state file \(not a SQLite database\); refusing to overwrite it\. Move it away/);
      expect(r.stdout).toBe('');
      // Every command that opens the state file refuses it the same way.
      for (const argv of [['list'], ['history'], ['activate', 'movies-1'], ['drop', 'movies-3'], ['clear', 'movies-3'], ['create', 'movies', '--force']]) {
        expectOneLineError(await p.cli(argv), 1, /not an esm state file/);
      }
    });
    renameSync(p.statePath, `${p.dir}/corrupt.sqlite`);
    await ok(p, ['state', 'rebuild']);
    expect((await ok(p, ['list', '--json'])).json()).toEqual(good);
  });

  it('refuses a damaged SQLite state file and says how to recover', async () => {
    const p = await populated('rbtrunc');
    const bytes = readFileSync(p.statePath);
    writeFileSync(p.statePath, bytes.subarray(0, bytes.length - 100));
    const damaged = readFileSync(p.statePath);
    const cluster = await clusterState(p.prefix);
    expectOneLineError(await p.cli(['state', 'rebuild']), 1, /damaged state file .* move it away and run "esm state rebuild"/);
    expect(readFileSync(p.statePath)).toEqual(damaged);
    expect(await clusterState(p.prefix)).toEqual(cluster);
  });

  it('with an empty cluster, writes an empty state and says so', async () => {
    const p = project('rbempty');
    const r = await ok(p, ['state', 'rebuild']);
    expect(r.stdout).toBe(`rebuilt ${p.statePath}: 0 masters, 0 instances (was 0 and 0)\n`);
    expect(existsSync(p.statePath)).toBe(true);
    const help = await p.cli(['state', 'rebuild', '--help']);
    expect(help.stdout).toMatch(/^Examples$/m);
  });
});
