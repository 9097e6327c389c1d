import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { MULTI_NODE_TESTS, selectedEngines } from './test/support/engines.js';

const TESTS = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'];

/**
 * A test file talks to a cluster when it uses the node helpers of test/support/es.ts,
 * directly or through a module under test/ built on them (project.ts, apply-fixtures.ts,
 * fault-proxy.ts, a folder's helpers.ts…); importing only their types does not count.
 * Those files run once per engine (test/support/engines.ts, ESM_TEST_ENGINES); every
 * other file runs once.
 */
const NODE_HELPERS = path.resolve('test/support/es.ts');
const IMPORT = /\bimport\s+(type\s+)?[^;]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g;
function usesNode(file: string, seen = new Set<string>()): boolean {
  seen.add(file);
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].some(([, typeOnly, spec]) => {
    const target = path.resolve(path.dirname(file), spec!).replace(/\.js$/, '.ts');
    if (typeOnly || seen.has(target)) return false;
    return target === NODE_HELPERS || (target.startsWith(path.resolve('test')) && existsSync(target) && usesNode(target, seen));
  });
}
const clusterFacing = globSync(TESTS, { ignore: ['**/node_modules/**', MULTI_NODE_TESTS] })
  .filter((f) => usesNode(path.resolve(f)))
  .sort();

const engineProjects: TestProjectInlineConfiguration[] = selectedEngines().map((engine) => ({
  extends: true,
  test: {
    name: engine.id,
    // The three-node bed runs only its own suite, one file at a time (its tests stop and start nodes).
    include: engine.suite === 'multi-node' ? [MULTI_NODE_TESTS] : clusterFacing,
    // A test's timeout guards against a hang, not a speed: cluster tests fill hundreds of
    // thousands of documents through spawned processes, and CI runs three engines' files on two
    // cores, where a case that takes 20 s alone can take several times that.
    ...(engine.suite === 'multi-node' ? { fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000 } : { testTimeout: 300_000, hookTimeout: 300_000 }),
    // Starts (or reuses, with the engine's URL variable) that engine's node — or the bed — for the run.
    globalSetup: ['test/support/global-setup.ts'],
  },
}));

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // clipanion 3's ESM build imports a directory, which Node's strict ESM resolver refuses;
    // letting Vite transform it resolves the import the way bundlers do.
    server: { deps: { inline: ['clipanion'] } },
    pool: 'forks',
    maxWorkers: 2,
    // Each project lists its own files (an inherited `include` would be merged, not replaced).
    projects: [{ extends: true, test: { name: 'unit', include: TESTS, exclude: ['**/node_modules/**', MULTI_NODE_TESTS, ...clusterFacing] } }, ...engineProjects],
  },
});
