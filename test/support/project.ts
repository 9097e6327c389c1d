/**
 * A throw-away esm project on the real node of this run's engine: a scratch project
 * (scratch-project.ts) with its own environment prefix, whose indices are deleted with
 * the directory when the test (or, made outside a test, the file) is done.
 */
import { cleanupPrefix, esUrl, scratchPrefix } from './es.js';
import { scratchProject, type ScratchProject } from './scratch-project.js';

export { ndjson } from './scratch-project.js';

export interface TempProject extends ScratchProject {
  prefix: string;
  /** Delete the prefix's indices now (also done when the test is done). */
  cleanup(): Promise<void>;
}

export function tempProject(label = 'proj'): TempProject {
  const prefix = scratchPrefix(label);
  const p = scratchProject(label, { ESM_URL: esUrl(), ESM_PREFIX: prefix });
  return { ...p, prefix, cleanup: () => cleanupPrefix(prefix) };
}
