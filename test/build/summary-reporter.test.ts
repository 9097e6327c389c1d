/**
 * The closing line of every test run (`N passed, N failed, N skipped`, test/support/summary-reporter.ts)
 * is what a CI log reader trusts: a file whose setup failed must show there as a failure, not
 * as tests skipped. Runs vitest on a scratch directory of three small files.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { scratchDir } from '../support/scratch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

it('counts a file whose beforeAll threw, and one that does not load, as failed', () => {
  const dir = scratchDir('reporter');
  writeFileSync(path.join(dir, 'ok.test.ts'), "import { it, expect } from 'vitest';\nit('passes', () => expect(1).toBe(1));\nit.skip('is skipped', () => {});\n");
  writeFileSync(
    path.join(dir, 'setup.test.ts'),
    "import { beforeAll, it } from 'vitest';\nbeforeAll(() => { throw new Error('no node'); });\nit('never runs', () => {});\nit('never runs either', () => {});\n",
  );
  writeFileSync(path.join(dir, 'broken.test.ts'), "import { it } from 'vitest';\nthrow new Error('does not load');\nit('x', () => {});\n");
  writeFileSync(
    path.join(dir, 'vitest.config.mjs'),
    `export default { test: { include: ['*.test.ts'], reporters: [${JSON.stringify(path.join(ROOT, 'test/support/summary-reporter.ts'))}] } };\n`,
  );
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs', '--root', dir], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  expect(r.status, r.stderr).toBe(1);
  // ok: 1 passed, 1 skipped; setup: its 2 tests skipped, the file failed; broken: failed to load.
  expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 2 failed, 3 skipped');
});
