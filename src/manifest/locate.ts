/**
 * Where a value of a loaded manifest sits in its file, for a problem found after
 * loading (the engine refusing a field): the file is read again, the full way, and
 * the manifest's document found by where it starts. The document's own position when
 * the file changed meanwhile or the path leads nowhere.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { Manifest } from './types.js';
import { parseYamlFileFully } from './yaml-file.js';

/** A problem at `at` (a path from the document's root, e.g. `['spec', 'mappings', 'properties', 'total']`). */
export async function problemInManifest(manifest: Manifest, at: (string | number)[], message: string): Promise<Problem> {
  const { file, line, col, dir } = manifest.origin;
  const fallback: Problem = { file, line, col, message };
  const text = await readFile(path.join(dir, path.basename(file)), 'utf8').catch(() => null);
  if (text === null) return fallback;
  const doc = parseYamlFileFully(file, text).documents.find((d) => d.start.line === line && d.start.col === col);
  return doc ? doc.problemAt(at, message, 'key') : fallback;
}
