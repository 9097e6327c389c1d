/** `esm history` against the real node: newest first, filters, the SPEC §8 JSON shape, secrets never stored. */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { esUrl } from '../support/es.js';
import type { TempProject } from '../support/project.js';
import { expectOneLineError, expectUsageError, gitCommit, ok, project, stateBytes, withSession } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let p: TempProject;
let commit: string;
let secretUrl: string;

/* movies: create (with credentials in --url), create --force, activate; books: create, then a failed update. */
beforeAll(async () => {
  p = project('hist', { movies: {}, books: {} });
  commit = gitCommit(p.dir);
  const url = new URL(esUrl());
  secretUrl = `${url.protocol}//esmuser:s3cr3t-pw@${url.host}`;
  await ok(p, ['create', 'movies', '--url', secretUrl]);
  await ok(p, ['create', 'movies', '--force']);
  await ok(p, ['activate', 'movies', '--force']);
  await ok(p, ['create', 'books']);
  await withSession(
    p,
    (s) =>
      s
        .record({ action: 'update', master: 'books', instance: `${p.prefix}books-1` }, async () => {
          throw new Error('source exploded');
        })
        .catch(() => undefined),
    ['esm', 'update', 'books', '--full'],
  );
});
describe('esm history', () => {
  it('--json lists every action newest first, with the SPEC §8 fields', async () => {
    const r = await ok(p, ['history', '--json']);
    const { actions } = r.json();
    expect(Object.keys(r.json())).toEqual(['actions']);
    expect(actions.map((a: { id: number }) => a.id)).toEqual([5, 4, 3, 2, 1]);
    expect(actions.map((a: { action: string; instance: string; status: string }) => [a.action, a.instance, a.status])).toEqual([
      ['update', `${p.prefix}books-1`, 'failed'],
      ['create', `${p.prefix}books-1`, 'complete'],
      ['activate', `${p.prefix}movies-2`, 'complete'],
      ['create', `${p.prefix}movies-2`, 'complete'],
      ['create', `${p.prefix}movies-1`, 'complete'],
    ]);
    // The SPEC §8 fields, then `note` (added: how an outcome was confirmed from the cluster).
    expect(Object.keys(actions[0])).toEqual(['id', 'action', 'master', 'instance', 'status', 'startedAt', 'endedAt', 'docsAffected', 'argv', 'commit', 'planId', 'error', 'note']);
    expect(actions[2]).toEqual({
      id: 3,
      action: 'activate',
      master: 'movies',
      instance: `${p.prefix}movies-2`,
      status: 'complete',
      startedAt: expect.stringMatching(ISO),
      endedAt: expect.stringMatching(ISO),
      docsAffected: null,
      argv: ['esm', 'activate', 'movies', '--force'],
      commit,
      planId: null,
      error: null,
      note: null,
    });
    expect(actions[0]).toMatchObject({ error: 'source exploded', argv: ['esm', 'update', 'books', '--full'] });
  });

  it('never stores or shows the credentials of --url', async () => {
    const json = (await ok(p, ['history', '--json'])).json();
    const first = json.actions.at(-1);
    expect(first.argv).toEqual(['esm', 'create', 'movies', '--url', secretUrl.replace('esmuser:s3cr3t-pw', '***')]);
    const text = (await ok(p, ['history'])).stdout;
    for (const out of [JSON.stringify(json), text, readFileSync(p.statePath).toString('latin1')]) {
      expect(out).not.toContain('s3cr3t-pw');
      expect(out).not.toContain('esmuser');
    }
  });

  it('prints an aligned table: newest first, the command line, the short commit, errors under their action', async () => {
    const r = await ok(p, ['history']);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['ID', 'STARTED', 'ACTION', 'TARGET', 'STATUS', 'DOCS', 'COMMIT', 'COMMAND']);
    const at = lines[0]!.indexOf('ACTION');
    expect(lines[1]).toMatch(new RegExp(`^5 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +update +${p.prefix}books-1 +failed +- +${commit.slice(0, 7)} +esm update books --full$`));
    expect(lines[1]!.slice(at, at + 6)).toBe('update');
    expect(lines[2]).toBe('    error: source exploded');
    expect(lines[3]!.slice(at, at + 6)).toBe('create');
    expect(lines.at(-1)).toMatch(/^1 .* create .* esm create movies --url http:\/\/\*\*\*@/);
  });

  it('filters by master and limits to the newest N', async () => {
    const movies = (await ok(p, ['history', 'movies', '--json'])).json().actions;
    expect(movies.map((a: { id: number }) => a.id)).toEqual([3, 2, 1]);
    const two = (await ok(p, ['history', '--limit', '2', '--json'])).json().actions;
    expect(two.map((a: { id: number }) => a.id)).toEqual([5, 4]);
    const one = (await ok(p, ['history', 'movies', '--limit', '1', '--json'])).json().actions;
    expect(one.map((a: { id: number }) => a.id)).toEqual([3]);
  });

  it('refuses an unknown master and a bad --limit (exit 3)', async () => {
    expectOneLineError(await p.cli(['history', 'films']), 3, /^esm: unknown master "films" \(known masters: books, movies\)\n$/);
    expectUsageError(await p.cli(['history', '--limit', '0']), /--limit: expected to be at least 1 \(got 0\)/);
    expectUsageError(await p.cli(['history', '--limit', 'ten']), /--limit/);
  });

  it('is read-only: the state file is unchanged; without one, it says so and creates none', async () => {
    const before = stateBytes(p);
    await ok(p, ['history']);
    expect(stateBytes(p)).toEqual(before);
    const missing = `${p.dir}/none/state.sqlite`;
    const r = await ok(p, ['history', '--state', missing]);
    expect(r.stdout).toBe('No actions recorded.\n');
    expect((await ok(p, ['history', '--json', '--state', missing])).json()).toEqual({ actions: [] });
    expect(existsSync(missing)).toBe(false);
  });

  it('--help shows examples', async () => {
    const r = await p.cli(['history', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Examples$/m);
    expect(r.stdout).toContain('esm history movies --limit 10');
  });
});
