/**
 * Prints, after vitest's own summary, one line per project naming the engine and
 * version its tests ran against, then one plain closing line,
 * `N passed, N failed, N skipped`, so that any CI log reader can tell what ran where.
 */
import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const perProject = new Map<string, Counts & { label: string }>();
    for (const mod of testModules) {
      const name = mod.project.name || 'tests';
      let row = perProject.get(name);
      if (!row) {
        row = { label: label(mod), passed: 0, failed: 0, skipped: 0 };
        perProject.set(name, row);
      }
      const failedBefore = row.failed;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') row.passed++;
        else if (state === 'failed') row.failed++;
        else row.skipped++;
      }
      // A file that failed without a failed test — it did not load, or its beforeAll threw and its
      // tests never ran (they count as skipped) — is a failure of its own.
      if (mod.state() === 'failed' && row.failed === failedBefore) row.failed++;
    }
    const lines = [];
    for (const row of perProject.values()) {
      total.passed += row.passed;
      total.failed += row.failed;
      total.skipped += row.skipped;
      if (perProject.size > 1) lines.push(`  ${row.label}: ${format(row)}`);
    }
    total.failed += unhandledErrors.length;
    process.stdout.write(`\n${lines.join('\n')}${lines.length ? '\n' : ''}${format(total)}\n`);
  }
}

function label(mod: TestModule): string {
  const name = mod.project.name;
  let engine: { name: string; version: string } | undefined;
  try {
    engine = mod.project.getProvidedContext().engine;
  } catch {
    engine = undefined;
  }
  return engine ? `${name} (${engine.name} ${engine.version})` : `${name} (no cluster)`;
}

const format = (c: Counts) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
