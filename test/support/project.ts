/**
 * A throw-away esm project for command tests: a temp directory with
 * `manifests/` and data files, its own environment prefix on the real node,
 * and `cli()` running esm in it with ESM_URL / ESM_PREFIX / ESM_STATE /
 * ESM_MANIFESTS set.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, type CliResult } from './cli.js';
import { cleanupPrefix, esUrl, testPrefix } from './es.js';

export interface TempProject {
  dir: string;
  prefix: string;
  statePath: string;
  manifestsDir: string;
  /** ESM_URL, ESM_PREFIX, ESM_STATE, ESM_MANIFESTS for this project. */
  env: Record<string, string>;
  /** Write a file relative to the project directory (parents created); returns its absolute path. */
  write(rel: string, text: string): string;
  /** Write `manifests/<name>.yaml`. */
  manifest(name: string, yaml: string): string;
  /** Run esm in the project (cwd = project dir), with extra env on top. */
  cli(argv: string[], opts?: { env?: Record<string, string | undefined>; isTTY?: boolean; stdin?: string }): Promise<CliResult>;
  /** Delete the prefix's indices and the directory. */
  cleanup(): Promise<void>;
}

export function tempProject(label = 'proj'): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), `esm-${label}-`));
  const prefix = testPrefix(label);
  const statePath = path.join(dir, 'state.sqlite');
  const manifestsDir = path.join(dir, 'manifests');
  mkdirSync(manifestsDir, { recursive: true });
  const env = { ESM_URL: esUrl(), ESM_PREFIX: prefix, ESM_STATE: statePath, ESM_MANIFESTS: manifestsDir };
  const write = (rel: string, text: string) => {
    const file = path.resolve(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  return {
    dir,
    prefix,
    statePath,
    manifestsDir,
    env,
    write,
    manifest: (name, yaml) => write(path.join('manifests', `${name}.yaml`), yaml),
    cli: (argv, opts = {}) => runCli(argv, { ...opts, cwd: dir, env: { ...env, ...opts.env } }),
    async cleanup() {
      await cleanupPrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** NDJSON text: one JSON document a line. */
export function ndjson(docs: readonly unknown[]): string {
  return docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
}
