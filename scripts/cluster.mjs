#!/usr/bin/env node
// A real, local, three-node OpenSearch cluster: the test bed of what only more than one
// node shows (replicas placed on other nodes, green waits, a node leaving mid-fill).
//
//   node scripts/cluster.mjs start          start the three nodes (or reuse the healthy bed this checkout started), print the URL
//   node scripts/cluster.mjs stop           stop the nodes this checkout started, by pid
//   node scripts/cluster.mjs status         say whether the bed runs, and each node
//   node scripts/cluster.mjs kill <1|2|3>   SIGKILL one node (its data stays)
//   node scripts/cluster.mjs restart <1|2|3> start a killed node again on its data, wait until it rejoined
//   (npm run cluster:start | cluster:stop | cluster:status)
//
// The nodes run the same assembled OpenSearch as scripts/opensearch.mjs (2.19.6 with every
// module esm uses; ESM_OPENSEARCH_VERSION picks another 2.x), each with a 512 MB heap
// (ESM_CLUSTER_JAVA_OPTS), on 127.0.0.1 ports found free in 9600-9649 (HTTP) and 9650-9699
// (transport), as an unprivileged user when run as root. Everything lives under
// .cache/opensearch-cluster (git-ignored). Tests reuse a running bed through
// ESM_TEST_CLUSTER_URL (its node control comes from this checkout's state file).
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engine as opensearch } from './opensearch.mjs';
import { CACHE_ROOT, isAlive, launch, readJson, reason, sleep } from './lib/local-node.mjs';

export const NODES = 3;
const CACHE = join(CACHE_ROOT, 'opensearch-cluster');
const HTTP_PORTS = [9600, 9649];
const TRANSPORT_PORTS = [9650, 9699];
const CLUSTER_NAME = 'esm-test-cluster';
const heap = () => process.env.ESM_CLUSTER_JAVA_OPTS || '-Xms512m -Xmx512m';
/** The bed's engine: OpenSearch's, with its own cache directory for state and run directories. */
const engine = { ...opensearch, id: 'opensearch-cluster', cacheDir: CACHE };
const stateFile = () => join(CACHE, `cluster-${engine.version}.json`);
const noop = () => {};

/**
 * Start the bed, or reuse the one this checkout started when every node still runs and the
 * cluster answers with three nodes. `startedByUs`: this call started it (then the caller stops it).
 */
export async function startCluster({ log = noop, timeoutMs = 300_000 } = {}) {
  // One start at a time per checkout: a second run (two test runs at once) waits for the
  // first to bring the bed up and reuses it, instead of taking its half-made record for stale.
  await takeStartLock(log, timeoutMs);
  try {
    return await startLocked(log, timeoutMs);
  } finally {
    rmSync(startLockFile(), { force: true });
  }
}

const startLockFile = () => join(CACHE, 'starting.pid');

/** Create the start lock (holding this process's pid); wait while a live process holds it; take over one whose holder died. */
async function takeStartLock(log, timeoutMs) {
  mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      writeFileSync(startLockFile(), String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const holder = Number(readFileSync(startLockFile(), 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      rmSync(startLockFile(), { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another process (pid ${holder}) has been starting the cluster for over ${timeoutMs / 1000}s`);
    if (!said) log(`another process (pid ${holder}) is starting the cluster; waiting for it`);
    said = true;
    await sleep(500);
  }
}

async function startLocked(log, timeoutMs) {
  const prev = readJson(stateFile());
  if (prev) {
    if (prev.nodes.every((n) => runs(n)) && (await nodesSeen(prev.url)) === NODES) {
      log(`reusing the ${NODES}-node OpenSearch ${prev.version} cluster at ${prev.url}`);
      return { ...prev, startedByUs: false };
    }
    log('cleaning up a stale cluster record');
    await stopCluster({ log });
  }
  const home = opensearch.ensureHome(log);
  mkdirSync(CACHE, { recursive: true });
  const http = await freePorts(HTTP_PORTS, NODES);
  const transport = await freePorts(TRANSPORT_PORTS, NODES);
  const nodes = Array.from({ length: NODES }, (_, i) => ({
    name: `esm-cluster-${i + 1}`,
    httpPort: http[i],
    transportPort: transport[i],
    url: `http://127.0.0.1:${http[i]}`,
    runDir: join(CACHE, `run-${engine.version}-${process.pid}-${i + 1}`),
    pid: 0,
    logFile: '',
  }));
  const state = { engine: engine.id, version: engine.version, home, url: nodes[0].url, nodes, host: hostname(), startedAt: new Date().toISOString() };
  try {
    for (const n of nodes) {
      rmSync(n.runDir, { recursive: true, force: true });
      Object.assign(n, await launch(engine, home, n.runDir, nodeSettings(n, nodes, true), { log, heap: heap() }));
      // Written as each node starts: a failure half-way leaves a record that stop cleans up.
      writeFileSync(stateFile(), JSON.stringify(state, null, 2));
    }
    await waitForNodes(state, NODES, timeoutMs);
  } catch (e) {
    await stopCluster({ log });
    throw e;
  }
  log(`${NODES}-node OpenSearch ${engine.version} cluster is up at ${state.url} (pids ${nodes.map((n) => n.pid).join(', ')})`);
  return { ...state, startedByUs: true };
}

/** Stop every node of the bed this checkout started (by pid) and remove its data; false when none was recorded. */
export async function stopCluster({ log = noop } = {}) {
  const st = readJson(stateFile());
  if (!st) return false;
  await Promise.all(
    st.nodes.map(async (n) => {
      if (!runs(n)) return;
      process.kill(n.pid, 'SIGTERM');
      const deadline = Date.now() + 30_000;
      while (runs(n) && Date.now() < deadline) await sleep(200);
      if (runs(n)) process.kill(n.pid, 'SIGKILL');
      log(`stopped ${n.name} (pid ${n.pid})`);
    }),
  );
  for (const n of st.nodes) rmSync(n.runDir, { recursive: true, force: true });
  rmSync(stateFile(), { force: true });
  return true;
}

/** The bed as recorded, with which nodes run; null when this checkout started none. */
export async function clusterStatus() {
  const st = readJson(stateFile());
  if (!st) return null;
  return { ...st, nodes: st.nodes.map((n) => ({ ...n, running: runs(n) })), seen: await nodesSeen(st.url) };
}

/** Kill node `i` (1-based) with `signal` (default SIGKILL: no shutdown runs); its data stays for a restart. */
export async function killNode(i, { signal = 'SIGKILL', log = noop } = {}) {
  const st = requireState();
  const n = nodeOf(st, i);
  if (runs(n)) process.kill(n.pid, signal);
  const deadline = Date.now() + 30_000;
  while (runs(n) && Date.now() < deadline) await sleep(100);
  if (runs(n)) throw new Error(`${n.name} (pid ${n.pid}) did not end after ${signal}`);
  log(`killed ${n.name} (pid ${n.pid}, ${signal})`);
}

/** Start node `i` again on its data and ports, and wait until the cluster sees every node. */
export async function restartNode(i, { log = noop, timeoutMs = 240_000 } = {}) {
  const st = requireState();
  const n = nodeOf(st, i);
  if (runs(n)) throw new Error(`${n.name} still runs (pid ${n.pid})`);
  Object.assign(n, await launch(engine, st.home, n.runDir, nodeSettings(n, st.nodes, false), { log, heap: heap() }));
  writeFileSync(stateFile(), JSON.stringify(st, null, 2));
  await waitForNodes(st, NODES, timeoutMs);
  log(`${n.name} is back (pid ${n.pid})`);
}

/**
 * Whether node `n` still runs: its pid is alive and, where /proc tells, is the node this
 * bed launched (its command line names the node's run directory), so that a pid the
 * system gave to another process since is never signalled.
 */
function runs(n) {
  if (!isAlive(n.pid)) return false;
  try {
    return readFileSync(`/proc/${n.pid}/cmdline`, 'utf8').includes(n.runDir);
  } catch {
    return true; // no /proc (macOS): the pid is all there is
  }
}

/** The settings of node `n`: one cluster, discovered through every node's transport port. */
function nodeSettings(n, nodes, bootstrap) {
  return {
    'cluster.name': CLUSTER_NAME,
    'node.name': n.name,
    'http.port': String(n.httpPort),
    'transport.port': String(n.transportPort),
    'discovery.seed_hosts': nodes.map((x) => `127.0.0.1:${x.transportPort}`).join(','),
    // Only when the cluster forms for the first time (a restarted node joins the one it knows).
    ...(bootstrap ? { 'cluster.initial_cluster_manager_nodes': nodes.map((x) => x.name).join(',') } : {}),
  };
}

/** Wait until node 1 (or any running node) answers with `count` nodes in the cluster. */
async function waitForNodes(st, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const n of st.nodes) if (runs(n) && (await nodesSeen(n.url)) === count) return;
    const dead = st.nodes.find((n) => n.pid && !runs(n));
    if (dead) throw new Error(`${dead.name} exited while the cluster formed:\n${reason(dead.runDir, dead.logFile)}`);
    if (Date.now() > deadline) throw new Error(`the cluster did not see ${count} nodes within ${timeoutMs / 1000}s:\n${reason(st.nodes[0].runDir, st.nodes[0].logFile)}`);
    await sleep(500);
  }
}

/** How many nodes the cluster at `url` has (0 when it does not answer or has no elected manager). */
async function nodesSeen(url) {
  try {
    const res = await fetch(`${url}/_cluster/health?timeout=1s`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return 0;
    const body = await res.json();
    return body.number_of_nodes ?? 0;
  } catch {
    return 0;
  }
}

/** `count` ports of [from, to] that nothing listens on now, on 127.0.0.1. */
async function freePorts([from, to], count) {
  const found = [];
  for (let p = from; p <= to && found.length < count; p++) if (await isFree(p)) found.push(p);
  if (found.length < count) throw new Error(`fewer than ${count} free ports in ${from}-${to} on 127.0.0.1`);
  return found;
}

function isFree(port) {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

function requireState() {
  const st = readJson(stateFile());
  if (!st) throw new Error('no cluster started from this checkout: run npm run cluster:start');
  return st;
}

function nodeOf(st, i) {
  const n = st.nodes[Number(i) - 1];
  if (!n) throw new Error(`no node ${i}: the bed has nodes 1 to ${st.nodes.length}`);
  return n;
}

async function main(argv) {
  const [cmd = 'status', arg] = argv;
  const log = (l) => process.stderr.write(`${l}\n`);
  try {
    if (cmd === 'start') process.stdout.write(`${(await startCluster({ log })).url}\n`);
    else if (cmd === 'stop') (await stopCluster({ log })) || log('no cluster started from this checkout is running');
    else if (cmd === 'status') {
      const st = await clusterStatus();
      if (!st) {
        process.stdout.write('not running\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${st.seen === NODES ? 'running' : 'degraded'}: ${st.seen} of ${NODES} nodes in the cluster at ${st.url}\n`);
      for (const n of st.nodes) process.stdout.write(`  ${n.name} ${n.url} pid ${n.pid} ${n.running ? 'running' : 'stopped'}\n`);
      process.exitCode = st.seen === NODES ? 0 : 1;
    } else if (cmd === 'kill') await killNode(arg, { log });
    else if (cmd === 'restart') await restartNode(arg, { log });
    else {
      log('usage: node scripts/cluster.mjs start|stop|status|kill <n>|restart <n>');
      process.exitCode = 3;
    }
  } catch (e) {
    log(`cluster: ${process.env.ESM_DEBUG ? e.stack : e.message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
