/**
 * The conventions a CLI user relies on: readable usage lines,
 * shared options listed once, a suggestion for a mistyped command, `esm help` and
 * `esm version`, colours as the user and the environment ask, Ctrl-C saying so,
 * and each cluster error told once.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../src/cli.js';
import { COMMANDS } from '../../src/commands/index.js';
import { runCli } from '../support/cli.js';
import { interruptDuringFill } from '../support/interrupt.js';
import { ANSI, movieManifest } from '../support/apply-fixtures.js';
import { tempProject, type TempProject } from '../support/project.js';
import { aliasTargets, expectOneLineError, project } from './helpers.js';

const PATHS = COMMANDS.flatMap((c) => c.paths ?? []);

describe('usage lines', () => {
  it('esm --help names option values and lists the shared options once, after the commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('#0');
    expect(r.stdout).toContain('esm update [--full] [--keep-deleted] [--since <date>]');
    expect(r.stdout).toContain('[--batch-size <n>]');
    expect(r.stdout.match(/--url/g)).toHaveLength(1);
    expect(r.stdout.match(/--manifests/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/Global options[^\n]*\n\n {2}--url <url> +cluster URL/i);
    expect(r.stdout).toMatch(/\n {2}--color +ANSI colours[^\n]*--no-color/);
    for (const line of r.stdout.split('\n').filter((l) => /^\s+esm /.test(l))) expect(line).not.toMatch(/--url|--prefix|--state|--manifests/);
  });

  it("a command's help names its values, lists its own options and points at the shared ones", async () => {
    const r = await runCli(['plan', '--help']);
    expect(r.stdout).not.toContain('#0');
    expect(r.stdout).toMatch(/\n {2}--out <file> +save the plan/);
    expect(r.stdout).toMatch(/\n {2}--base <git-ref> +git ref/);
    expect(r.stdout).not.toMatch(/\n {2}--url /);
    expect(r.stdout).toMatch(/Every command also takes --url <url>, --prefix <prefix>, --state <file>, --manifests <dir>, --color.* \(see esm --help\)\.\n$/);
  });

  it('a bad argument shows the usage line once, tidied, and points at the command help', async () => {
    const r = await runCli(['update', 'a', 'b', 'c']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'esm: Extraneous positional argument ("c").\n' +
        '$ esm update [--full] [--keep-deleted] [--since <date>] [--newer] [--last,--latest] [--all-active] [--batch-size <n>] [--concurrency <n>] [--json] [--events] [master|instance] [number]\n' +
        'Run "esm update --help" for its usage.\n',
    );
  });
});

describe('a mistyped command', () => {
  it.each([
    ['valdate', 'validate'],
    ['histroy', 'history'],
    ['aply', 'apply'],
    ['rollbak', 'rollback'],
  ])('esm %s suggests `%s`, and lists nothing else', async (typed, meant) => {
    const r = await runCli([typed]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`esm: unknown command "${typed}"; did you mean \`${meant}\`?\nRun "esm --help" for the list of commands.\n`);
  });

  it('without a close command, says so in one line', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('esm: unknown command "frobnicate"\nRun "esm --help" for the list of commands.\n');
  });
});

describe('esm help and esm version', () => {
  it('esm help is esm --help; esm help <command> is esm <command> --help', async () => {
    expect((await runCli(['help'])).stdout).toBe((await runCli(['--help'])).stdout);
    const [a, b] = [await runCli(['help', 'plan']), await runCli(['plan', '--help'])];
    expect(a).toMatchObject({ code: 0, stdout: b.stdout });
    expect((await runCli(['help', 'state', 'rebuild'])).stdout).toBe((await runCli(['state', 'rebuild', '--help'])).stdout);
  });

  it('esm help <unknown> suggests the closest command (exit 3)', async () => {
    expectOneLineError(await runCli(['help', 'aplly']), 3, /^esm: no command "aplly"; did you mean `apply`\?/);
  });

  it('esm version prints what esm --version prints', async () => {
    const [a, b] = [await runCli(['version']), await runCli(['--version'])];
    expect(a).toMatchObject({ code: 0, stdout: b.stdout });
    expect(a.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('colours', () => {
  const ARGS: Record<string, string[]> = { create: ['movies'], activate: ['movies'], rollback: ['movies'], drop: ['movies-1'], clear: ['movies'] };
  it.each(PATHS.map((p) => [p.join(' '), p] as const))('esm %s takes --color and --no-color', (_name, p) => {
    const cli = buildCli();
    for (const [flag, value] of [['--color', true], ['--no-color', false]] as const) {
      const command = cli.process([...p, ...(ARGS[p.join(' ')] ?? []), flag], {} as never) as unknown as { colors?: boolean };
      expect(command.colors, `esm ${p.join(' ')} ${flag}`).toBe(value);
    }
  });

  let q: TempProject;
  beforeAll(() => {
    q = project('color', { movies: {} });
  });

  it.each([
    ['a terminal', { isTTY: true }, [], true],
    ['a terminal with NO_COLOR=1', { isTTY: true, env: { NO_COLOR: '1' } }, [], false],
    ['a terminal with an empty NO_COLOR= (does not count)', { isTTY: true, env: { NO_COLOR: '' } }, [], true],
    ['a terminal with FORCE_COLOR=0', { isTTY: true, env: { FORCE_COLOR: '0' } }, [], false],
    ['a terminal with --no-color', { isTTY: true }, ['--no-color'], false],
    ['a pipe', {}, [], false],
    ['a pipe with FORCE_COLOR=1', { env: { FORCE_COLOR: '1' } }, [], true],
    ['a pipe with --color', {}, ['--color'], true],
    ['a pipe with FORCE_COLOR=1 and --no-color', { env: { FORCE_COLOR: '1' } }, ['--no-color'], false],
  ] as const)('plan on %s: colours %s', async (_name, opts, flags, coloured) => {
    const r = await q.cli(['plan', ...flags], opts as never);
    expect(r.code).toBe(0);
    expect(ANSI.test(r.stdout)).toBe(coloured);
  });

  it('list and history take --no-color too (list --no-color exited 3)', async () => {
    expect((await q.cli(['list', '--no-color'])).code).toBe(0);
    expect((await q.cli(['history', '--no-color'])).code).toBe(0);
  });
});

describe('cluster errors and Ctrl-C', () => {
  it("an Elasticsearch error's reason is told once", async () => {
    const p = tempProject('reason');
    // kuromoji is a plugin analyzer: validate accepts it, a node without the plugin refuses the index.
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: { type: 'text', analyzer: 'kuromoji' }, updated_at: 'date' } }));
    p.write('data/movies.ndjson', '');
    // The engine's check before the write (SPEC §7) finds it: exit 3, the field's place in the
    // manifest, the engine's reason once, and no index made.
    const r = await p.cli(['create', 'movies']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^esm: the cluster refuses the spec of master movies; nothing was written\n/);
    expect(r.stderr).toMatch(/manifests\/movies\.yaml:\d+:\d+: movies: the cluster refuses field title: /);
    expect(r.stderr.match(/analyzer \[kuromoji\] has not been configured/g)).toHaveLength(1);
    expect((await p.cli(['list', '--json'])).stdout).not.toContain('movies-1');
  });

  it('Ctrl-C during apply says "interrupted" (exit 130) and moves no alias', async () => {
    const q = project('sigint', { movies: { docs: 0 } });
    const out = createWriteStream(path.join(q.dir, 'data/movies.ndjson'));
    for (let i = 1; i <= 200_000; i++) {
      if (!out.write(`{"id":"m-${i}","title":"Movie number ${i}","year":2000,"updated_at":"2020-01-01T00:00:00.000Z"}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const { code, stderr, sent } = await interruptDuringFill(['apply', '--auto-approve'], { cwd: q.dir, env: q.env });
    expect(sent, `no progress line before the end:\n${stderr}`).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toMatch(/\nesm: interrupted: the apply stopped before finishing movies \(fill \S+: filling \S+ was interrupted at [\d,]+ of [\d,]+ documents \(\.\.\/data\/movies\.ndjson byte [\d,]+ \(line [\d,]+\)\)\)/);
    expect(stderr).not.toMatch(/esm: apply failed/);
    expect(await aliasTargets(`${q.prefix}movies`)).toEqual([]);
  }, 120_000);
});
