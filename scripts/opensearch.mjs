#!/usr/bin/env node
// A real, local, single-node OpenSearch for the tests (the second engine of the matrix).
//
//   node scripts/opensearch.mjs start    fetch and assemble (once), start a node, print its URL
//   node scripts/opensearch.mjs stop     stop the node this checkout started
//   node scripts/opensearch.mjs status   say whether it runs and where
//   (npm run os:start | os:stop | os:status)
//
// OpenSearch's integration-test distribution ships only transport-netty4, so the
// modules esm needs (reindex, lang-painless, analysis-common, mapper-extras,
// parent-join, ingest-common, lang-mustache) are fetched as jars from Maven Central with their runtime
// dependencies, and each becomes modules/<name>/ with the plugin descriptor and the
// security policy the jars don't carry. Everything is cached under .cache/opensearch
// (git-ignored); a cached home that lacks one of these modules (assembled by an
// older version of this script) is assembled again. Runs on 127.0.0.1 with a 768m heap, as a non-root user, on a JDK
// 11 to 23 (OPENSEARCH_JAVA_HOME; Java 24+ can't run its security manager).
// ESM_OPENSEARCH_VERSION picks another 2.x version.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, cpSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_ROOT, cli, mavenCopyDependencies, unpack, nodeStatus as status, startNode as start, stopNode as stop } from './lib/local-node.mjs';

export const OPENSEARCH_VERSION = process.env.ESM_OPENSEARCH_VERSION || '2.19.6';
const CACHE = join(CACHE_ROOT, 'opensearch');

const SOCKET_POLICY = [
  'permission java.net.SocketPermission "*", "connect";',
  'permission java.net.NetPermission "getProxySelector";',
];

/** The modules esm needs, as Maven artifacts of group org.opensearch.plugin. */
const MODULES = [
  {
    name: 'reindex',
    artifact: 'reindex-client',
    classname: 'org.opensearch.index.reindex.ReindexPlugin',
    description: 'The Reindex module adds APIs to reindex from one index to another or update documents in place.',
    exclusions: ['org.opensearch:opensearch-common', 'io.projectreactor:*', 'org.reactivestreams:*'],
    policy: SOCKET_POLICY,
  },
  {
    name: 'lang-painless',
    artifact: 'lang-painless',
    classname: 'org.opensearch.painless.PainlessPlugin',
    description: 'An easy, safe and fast scripting language for OpenSearch',
    exclusions: ['org.opensearch:opensearch'],
    policy: ['permission java.lang.RuntimePermission "createClassLoader";', 'permission java.lang.RuntimePermission "getClassLoader";'],
  },
  {
    name: 'analysis-common',
    artifact: 'analysis-common',
    classname: 'org.opensearch.analysis.common.CommonAnalysisPlugin',
    description: 'Adds "built in" analyzers to OpenSearch.',
    // It registers a painless whitelist, so it extends lang-painless.
    extended: ['lang-painless'],
  },
  {
    name: 'mapper-extras',
    artifact: 'mapper-extras-client',
    classname: 'org.opensearch.index.mapper.MapperExtrasPlugin',
    description: 'Adds advanced field mappers',
  },
  {
    name: 'parent-join',
    artifact: 'parent-join-client',
    classname: 'org.opensearch.join.ParentJoinPlugin',
    description: 'This module adds the support parent-child queries and aggregations',
  },
  {
    // Ingest processors (set, lowercase, rename, grok, script, …) for IngestPipeline companions.
    name: 'ingest-common',
    artifact: 'ingest-common',
    classname: 'org.opensearch.ingest.common.IngestCommonPlugin',
    description: 'Module for ingest processors that do not require additional security permissions or have large dependencies and resources',
    // Its script processor uses painless.
    extended: ['lang-painless'],
    exclusions: ['org.opensearch:opensearch'],
  },
  {
    // Mustache search templates (StoredScript companions with lang: mustache, _search/template).
    name: 'lang-mustache',
    artifact: 'lang-mustache-client',
    classname: 'org.opensearch.script.mustache.MustachePlugin',
    description: 'Mustache scripting integration for OpenSearch',
    exclusions: ['org.opensearch:opensearch'],
    policy: ['permission java.lang.reflect.ReflectPermission "suppressAccessChecks";', 'permission java.lang.RuntimePermission "accessDeclaredMembers";'],
  },
];

export const engine = {
  id: 'opensearch',
  name: 'OpenSearch',
  script: 'node scripts/opensearch.mjs',
  version: OPENSEARCH_VERSION,
  cacheDir: CACHE,
  bin: 'opensearch',
  java: { min: 11, max: 23, envVar: 'OPENSEARCH_JAVA_HOME' },
  javaHomeEnv: 'OPENSEARCH_JAVA_HOME',
  javaOptsEnv: 'OPENSEARCH_JAVA_OPTS',
  httpPorts: '9250-9299',
  transportPorts: '9350-9399',
  settings: {},
  ensureHome,
};

export const startNode = (opts) => start(engine, opts);
export const stopNode = (opts) => stop(engine, opts);
export const nodeStatus = () => status(engine);

/** Fetch (once) the distribution and the modules and assemble them; returns the home directory. */
function ensureHome(log) {
  const home = join(CACHE, `opensearch-${OPENSEARCH_VERSION}`);
  const missing = missingModules(home);
  if (missing.length === 0) return home;
  if (missing.length < MODULES.length) log(`the cached OpenSearch ${OPENSEARCH_VERSION} lacks ${missing.join(', ')}: assembling it again`);
  const build = join(CACHE, `build-${OPENSEARCH_VERSION}`);
  rmSync(build, { recursive: true, force: true });
  writePoms(build);
  mavenCopyDependencies(build, log);

  const zip = join(build, 'distribution', 'target', 'dependency', `opensearch-${OPENSEARCH_VERSION}.zip`);
  if (!existsSync(zip)) throw new Error(`Maven did not deliver ${zip}`);
  log(`assembling OpenSearch ${OPENSEARCH_VERSION} with ${MODULES.map((m) => m.name).join(', ')}`);
  const staging = `${home}.staging`;
  unpack(zip, staging);

  const inLib = new Set(readdirSync(join(staging, 'lib')).filter((f) => f.endsWith('.jar')).map(artifactName));
  for (const m of MODULES) {
    const dir = join(staging, 'modules', m.name);
    mkdirSync(dir, { recursive: true });
    const deps = join(build, m.name, 'target', 'dependency');
    // OpenSearch's jar-hell check refuses a class twice: keep only what lib/ lacks.
    for (const jar of readdirSync(deps)) {
      if (jar.endsWith('.jar') && !inLib.has(artifactName(jar))) cpSync(join(deps, jar), join(dir, jar));
    }
    writeFileSync(join(dir, 'plugin-descriptor.properties'), descriptor(m));
    if (m.policy) writeFileSync(join(dir, 'plugin-security.policy'), `grant {\n${m.policy.map((p) => `  ${p}`).join('\n')}\n};\n`);
  }
  writeFileSync(join(staging, '.esm-assembled'), `${new Date().toISOString()}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(staging, home);
  rmSync(build, { recursive: true, force: true });
  return home;
}

/**
 * The modules a home assembled earlier lacks (every one when it was never assembled): a
 * checkout's cache made by an older version of this script has fewer modules.
 */
export function missingModules(home) {
  if (!existsSync(join(home, '.esm-assembled'))) return MODULES.map((m) => m.name);
  return MODULES.filter((m) => !existsSync(join(home, 'modules', m.name, 'plugin-descriptor.properties'))).map((m) => m.name);
}

function descriptor(m) {
  return [
    `description=${m.description}`,
    `version=${OPENSEARCH_VERSION}`,
    `name=${m.name}`,
    `classname=${m.classname}`,
    'java.version=11',
    `opensearch.version=${OPENSEARCH_VERSION}`,
    `extended.plugins=${(m.extended ?? []).join(',')}`,
    'has.native.controller=false',
    'custom.foldername=',
    '',
  ].join('\n');
}

/** "httpcore-nio-4.4.16.jar" -> "httpcore-nio" */
const artifactName = (jar) => jar.replace(/\.jar$/, '').replace(/-\d[\w.-]*$/, '');

/** A reactor pom: one child per module (its runtime dependencies) plus the distribution zip. */
function writePoms(build) {
  const children = [
    { dir: 'distribution', deps: [dependency('org.opensearch.distribution.integ-test-zip', 'opensearch', [], 'zip')] },
    ...MODULES.map((m) => ({ dir: m.name, deps: [dependency('org.opensearch.plugin', m.artifact, m.exclusions ?? [])] })),
  ];
  const head = (artifactId, packaging) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n` +
    `  <groupId>esm.testbed</groupId>\n  <artifactId>${artifactId}</artifactId>\n  <version>1</version>\n  <packaging>${packaging}</packaging>\n`;
  mkdirSync(build, { recursive: true });
  writeFileSync(
    join(build, 'pom.xml'),
    `${head('opensearch-modules', 'pom')}  <modules>\n${children.map((c) => `    <module>${c.dir}</module>\n`).join('')}  </modules>\n</project>\n`,
  );
  for (const c of children) {
    mkdirSync(join(build, c.dir), { recursive: true });
    writeFileSync(join(build, c.dir, 'pom.xml'), `${head(`os-${c.dir}`, 'pom')}  <dependencies>\n${c.deps.join('')}  </dependencies>\n</project>\n`);
  }
}

function dependency(groupId, artifactId, exclusions, type) {
  const excl = exclusions.map((e) => {
    const [g, a] = e.split(':');
    return `        <exclusion><groupId>${g}</groupId><artifactId>${a}</artifactId></exclusion>\n`;
  });
  return (
    `    <dependency>\n      <groupId>${groupId}</groupId>\n      <artifactId>${artifactId}</artifactId>\n      <version>${OPENSEARCH_VERSION}</version>\n` +
    (type ? `      <type>${type}</type>\n` : '') +
    (excl.length ? `      <exclusions>\n${excl.join('')}      </exclusions>\n` : '') +
    '    </dependency>\n'
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await cli(engine);
