/**
 * The engine matrix of the test run (used by vitest.config.ts and the global setup).
 *
 * Every cluster-facing test file runs once per selected engine, in a vitest project
 * named after it. `ESM_TEST_ENGINES` selects them (comma-separated ids, or `all`);
 * each engine's node is the one its `urlEnv` points at, or else one started (or
 * reused) with its script under scripts/.
 */

export interface TestEngine {
  /** The vitest project's name. */
  id: string;
  /** Product name as shown in the logs. */
  name: 'Elasticsearch' | 'OpenSearch';
  /** Short tag put into every test prefix of this engine. */
  tag: string;
  /** An already running node to use instead of starting one. */
  urlEnv: string;
  /** The script that starts / reuses a local node (or, cluster.mjs, the three-node bed), and the version it pins. */
  script: 'es.mjs' | 'opensearch.mjs' | 'cluster.mjs';
  /**
   * The test files of its project: every cluster-facing file (`one-node`, the default), or
   * the multi-node suite under test/cluster/ (`multi-node`), which only the bed runs.
   */
  suite?: 'one-node' | 'multi-node';
  versionEnv?: string;
  version?: string;
}

export const ENGINES: readonly TestEngine[] = [
  { id: 'elasticsearch', name: 'Elasticsearch', tag: 'es', urlEnv: 'ESM_TEST_URL', script: 'es.mjs' },
  { id: 'opensearch', name: 'OpenSearch', tag: 'os', urlEnv: 'ESM_TEST_OPENSEARCH_URL', script: 'opensearch.mjs' },
  { id: 'elasticsearch9', name: 'Elasticsearch', tag: 'es9', urlEnv: 'ESM_TEST_ES9_URL', script: 'es.mjs', version: '9.2.4' },
  // Three OpenSearch nodes on loopback (scripts/cluster.mjs): replicas, green waits, a node lost mid-fill.
  { id: 'cluster', name: 'OpenSearch', tag: 'os3', urlEnv: 'ESM_TEST_CLUSTER_URL', script: 'cluster.mjs', suite: 'multi-node' },
];

/** Engines `npm test` runs when ESM_TEST_ENGINES is not set (one node each: the multi-node bed only with `all` or `cluster`). */
export const DEFAULT_ENGINES = ['elasticsearch', 'opensearch'];

export function selectedEngines(env: NodeJS.ProcessEnv = process.env): TestEngine[] {
  const raw = env.ESM_TEST_ENGINES?.trim();
  const wanted = !raw ? DEFAULT_ENGINES : raw === 'all' ? ENGINES.map((e) => e.id) : raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !ENGINES.some((e) => e.id === id));
  if (unknown.length > 0) {
    throw new Error(`ESM_TEST_ENGINES: unknown engine ${unknown.join(', ')} (known: ${ENGINES.map((e) => e.id).join(', ')}, or all)`);
  }
  return ENGINES.filter((e) => wanted.includes(e.id));
}

export function engineById(id: string): TestEngine {
  const e = ENGINES.find((x) => x.id === id);
  if (!e) throw new Error(`unknown test engine ${id}`);
  return e;
}

/** What the global setup hands to the tests of one engine's project. */
export interface EngineContext {
  id: string;
  name: string;
  tag: string;
  version: string;
  url: string;
}

/** The multi-node suite: its files, which only the `multi-node` project runs. */
export const MULTI_NODE_TESTS = 'test/cluster/**/*.test.ts';
