/**
 * vitest globalSetup of one engine's project (see vitest.config.ts): use the node
 * its URL variable names (ESM_TEST_URL, ESM_TEST_OPENSEARCH_URL, ESM_TEST_ES9_URL),
 * otherwise start one with scripts/ — or reuse the one this checkout already runs —
 * and, at the end, stop it only if THIS run started it (a node the demo left running
 * survives a test run).
 */
import type { TestProject } from 'vitest/node';
import * as local from '../../scripts/lib/local-node.mjs';
import { engineById, type EngineContext, type TestEngine } from './engines.js';

declare module 'vitest' {
  export interface ProvidedContext {
    esUrl: string;
    engine: EngineContext;
  }
}

export default async function setup(project: TestProject) {
  const engine = engineById(project.name);
  const log = (line: string) => process.stderr.write(`[${engine.id}] ${line}\n`);
  const given = process.env[engine.urlEnv]?.replace(/\/+$/, '');
  let url: string;
  let stop: (() => Promise<unknown>) | undefined;
  if (given) {
    if (!(await local.health(given))) throw new Error(`${engine.urlEnv}=${redact(given)} does not answer a cluster health request`);
    url = given;
  } else if (engine.script === 'cluster.mjs') {
    const bed = await import('../../scripts/cluster.mjs');
    const started = await bed.startCluster({ log });
    url = started.url;
    if (started.startedByUs) stop = () => bed.stopCluster({ log });
  } else {
    const spec = await localEngine(engine);
    const node = await local.startNode(spec, { log });
    url = node.url;
    if (node.startedByUs) stop = () => local.stopNode(spec, { log });
  }
  const version = await checkEngine(engine, url);
  const ctx: EngineContext = { id: engine.id, name: engine.name, tag: engine.tag, version, url };
  project.provide('engine', ctx);
  project.provide('esUrl', url);
  log(`tests run against ${engine.name} ${version} at ${redact(url)}`);
  return stop;
}

async function localEngine(engine: TestEngine): Promise<local.LocalEngine> {
  if (engine.script === 'opensearch.mjs') return (await import('../../scripts/opensearch.mjs')).engine;
  const es = await import('../../scripts/es.mjs');
  return es.elasticsearch(engine.version ?? es.ES_VERSION);
}

/** The node's version; refuses a node of the other engine (a URL variable mixed up). */
async function checkEngine(engine: TestEngine, url: string): Promise<string> {
  const nodes = (await getJson(url, '/_nodes/_local?filter_path=nodes.*.version')) as { nodes?: Record<string, { version: string }> };
  const version = Object.values(nodes.nodes ?? {})[0]?.version ?? '?';
  // Elasticsearch's integ-test node answers GET / with 405; OpenSearch names its distribution.
  const root = (await getJson(url, '/').catch(() => ({}))) as { version?: { distribution?: string } };
  const isOpenSearch = root.version?.distribution === 'opensearch';
  if (isOpenSearch !== (engine.name === 'OpenSearch')) {
    throw new Error(`${engine.urlEnv}=${redact(url)} is ${isOpenSearch ? 'OpenSearch' : 'Elasticsearch'} ${version}, not ${engine.name}`);
  }
  if (engine.version && version.split('.')[0] !== engine.version.split('.')[0]) {
    throw new Error(`${engine.urlEnv}=${redact(url)} runs ${engine.name} ${version}; the ${engine.id} tests want ${engine.version.split('.')[0]}.x`);
  }
  return version;
}

async function getJson(url: string, path: string): Promise<unknown> {
  const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
  return res.json();
}

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');
