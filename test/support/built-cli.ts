/**
 * The built CLI (`bin/esm.js`, which runs `dist/`), for the tests that run esm as a
 * user's shell does: in a child process. `npm test` builds first; a bare `npx vitest`
 * after an edit would run yesterday's bundle, so the bundle must have been built from
 * the sources as they are now (the stamp `npm run build` writes), or the test refuses.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_STAMP, sourceHash } from '../../scripts/lib/source-hash.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/esm.js');

let checked: string | undefined;

/** Why dist/ cannot stand for src/ now, or null when it can. */
export function staleDist(root = ROOT): string | null {
  const stamp = path.join(root, 'dist', SOURCE_STAMP);
  if (!existsSync(path.join(root, 'dist', 'cli.js')) || !existsSync(stamp)) return 'dist/ is not built';
  if (readFileSync(stamp, 'utf8').trim() !== sourceHash(root)) return 'dist/ was built from other sources than src/ holds now';
  return null;
}

/** Path of bin/esm.js; throws, saying what to run, when dist/ is missing or older than the sources. */
export function builtCli(): string {
  checked ??= staleDist() ?? 'fresh';
  if (checked !== 'fresh') throw new Error(`${checked}: run npm run build (npm test builds first) before the tests that spawn bin/esm.js`);
  return BIN;
}
