import { readFileSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { MULTI_NODE_TESTS, selectedEngines } from './test/support/engines.js';

const TESTS = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'];

/**
 * A test file talks to a cluster when it uses the node helpers of test/support
 * (es.ts, or project.ts / apply-fixtures.ts built on it). Those files run once per
 * engine (test/support/engines.ts, ESM_TEST_ENGINES); every other file runs once.
 */
const USES_NODE = /from\s+['"][./]*(?:test\/)?support\/(?:es|project|apply-fixtures)(?:\.js)?['"]/;
const clusterFacing = globSync(TESTS, { ignore: ['**/node_modules/**', MULTI_NODE_TESTS] })
  .filter((f) => USES_NODE.test(readFileSync(f, 'utf8')))
  .sort();

const engineProjects: TestProjectInlineConfiguration[] = selectedEngines().map((engine) => ({
  extends: true,
  test: {
    name: engine.id,
    // The three-node bed runs only its own suite, one file at a time (its tests stop and start nodes).
    include: engine.suite === 'multi-node' ? [MULTI_NODE_TESTS] : clusterFacing,
    ...(engine.suite === 'multi-node' ? { fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000 } : {}),
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
