import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Starts (or reuses, with ESM_TEST_URL) a real Elasticsearch node for the whole run.
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // clipanion 3's ESM build imports a directory, which Node's strict ESM resolver refuses;
    // letting Vite transform it resolves the import the way bundlers do.
    server: { deps: { inline: ['clipanion'] } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
