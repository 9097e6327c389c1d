/**
 * Placing a problem found after loading (a source file that is missing, what the engine
 * refuses at plan time) at its key in the manifest's file: the file is read again the
 * full way, with positions, only when there is a problem to place, and the path is looked
 * up in the document that starts where the manifest was declared.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { Manifest } from './types.js';
import { parseYamlFileFully } from './yaml-file.js';
import type { Anchor } from './yaml-positions.js';

/**
 * A problem at `keyPath` (e.g. `['spec', 'source', 'path']`) of the YAML document that
 * declares `manifest`. Falls back to where the document starts.
 */
export async function problemInManifest(manifest: Manifest, keyPath: (string | number)[], message: string, cwd: string): Promise<Problem> {
  const { file, line, col } = manifest.origin;
  const text = await readFile(path.resolve(cwd, file), 'utf8').catch(() => null);
  const doc = text === null ? undefined : parseYamlFileFully(file, text).documents.find((d) => d.start.line === line && d.start.col === col);
  return doc ? doc.problemAt(keyPath, message) : { file, line, col, message };
}

export interface Declaration {
  /** The file as it is named in messages. */
  file: string;
  /** Its directory, absolute (where it was read from). */
  dir: string;
  line: number;
  col: number;
}

/** A problem at `at` of the document declared at `where` (a companion's origin). Falls back to where the document starts. */
export async function problemAt(where: Declaration, at: (string | number)[], message: string, anchor: Anchor = 'value'): Promise<Problem> {
  const fallback: Problem = { file: where.file, line: where.line, col: where.col, message };
  const text = await readFile(path.join(where.dir, path.basename(where.file)), 'utf8').catch(() => null);
  if (text === null) return fallback;
  const doc = parseYamlFileFully(where.file, text).documents.find((d) => d.start.line === where.line && d.start.col === where.col);
  return doc ? doc.problemAt(at, message, anchor) : fallback;
}
