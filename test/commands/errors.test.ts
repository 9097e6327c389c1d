/** What every imperative command does with an unreachable cluster and with bad flags: one line, the right exit code. */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TempProject } from '../support/project.js';
import { manifestYaml } from '../support/manifest-builders.js';
import { expectNothingChanged, expectOneLineError, ok, project } from './helpers.js';

let p: TempProject;
beforeAll(() => {
  p = project('err', { movies: {}, books: {} });
});
const CLUSTER_COMMANDS = [
  ['list'],
  ['list', '--es-only'],
  ['create', 'movies'],
  ['activate', 'movies'],
  ['rollback', 'movies'],
  ['drop', 'movies-1'],
  ['clear', 'movies'],
  ['state', 'rebuild'],
];

describe('an unreachable cluster', () => {
  it('exits 1 with one line naming the URL (never its credentials), no stack trace, and no state file created', async () => {
    const results = await Promise.all(CLUSTER_COMMANDS.map((argv) => p.cli([...argv, '--url', 'http://esm:hunter2@127.0.0.1:1'])));
    results.forEach((r, i) => {
      expectOneLineError(r, 1, /^esm: gave up on .* after \d+ attempts over \S+: cannot reach the cluster at http:\/\/127\.0\.0\.1:1 \(connection refused\); given up within the bound of 2m30s \(5 × the 30s timeout\)\n$/);
      expect(r.stderr, CLUSTER_COMMANDS[i]!.join(' ')).not.toContain('hunter2');
      expect(r.stdout).toBe('');
    });
    expect(existsSync(p.statePath)).toBe(false);
  });

  it('does not matter to validate and history, which never connect', async () => {
    const [v, h] = await Promise.all([p.cli(['validate', '--url', 'http://127.0.0.1:1']), p.cli(['history', '--url', 'http://127.0.0.1:1'])]);
    expect(v).toMatchObject({ code: 0, stdout: '2 manifests OK\n' });
    expect(h).toMatchObject({ code: 0, stdout: 'No actions recorded.\n' });
  });
});

describe('bad flags and arguments', () => {
  it.each([...CLUSTER_COMMANDS, ['validate'], ['history']].map((argv) => [argv.join(' '), argv] as const))('esm %s --bogus exits 3 with one clear message', async (_name, argv) => {
    const r = await p.cli([...argv, '--bogus']);
    expect(r.code).toBe(3);
    const command = argv[0] === 'state' ? 'state rebuild' : argv[0]!;
    expect(r.stderr).toMatch(new RegExp(`^esm: unknown option --bogus for esm ${command}\n\\$ esm ${command} `));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('an invalid URL or prefix is invalid input (exit 3)', async () => {
    expectOneLineError(await p.cli(['list', '--url', 'ftp://127.0.0.1']), 3, /invalid cluster URL/);
    expectOneLineError(await p.cli(['list', '--prefix', 'QA1_']), 3, /invalid prefix "QA1_"/);
  });
});

describe('broken manifests', () => {
  it('stop the commands that read them with file:line:col (exit 3), before anything changes', async () => {
    const q = project('errman', { movies: {} });
    try {
      await ok(q, ['create', 'movies']);
      q.manifest('books', 'apiVersion: esm/v1\nkind: IndexMaster\nmetadata:\n  name: books\nspec:\n  mappings: {properties: {title: {type: text}}\n');
      q.manifest('songs', manifestYaml({ name: 'songs' }).replace('kind: IndexMaster', 'kind: Index'));
      await expectNothingChanged(q, async () => {
        for (const argv of [['list'], ['create', 'movies', '--force'], ['activate', 'movies-1', '--force'], ['drop', 'movies-1'], ['clear', 'movies-1']]) {
          const r = await q.cli(argv);
          expect(r.code, argv.join(' ')).toBe(3);
          expect(r.stderr).toMatch(/^esm: 2 problems in manifests\n {2}manifests\/books\.yaml:\d+:\d+: invalid YAML.*\n {2}manifests\/songs\.yaml:2:\d+: .*kind.*\n$/);
        }
      });
      // The cluster alone is enough to rebuild the state, whatever the manifests say.
      await ok(q, ['state', 'rebuild']);
    } finally {
      await q.cleanup();
    }
  });
});
