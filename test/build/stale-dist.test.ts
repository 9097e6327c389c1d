/** The tests that spawn bin/esm.js run only a dist/ built from the sources as they are now. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_STAMP, sourceHash } from '../../scripts/lib/source-hash.mjs';
import { staleDist } from '../support/built-cli.js';
import { scratchDir } from '../support/scratch.js';

const root = scratchDir('stale-dist');
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};

describe('staleDist', () => {
  it('accepts the bundle its stamp matches, and refuses one built before a source, schema or the build script changed', () => {
    write('src/cli.ts', 'export {};\n');
    write('schemas/plan.schema.json', '{}\n');
    write('scripts/build.mjs', '// build\n');
    write('package.json', '{}\n');
    expect(staleDist(root)).toBe('dist/ is not built');
    write('dist/cli.js', '// bundle\n');
    expect(staleDist(root)).toBe('dist/ is not built');
    write(`dist/${SOURCE_STAMP}`, `${sourceHash(root)}\n`);
    expect(staleDist(root)).toBeNull();

    for (const [file, text] of [['src/cli.ts', 'export const x = 1;\n'], ['src/plan/new.ts', '\n'], ['schemas/plan.schema.json', '{"a":1}\n'], ['scripts/build.mjs', '// other\n']]) {
      write(file!, text!);
      expect(staleDist(root), file).toBe('dist/ was built from other sources than src/ holds now');
      write(`dist/${SOURCE_STAMP}`, `${sourceHash(root)}\n`);
      expect(staleDist(root), file).toBeNull();
    }
    // A folder's README is not built into the bundle.
    write('src/plan/README.md', '# src/plan\n');
    expect(staleDist(root)).toBeNull();
  });
});
