/**
 * Which npm packages a run of the built CLI (bin/esm.js) evaluates. A module hook
 * records every file the process imports, and a preload every file it requires (the
 * bundle requires some files, such as dist/yaml.cjs, only when it uses them); a bundled
 * file names the packages it holds in esbuild's `// node_modules/<pkg>/…` module
 * comments, an unbundled file in its path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface LoadedRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Package names, e.g. `clipanion`, `@elastic/elasticsearch`. */
  packages: Set<string>;
  /** Module paths inside node_modules, e.g. `ajv/dist/runtime/equal.js`. */
  modules: Set<string>;
}

const MODULE = /node_modules\/(((?:@[^/]+\/)?[^/]+)\/[^\s'"]*)/g;

export function loadedPackages(bin: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): LoadedRun {
  const dir = mkdtempSync(join(tmpdir(), 'esm-loaded-'));
  try {
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
       export async function load(url, context, next) {
         if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
         return next(url, context);
       }`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`);
    writeFileSync(log, '');
    const preload = join(dir, 'preload.cjs');
    writeFileSync(
      preload,
      `const Module = require('node:module');
       const { appendFileSync } = require('node:fs');
       const { pathToFileURL } = require('node:url');
       const load = Module._load;
       Module._load = function (request, parent, isMain) {
         const file = Module._resolveFilename(request, parent, isMain);
         if (file.startsWith('/')) appendFileSync(${JSON.stringify(log)}, pathToFileURL(file).href + '\\n');
         return load.apply(this, arguments);
       };`,
    );
    const r = spawnSync(process.execPath, ['--require', preload, '--import', register, bin, ...args], { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    const packages = new Set<string>();
    const modules = new Set<string>();
    for (const url of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      const file = fileURLToPath(url);
      const text = file.includes('/node_modules/') ? file : readFileSync(file, 'utf8');
      for (const m of text.matchAll(MODULE)) {
        modules.add(m[1]!);
        packages.add(m[2]!);
      }
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, packages, modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
