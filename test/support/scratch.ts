/**
 * Scratch directories that clean up after themselves: made inside a test, removed when
 * that test ends; made outside one (top level, describe, beforeAll), after the file's tests.
 * What the tests used to pair by hand (a `let dir` and an `afterEach` that removes it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/** Cleanups of things made outside a test (at a file's top level, in a describe, in beforeAll). */
const atEnd: Array<() => unknown> = [];
// Each test file loads this module afresh: this hook runs after the file's last test.
afterAll(async () => {
  for (const cleanup of atEnd.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` when the current test ends; outside a test, after the current file's tests. */
export function whenDone(cleanup: () => unknown): void {
  try {
    onTestFinished(async () => {
      await cleanup();
    });
  } catch {
    atEnd.push(cleanup);
  }
}

/** A new empty directory (under the OS temp dir), removed when done. */
export function scratchDir(label = 'tmp'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `esm-${label}-`));
  whenDone(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `text` to `rel` under `dir` (parents created); returns the absolute path. */
export function writeIn(dir: string, rel: string, text: string | Uint8Array): string {
  const file = path.resolve(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}
