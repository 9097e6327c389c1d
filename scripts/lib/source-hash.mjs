// What dist/ is built from, as one hash: the build writes it beside the bundle and the
// tests that spawn the built CLI compare it with the sources as they are now, so that
// they never run a bundle older than the code under test.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The inputs of the bundle: the code and JSON of src/ and schemas/ (not their READMEs), the build script and package.json. */
const INPUT_DIRS = ['src', 'schemas'];
const INPUT = /\.(ts|tsx|js|mjs|cjs|json)$/;
const INPUT_FILES = ['scripts/build.mjs', 'package.json'];

/** File name of the stamp inside dist/. */
export const SOURCE_STAMP = 'build-source.sha256';

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile() && INPUT.test(entry.name)) out.push(path);
  }
  return out;
}

/** sha256 (hex) of the bundle's inputs under `root`: their paths and contents. */
export function sourceHash(root) {
  const files = [...INPUT_DIRS.flatMap((d) => filesUnder(join(root, d))), ...INPUT_FILES.map((f) => join(root, f))]
    .map((f) => relative(root, f).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}
