/**
 * vitest globalSetup: use ESM_TEST_URL when set, otherwise start a local
 * Elasticsearch node with scripts/es.mjs and stop it when the run ends.
 */
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without types
import { startNode, stopNode } from '../../scripts/es.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    esUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.ESM_TEST_URL;
  if (given) {
    project.provide('esUrl', given.replace(/\/+$/, ''));
    return;
  }
  const node = await startNode({ log: (line: string) => process.stderr.write(`[es] ${line}\n`) });
  project.provide('esUrl', node.url);
  return async () => {
    if (node.startedByUs) await stopNode();
  };
}
