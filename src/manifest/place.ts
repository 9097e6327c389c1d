/** Placing a problem found after loading (e.g. a source file that is missing) at its key in the manifest's file. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { Manifest } from './types.js';
import { parseYamlFileFully } from './yaml-file.js';

/**
 * A problem at `keyPath` (e.g. `['spec', 'source', 'path']`) of the YAML document that
 * declares `manifest`: the file is read again with positions, only when there is a
 * problem to place. Falls back to where the document starts.
 */
export async function problemInManifest(manifest: Manifest, keyPath: (string | number)[], message: string, cwd: string): Promise<Problem> {
  const { file, line, col } = manifest.origin;
  const text = await readFile(path.resolve(cwd, file), 'utf8').catch(() => null);
  const doc = text === null ? undefined : parseYamlFileFully(file, text).documents.find((d) => d.start.line === line && d.start.col === col);
  return doc ? doc.problemAt(keyPath, message) : { file, line, col, message };
}
