#!/usr/bin/env node
// A real, local, single-node Elasticsearch for the tests, the demo and the benchmarks.
//
//   node scripts/es.mjs start    fetch (once) and start a node, print its URL
//   node scripts/es.mjs stop     stop the node this checkout started
//   node scripts/es.mjs status   say whether it runs and where
//   (npm run es:start | es:stop | es:status)
//
// The node is Elasticsearch's integration-test distribution, fetched from Maven
// Central with Maven (org.elasticsearch.distribution.integ-test-zip), cached under
// .cache/elasticsearch (git-ignored). It runs on 127.0.0.1 with a small heap, as a
// non-root user (Elasticsearch refuses root), with security and disk watermarks off.
// ESM_ES_VERSION picks another version: 8.x runs on a JDK 17+, 9.x needs 21+
// (ES_JAVA_HOME, JAVA_HOME, the `java` on PATH or an installed JDK, whichever fits).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_ROOT, cli, mavenCopy, unpack, nodeStatus as status, startNode as start, stopNode as stop } from './lib/local-node.mjs';

export const ES_VERSION = process.env.ESM_ES_VERSION || '8.19.7';
const CACHE = join(CACHE_ROOT, 'elasticsearch');

/** The Elasticsearch engine at `version` (the default one, or e.g. '9.2.4' for the matrix). */
export function elasticsearch(version = ES_VERSION) {
  const major = Number(version.split('.')[0]);
  return {
    id: major >= 9 ? `elasticsearch${major}` : 'elasticsearch',
    name: 'Elasticsearch',
    script: 'node scripts/es.mjs',
    version,
    cacheDir: CACHE,
    bin: 'elasticsearch',
    java: { min: major >= 9 ? 21 : 17, envVar: 'ES_JAVA_HOME' },
    javaHomeEnv: 'ES_JAVA_HOME',
    javaOptsEnv: 'ES_JAVA_OPTS',
    httpPorts: major >= 9 ? '9230-9249' : '9200-9229',
    transportPorts: '9300-9349',
    settings: { 'xpack.security.enabled': 'false' },
    ensureHome: (log) => ensureHome(version, log),
  };
}

export const engine = elasticsearch();
export const startNode = (opts) => start(engine, opts);
export const stopNode = (opts) => stop(engine, opts);
export const nodeStatus = () => status(engine);

/** Download (once) and unpack the distribution; returns its home directory. */
function ensureHome(version, log) {
  const home = join(CACHE, `elasticsearch-${version}`);
  if (existsSync(join(home, 'bin', 'elasticsearch'))) return home;
  mkdirSync(CACHE, { recursive: true });
  const zip = join(CACHE, `elasticsearch-${version}.zip`);
  if (!existsSync(zip)) mavenCopy(CACHE, `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${version}:zip`, log);
  if (!existsSync(zip)) throw new Error(`Maven did not deliver ${zip}`);
  log(`unpacking ${zip}`);
  unpack(zip, home);
  return home;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await cli(engine);
