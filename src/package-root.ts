/**
 * The package's root directory (where package.json and schemas/ are), found by
 * walking up from this module: it sits one level down in the bundled `dist/`
 * and in `src/`, wherever the build puts the chunk that holds it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    root = dir;
  }
  return root;
}

/** A file of the package, e.g. `packageFile('schemas', 'manifest.schema.json')`. */
export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
