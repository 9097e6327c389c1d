/** Reading manifests from disk: every *.yaml / *.yml under a directory. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { parseManifestTexts } from './parse.js';
import type { Manifest } from './types.js';

export interface LoadOptions {
  /** Files are named relative to this directory in problems and `origin.file` (when inside it). Default: process.cwd(). */
  cwd?: string;
}

/**
 * The manifests of every `*.yaml` / `*.yml` file under `dir` (recursively, in
 * sorted path order; hidden files and directories are skipped). An empty
 * directory gives `[]`; a missing one is an InvalidInputError.
 */
export async function loadManifests(dir: string, opts: LoadOptions = {}): Promise<Manifest[]> {
  const cwd = opts.cwd ?? process.cwd();
  const root = path.resolve(cwd, dir);
  const info = await stat(root).catch(() => null);
  if (!info) {
    throw new InvalidInputError(`manifests directory not found: ${displayPath(root, cwd)} (set it with --manifests, ESM_MANIFESTS or manifests: in esm.config.yaml)`);
  }
  if (!info.isDirectory()) throw new InvalidInputError(`manifests path is not a directory: ${displayPath(root, cwd)}`);

  const files = (await yamlFilesUnder(root)).sort((a, b) => compare(toPosix(path.relative(root, a)), toPosix(path.relative(root, b))));
  const texts = await Promise.all(
    files.map(async (abs) => ({ file: displayPath(abs, cwd), text: await readFile(abs, 'utf8'), dir: path.dirname(abs) })),
  );
  return parseManifestTexts(texts);
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    const kind = entry.isSymbolicLink() ? await stat(abs).catch(() => null) : entry;
    if (kind?.isDirectory()) out.push(...(await yamlFilesUnder(abs)));
    else if (kind?.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(abs);
  }
  return out;
}

/** How a file is named in messages: relative to `cwd` when inside it. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
