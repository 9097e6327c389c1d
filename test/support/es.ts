/**
 * Helpers for tests that talk to the real node of this run's engine project
 * (Elasticsearch 8, OpenSearch, Elasticsearch 9: see test/support/engines.ts).
 */
import { inject } from 'vitest';
import { Client, Transport } from '@elastic/elasticsearch';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { randomBytes } from 'node:crypto';
import { connect, type Cluster, type ConnectOptions } from '../../src/cluster/index.js';
import type { Auth } from '../../src/cluster/engine.js';
import type { EngineContext } from './engines.js';
import { whenDone } from './scratch.js';

export function esUrl(): string {
  return inject('esUrl');
}

/** The engine of the current project: id, name ('Elasticsearch' | 'OpenSearch'), version, url. */
export function testEngine(): EngineContext {
  return inject('engine');
}

export const isOpenSearch = (): boolean => testEngine().name === 'OpenSearch';

/** A fresh environment prefix, so that tests never see each other's indices (nor another engine's). */
export function testPrefix(label = 't'): string {
  return `esmt_${testEngine().tag}_${label.toLowerCase().replace(/[^a-z0-9]/g, '')}_${randomBytes(3).toString('hex')}_`;
}

/**
 * Lets the Elasticsearch client talk to OpenSearch for the tests' own assertions:
 * without its product check (OpenSearch sends no x-elastic-product header) and with
 * plain JSON media types (OpenSearch answers 406 to Elastic's compatible-with=8 ones).
 * The requests are the same REST calls on both engines; the code under test uses
 * its own engine clients, never this.
 */
class EngineNeutralTransport extends Transport {
  constructor(opts: ConstructorParameters<typeof Transport>[0]) {
    super({
      ...opts,
      productCheck: undefined,
      vendoredHeaders: { jsonContentType: 'application/json', ndjsonContentType: 'application/x-ndjson', accept: 'application/json, text/plain' },
    });
  }
}

let client: Client | undefined;
/**
 * A raw client for assertions, with the same API on every engine (the code under
 * test uses src/cluster).
 */
export function rawClient(): Client {
  client ??= isOpenSearch() ? new Client({ node: esUrl(), Transport: EngineNeutralTransport }) : new Client({ node: esUrl() });
  return client;
}

let osClient: OpenSearchClient | undefined;
/**
 * OpenSearch's own client, for assertions only that engine can make (its answers come
 * as `{ body, statusCode }`). Refused in another engine's project.
 */
export function rawOpenSearchClient(): OpenSearchClient {
  if (!isOpenSearch()) throw new Error(`rawOpenSearchClient() in the ${testEngine().id} project: use rawClient(), or run the test only where isOpenSearch()`);
  osClient ??= new OpenSearchClient({ node: esUrl() });
  return osClient;
}

/** Delete every index and alias under a prefix. */
export async function cleanupPrefix(prefix: string): Promise<void> {
  await rawClient().indices.delete({ index: `${prefix}*`, ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' });
}

/** A fresh prefix (testPrefix) whose indices and aliases are deleted when the test (or, made outside one, the file) is done. */
export function scratchPrefix(label = 't'): string {
  const prefix = testPrefix(label);
  whenDone(() => cleanupPrefix(prefix));
  return prefix;
}

export interface TestClusterOptions extends ConnectOptions {
  /** Where to connect: the node of the run by default, or a proxy in front of it. */
  url?: string;
  auth?: Auth;
  /**
   * Name the run's engine instead of asking the cluster (esm's default, `auto`): for
   * tests that count requests, or whose proxy may fail the probe too.
   */
  forceEngine?: boolean;
}

/** The run's engine as `--engine` names it. */
export const testEngineName = (): 'elasticsearch' | 'opensearch' => (isOpenSearch() ? 'opensearch' : 'elasticsearch');

/**
 * The engine port (src/cluster) connected to the node of the run as esm connects,
 * closed when the test (or, made outside one, the file) is done.
 */
export function testCluster(opts: TestClusterOptions = {}): Cluster {
  const { url = esUrl(), auth = { kind: 'none' }, forceEngine = false, ...options } = opts;
  const cluster = connect({ url, auth, caCert: null, engine: forceEngine ? testEngineName() : 'auto' }, options);
  whenDone(() => cluster.close());
  return cluster;
}

/** The modules every node of the run's cluster has (`reindex`, `analysis-common`, …): what a test may rely on. */
export async function nodeModules(): Promise<Set<string>> {
  const res = (await fetch(`${esUrl()}/_nodes/plugins?filter_path=nodes.*.modules.name`).then((r) => r.json())) as { nodes: Record<string, { modules: { name: string }[] }> };
  const perNode = Object.values(res.nodes).map((n) => new Set(n.modules.map((m) => m.name)));
  return new Set([...(perNode[0] ?? [])].filter((m) => perNode.every((n) => n.has(m))));
}
