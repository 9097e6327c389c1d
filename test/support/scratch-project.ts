/**
 * A throw-away esm project for tests that need no cluster (validate, offline plans,
 * history): a scratch directory with `manifests/`, and `cli()` running esm in it with
 * ESM_STATE / ESM_MANIFESTS set and ESM_URL pointing where nothing listens, so that a
 * command that reaches for a cluster fails at once. Removed when the test (or, made
 * outside a test, the file) is done. project.ts adds a prefix on the real node.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runCli, type CliResult } from './cli.js';
import { scratchDir, writeIn } from './scratch.js';

/** Nothing listens there: a command that connects fails without waiting. */
export const NO_CLUSTER_URL = 'http://127.0.0.1:1';

export interface ScratchProject {
  dir: string;
  statePath: string;
  manifestsDir: string;
  /** ESM_URL, ESM_STATE, ESM_MANIFESTS (and ESM_PREFIX on a cluster project). */
  env: Record<string, string>;
  /** Write a file relative to the project directory (parents created); returns its absolute path. */
  write(rel: string, text: string): string;
  /** Write `manifests/<name>.yaml`. */
  manifest(name: string, yaml: string): string;
  /** Run esm in the project (cwd = project dir), with extra env on top. */
  cli(argv: string[], opts?: { env?: Record<string, string | undefined>; isTTY?: boolean; stdin?: string }): Promise<CliResult>;
}

export function scratchProject(label = 'proj', env: Record<string, string> = {}): ScratchProject {
  const dir = scratchDir(label);
  const statePath = path.join(dir, 'state.sqlite');
  const manifestsDir = path.join(dir, 'manifests');
  mkdirSync(manifestsDir, { recursive: true });
  const all = { ESM_URL: NO_CLUSTER_URL, ESM_STATE: statePath, ESM_MANIFESTS: manifestsDir, ...env };
  const write = (rel: string, text: string) => writeIn(dir, rel, text);
  return {
    dir,
    statePath,
    manifestsDir,
    env: all,
    write,
    manifest: (name, yaml) => write(path.join('manifests', `${name}.yaml`), yaml),
    cli: (argv, opts = {}) => runCli(argv, { ...opts, cwd: dir, env: { ...all, ...opts.env } }),
  };
}

/** NDJSON text: one JSON document a line. */
export function ndjson(docs: readonly unknown[]): string {
  return docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
}
