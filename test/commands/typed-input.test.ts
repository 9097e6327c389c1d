/**
 * What a person types: numbers out of range, dates that do
 * not exist, `.inf` in a manifest, `--out` naming a directory or a missing one, and
 * a reader that closes the pipe. Each ends with one message and the documented exit code.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCli } from '../support/built-cli.js';
import type { CliResult } from '../support/cli.js';
import type { TempProject } from '../support/project.js';
import { expectOneLineError, expectUsageError, project } from './helpers.js';

let p: TempProject;
beforeAll(() => {
  p = project('typed', { movies: {} });
});
/** The message names what was wrong, then where the help is: not a usage dump or "Command not found". */
function expectFlagError(r: CliResult, pattern: RegExp): void {
  expectUsageError(r, pattern);
  expect(r.stderr).not.toMatch(/Command not found|Not enough arguments|\$ esm /);
  expect(r.stdout).toBe('');
}

describe('numbers and dates on the command line', () => {
  it.each([
    [['update', 'movies', '--batch-size', '-1'], /--batch-size: expected to be in the \[1; 100000\] range \(got -1\)/],
    [['update', 'movies', '--concurrency', '-3'], /--concurrency: expected to be in the \[1; 16\] range \(got -3\)/],
    [['apply', '--auto-approve', '--batch-size', '-.5'], /--batch-size/],
    [['history', '--limit', '-5'], /--limit: expected to be at least 1 \(got -5\)/],
  ])('esm %j names the flag and its range (exit 3)', async (argv, pattern) => {
    expectFlagError(await p.cli(argv), pattern);
  });

  it('a date that does not exist is refused, naming --since', async () => {
    expectOneLineError(await p.cli(['update', 'movies', '--since', '2024-02-30']), 3, /^esm: --since "2024-02-30" is not a date: 2024-02 has no day 30\n$/);
    expectOneLineError(await p.cli(['update', 'movies', '--since', '2023-02-29T10:00:00Z']), 3, /2023-02 has no day 29/);
  });
});

describe('non-finite numbers in a manifest', () => {
  it('.inf and .nan are refused at file:line:col before anything reaches the cluster', async () => {
    const q = project('typedinf', { movies: {} });
    try {
      q.manifest('books', 'apiVersion: esm/v1\nkind: IndexMaster\nmetadata:\n  name: books\nspec:\n  settings:\n    number_of_shards: .inf\n    number_of_replicas: .nan\n  mappings: {properties: {title: {type: text}}}\n');
      for (const argv of [['validate'], ['plan']]) {
        const r = await q.cli(argv);
        expect(r.code, argv.join(' ')).toBe(3);
        expect(r.stderr).toBe(
          'esm: 2 problems in manifests\n' +
            '  manifests/books.yaml:7:23: spec.settings.number_of_shards must be a finite number (got .inf: JSON, and so the cluster, has no infinity or NaN)\n' +
            '  manifests/books.yaml:8:25: spec.settings.number_of_replicas must be a finite number (got .nan: JSON, and so the cluster, has no infinity or NaN)\n',
        );
      }
    } finally {
      await q.cleanup();
    }
  });
});

describe('plan --out', () => {
  it('an existing directory: one message (exit 3), nothing printed, no temporary file left', async () => {
    mkdirSync(path.join(p.dir, 'plans'), { recursive: true });
    const r = await p.cli(['plan', '--out', 'plans']);
    expectOneLineError(r, 3, /^esm: cannot save the plan to plans: it is a directory; name a file, e.g\. plans\/plan\.json\n$/);
    expect(r.stdout).toBe('');
    expect(readdirSync(p.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(path.join(p.dir, 'plans'))).toEqual([]);
  });

  it('a missing directory: one message (exit 3), no directory created', async () => {
    const r = await p.cli(['plan', '--out', 'missing/dir/p.json']);
    expectOneLineError(r, 3, /^esm: cannot save the plan to missing\/dir\/p\.json: directory missing\/dir does not exist/);
    expect(r.stdout).toBe('');
    expect(readdirSync(p.dir)).not.toContain('missing');
  });
});

describe('a reader that closes the pipe', () => {
  it('esm history --json | true: no EPIPE stack trace, a quiet exit', async () => {
    // Enough actions that the JSON does not fit one pipe buffer.
    for (let i = 0; i < 3; i++) expect((await p.cli(['create', 'movies', '--force'])).code).toBe(0);
    const child = spawn(process.execPath, [builtCli(), 'history', '--json'], { cwd: p.dir, env: { ...process.env, ...p.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before esm writes
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
