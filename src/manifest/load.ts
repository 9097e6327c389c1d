/** Reading manifests from disk: every *.yaml / *.yml under a directory. */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { manifestProblems, parseManifestSet, type ParseOptions } from './parse.js';
import type { Manifest, ManifestSet } from './types.js';
import { sizeProblem } from './yaml-limits.js';

export interface LoadOptions {
  /** Files are named relative to this directory in problems and `origin.file` (when inside it). Default: process.cwd(). */
  cwd?: string;
  /** The environment prefix: with it, a name must stay within the length limit. */
  prefix?: string;
  /** Check field types against each engine's list (see ParseOptions). */
  fieldTypes?: ParseOptions['fieldTypes'];
}

/**
 * The index masters of every `*.yaml` / `*.yml` file under `dir` (recursively, in
 * sorted path order; hidden files and directories are skipped). An empty
 * directory gives `[]`; a missing one is an InvalidInputError.
 */
export async function loadManifests(dir: string, opts: LoadOptions = {}): Promise<Manifest[]> {
  return (await loadManifestSet(dir, opts)).masters;
}

/** Every manifest under `dir`, as loadManifests reads them: the index masters and the companion objects (SPEC §12). */
export async function loadManifestSet(dir: string, opts: LoadOptions = {}): Promise<ManifestSet> {
  const cwd = opts.cwd ?? process.cwd();
  const root = path.resolve(cwd, dir);
  const info = await stat(root).catch(() => null);
  if (!info) {
    throw new InvalidInputError(`manifests directory not found: ${displayPath(root, cwd)} (set it with --manifests, ESM_MANIFESTS or manifests: in esm.config.yaml)`);
  }
  if (!info.isDirectory()) throw new InvalidInputError(`manifests path is not a directory: ${displayPath(root, cwd)}`);

  const walk: Walk = { root: await realpath(root), cwd, seen: new Set() };
  const files = (await yamlFilesUnder(root, walk)).sort((a, b) => compare(toPosix(path.relative(root, a.abs)), toPosix(path.relative(root, b.abs))));
  const tooBig = [];
  for (const f of files) {
    const p = sizeProblem(displayPath(f.abs, cwd), f.size);
    if (p) tooBig.push(p);
  }
  if (tooBig.length > 0) throw manifestProblems(tooBig);
  const texts = await Promise.all(
    files.map(async (f) => ({ file: displayPath(f.abs, cwd), text: await readFile(f.abs, 'utf8'), dir: path.dirname(f.abs) })),
  );
  return parseManifestSet(texts, { prefix: opts.prefix, ...(opts.fieldTypes ? { fieldTypes: opts.fieldTypes } : {}) });
}

interface Walk {
  /** The real path of the manifests directory: links may not lead out of it. */
  root: string;
  cwd: string;
  /** Real paths of the files read so far (a file reached through two links is read once). */
  seen: Set<string>;
}

interface Found {
  abs: string;
  size: number;
}

/**
 * The YAML files under `dir`. Symbolic links are followed only while they stay
 * inside the manifests directory; a link out of it, or back to a directory that
 * contains it (a loop), is an error.
 */
async function yamlFilesUnder(dir: string, walk: Walk, real = walk.root): Promise<Found[]> {
  const out: Found[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    let target = path.join(real, entry.name);
    if (entry.isSymbolicLink()) {
      const resolved = await realpath(abs).catch(() => null);
      if (resolved === null) continue; // a dangling link holds no manifest
      target = resolved;
      if (!isInside(target, walk.root)) {
        throw new InvalidInputError(
          `${displayPath(abs, walk.cwd)} is a symbolic link to ${target}, outside the manifests directory: ` +
            'esm does not follow links out of it (replace the link by the files it should hold)',
        );
      }
    }
    const kind = entry.isSymbolicLink() ? await stat(abs).catch(() => null) : entry;
    if (kind?.isDirectory()) {
      if (isInside(real, target)) {
        const loop = displayPath(path.join(walk.root, path.relative(walk.root, target)), walk.cwd);
        throw new InvalidInputError(`${displayPath(abs, walk.cwd)} is a symbolic link loop: it leads back to ${loop}, which contains it`);
      }
      out.push(...(await yamlFilesUnder(abs, walk, target)));
    } else if (kind?.isFile() && /\.ya?ml$/i.test(entry.name) && !walk.seen.has(target)) {
      walk.seen.add(target);
      const size = 'size' in kind ? kind.size : (await stat(abs)).size;
      out.push({ abs, size });
    }
  }
  return out;
}

/** Whether `p` is `dir` or below it (both real paths). */
function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
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
