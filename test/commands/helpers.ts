/**
 * Shared setup of the imperative-command tests: a project with masters whose
 * data files are ndjson, instances created and filled through the library (so
 * a test of `esm activate` does not depend on `esm update`), and snapshots of
 * the cluster and the state file to prove that a refusal changed nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { HistoryStore, type ActionRecord } from '../../src/history/index.js';
import { manifestYaml, type ManifestOverrides } from '../support/manifest-builders.js';
import type { Manifest } from '../../src/manifest/types.js';
import { createInstance } from '../../src/operations/create.js';
import { runFill } from '../../src/operations/fill.js';
import { Session } from '../../src/operations/session.js';
import type { CliResult } from '../support/cli.js';
import { rawClient } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

export const movies = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => ({ id: `m-${from + i}`, title: `Movie ${from + i}`, year: 1990 + ((from + i) % 30), updated_at: '2020-01-01T00:00:00.000Z' }));

/** A project declaring `masters` (each reads data/<name>.ndjson holding `docs` documents), committed to git. */
export function project(label: string, masters: Record<string, { docs?: number } & ManifestOverrides> = { movies: {} }): TempProject {
  const p = tempProject(label);
  for (const [name, o] of Object.entries(masters)) {
    const { docs, ...overrides } = o;
    p.manifest(name, manifestYaml({ name, ...overrides }));
    p.write(`data/${name}.ndjson`, ndjson(movies(docs ?? 5)));
  }
  gitCommit(p.dir);
  return p;
}

/** `git init` + commit everything; returns the commit. */
export function gitCommit(dir: string): string {
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=esm test', '-c', 'user.email=esm@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  if (!existsSync(`${dir}/.git`)) git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'test');
  return git('rev-parse', 'HEAD');
}

/** A library session on the project, as a command would open it. */
export async function withSession<T>(p: TempProject, fn: (s: Session) => Promise<T>, argv = ['esm', 'test-setup']): Promise<T> {
  const s = new Session(await resolveConfig({}, p.env, p.dir), { argv });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Creates the next instance of `master` (always, like --force) and, unless `fill: false`, fills it from `data` (default the master's file). */
export async function instance(p: TempProject, master: string, opts: { fill?: boolean; data?: string } = {}): Promise<string> {
  return withSession(p, async (s) => {
    const manifest = await s.manifest(master);
    const { index } = await createInstance(s, manifest, { force: true });
    if (opts.fill !== false) {
      const m: Manifest = opts.data ? { ...manifest, spec: { ...manifest.spec, source: { type: 'ndjson', path: `../${opts.data}` } } } : manifest;
      await runFill(s, m, index, { since: null });
    }
    return index;
  });
}

export async function ok(p: TempProject, argv: string[]): Promise<CliResult> {
  const r = await p.cli(argv);
  if (r.code !== 0) throw new Error(`esm ${argv.join(' ')} exited ${r.code}:\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Indices under the prefix with their aliases, `_meta` and document counts: what a refusal must leave alone. */
export async function clusterState(prefix: string): Promise<Record<string, { aliases: string[]; meta: unknown; docs: number }>> {
  const indices = await rawClient().indices.get({ index: `${prefix}*`, allow_no_indices: true, ignore_unavailable: true });
  const out: Record<string, { aliases: string[]; meta: unknown; docs: number }> = {};
  for (const [name, body] of Object.entries(indices).sort(([a], [b]) => a.localeCompare(b))) {
    await rawClient().indices.refresh({ index: name });
    out[name] = { aliases: Object.keys(body.aliases ?? {}).sort(), meta: body.mappings?._meta ?? null, docs: (await rawClient().count({ index: name })).count };
  }
  return out;
}

export function stateBytes(p: TempProject): Buffer | null {
  return existsSync(p.statePath) ? readFileSync(p.statePath) : null;
}

/** Runs `fn` (a refused command) and checks that neither the cluster nor the state file changed. */
export async function expectNothingChanged(p: TempProject, fn: () => Promise<unknown>): Promise<void> {
  const [cluster, bytes] = [await clusterState(p.prefix), stateBytes(p)];
  await fn();
  expect(await clusterState(p.prefix)).toEqual(cluster);
  expect(stateBytes(p)).toEqual(bytes);
}

/** The journal, newest first. */
export async function actions(p: TempProject): Promise<ActionRecord[]> {
  const store = await HistoryStore.open(p.statePath, { readOnly: true });
  try {
    return store.listActions();
  } finally {
    store.close();
  }
}

/**
 * A command line esm cannot parse (exit 3): the message on the first line, matching
 * `pattern`, then at most the command's usage line and where its help is — nothing else.
 */
export function expectUsageError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(3);
  const [message, ...rest] = r.stderr.split('\n');
  expect(message).toMatch(/^esm: /);
  expect(message).toMatch(pattern);
  expect(rest.filter((line) => !/^\$ esm /.test(line))).toEqual([expect.stringMatching(/^Run "esm [a-z- ]+ --help" for its (usage|options)\.$/), '']);
}

/** One clear message on stderr: a single line starting `esm: ` (so no stack trace), matching `pattern`. */
export function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.split('\n'), 'stderr is one line').toEqual([expect.stringMatching(/^esm: /), '']);
  expect(r.stderr).toMatch(pattern);
}

export async function aliasTargets(alias: string): Promise<string[]> {
  const res = await rawClient().indices.getAlias({ name: alias }, { ignore: [404] });
  return Object.keys(res).filter((k) => k !== 'error' && k !== 'status').sort();
}
