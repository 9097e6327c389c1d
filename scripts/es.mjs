#!/usr/bin/env node
// A real, local, single-node Elasticsearch for the tests, the demo and the benchmarks.
//
//   node scripts/es.mjs start    fetch (once) and start a node, print its URL
//   node scripts/es.mjs stop     stop the node this script started
//   node scripts/es.mjs status   say whether it runs and where
//
// The node is Elasticsearch's integration-test distribution, fetched from Maven
// Central with Maven (org.elasticsearch.distribution.integ-test-zip), cached under
// .cache/elasticsearch (git-ignored). It runs on 127.0.0.1 with a small heap, as a
// non-root user (Elasticsearch refuses root), with security and disk watermarks off.
// ESM_ES_VERSION picks another 8.x version.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, readdirSync, chmodSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ES_VERSION = process.env.ESM_ES_VERSION || '8.19.7';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'elasticsearch');
const STATE_FILE = join(CACHE, 'node.json');
const RUN_USER = 'esm-es';
const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip`;

const noop = () => {};

/** Start a node (or reuse the one this script started and that still answers). */
export async function startNode({ log = noop, port: wanted, timeoutMs = 180_000 } = {}) {
  const prev = readState();
  if (prev) {
    if (isAlive(prev.pid) && (await health(prev.url))) {
      log(`reusing Elasticsearch ${prev.version} at ${prev.url} (pid ${prev.pid})`);
      return { ...prev, startedByUs: true };
    }
    log(`cleaning up a stale node record (pid ${prev.pid}, ${prev.url})`);
    killTree(prev.pid);
    rmSync(STATE_FILE, { force: true });
    if (prev.runDir) rmSync(prev.runDir, { recursive: true, force: true });
  }

  const home = ensureDistribution(log);
  const port = await pickPort(wanted ?? 9200);
  const transportPort = await pickPort(9300);
  const runDir = join(CACHE, `run-${port}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, 'data'), { recursive: true });
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  const pidFile = join(runDir, 'es.pid');
  const logFile = join(runDir, 'logs', 'esm-test.log');

  const user = runAsUser();
  if (user) execFileSync('chown', ['-R', user, home, runDir]);

  const javaHome = findJavaHome();
  const args = [
    join(home, 'bin', 'elasticsearch'),
    '-d',
    '-p', pidFile,
    '-Ecluster.name=esm-test',
    '-Enode.name=esm-test-node',
    '-Ediscovery.type=single-node',
    '-Enetwork.host=127.0.0.1',
    `-Ehttp.port=${port}`,
    `-Etransport.port=${transportPort}`,
    `-Epath.data=${join(runDir, 'data')}`,
    `-Epath.logs=${join(runDir, 'logs')}`,
    '-Expack.security.enabled=false',
    '-Ecluster.routing.allocation.disk.threshold_enabled=false',
    '-Eaction.destructive_requires_name=false',
  ];
  const env = {
    ...process.env,
    ES_JAVA_HOME: javaHome,
    ES_JAVA_OPTS: process.env.ESM_ES_JAVA_OPTS || '-Xms512m -Xmx768m',
    ES_PATH_CONF: join(home, 'config'),
  };
  delete env.JAVA_HOME;
  log(`starting Elasticsearch ${ES_VERSION} on 127.0.0.1:${port}${user ? ` as user ${user}` : ''} (log: ${logFile})`);
  const cmd = user ? ['runuser', '-u', user, '--', ...args] : args;
  const res = spawnSync(cmd[0], cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`Elasticsearch did not start (exit ${res.status}).\n${tail(res.stdout + res.stderr, 30)}\nlog: ${logFile}`);
  }
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (!(await health(url))) {
    if (!isAlive(pid)) throw new Error(`Elasticsearch exited while starting; see ${logFile}\n${tail(safeRead(logFile), 30)}`);
    if (Date.now() > deadline) {
      killTree(pid);
      throw new Error(`Elasticsearch did not become healthy within ${timeoutMs / 1000}s; see ${logFile}\n${tail(safeRead(logFile), 30)}`);
    }
    await sleep(500);
  }
  const state = { url, pid, port, version: ES_VERSION, home, runDir, logFile, host: hostname(), startedAt: new Date().toISOString() };
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  log(`Elasticsearch ${ES_VERSION} is up at ${url} (pid ${pid})`);
  return { ...state, startedByUs: true };
}

/** Stop the node this script started; does nothing when none runs. */
export async function stopNode({ log = noop } = {}) {
  const st = readState();
  if (!st) return false;
  if (isAlive(st.pid)) {
    process.kill(st.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isAlive(st.pid) && Date.now() < deadline) await sleep(200);
    if (isAlive(st.pid)) killTree(st.pid);
    log(`stopped Elasticsearch (pid ${st.pid})`);
  }
  rmSync(STATE_FILE, { force: true });
  rmSync(st.runDir, { recursive: true, force: true });
  return true;
}

export async function nodeStatus() {
  const st = readState();
  if (!st) return { running: false };
  const up = isAlive(st.pid) && (await health(st.url));
  return { running: up, ...st };
}

/** Download (once) and unpack the distribution; returns its home directory. */
function ensureDistribution(log) {
  const home = join(CACHE, `elasticsearch-${ES_VERSION}`);
  if (existsSync(join(home, 'bin', 'elasticsearch'))) return home;
  mkdirSync(CACHE, { recursive: true });
  const zip = join(CACHE, `elasticsearch-${ES_VERSION}.zip`);
  if (!existsSync(zip)) {
    log(`fetching ${ARTIFACT} with Maven (once; cached in .cache/elasticsearch)`);
    const mvn = spawnSync(
      'mvn',
      ['-q', '-B', 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${CACHE}`],
      { cwd: CACHE, encoding: 'utf8' },
    );
    if (mvn.status !== 0 || !existsSync(zip)) {
      throw new Error(`could not fetch ${ARTIFACT} with Maven (exit ${mvn.status}):\n${tail(mvn.stdout + mvn.stderr, 20)}`);
    }
  }
  log(`unpacking ${zip}`);
  const tmp = join(CACHE, `unpack-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const unzip = spawnSync('unzip', ['-q', zip, '-d', tmp], { encoding: 'utf8' });
  if (unzip.status !== 0) {
    const jar = spawnSync('jar', ['xf', zip], { cwd: tmp, encoding: 'utf8' });
    if (jar.status !== 0) throw new Error(`could not unpack ${zip}: ${unzip.stderr || jar.stderr}`);
  }
  const inner = readdirSync(tmp).find((d) => d.startsWith('elasticsearch'));
  if (!inner) throw new Error(`unexpected layout in ${zip}`);
  execFileSync('mv', [join(tmp, inner), home]);
  rmSync(tmp, { recursive: true, force: true });
  for (const f of readdirSync(join(home, 'bin'))) chmodSync(join(home, 'bin', f), 0o755);
  return home;
}

/** Elasticsearch refuses to run as root: use a dedicated system user then. */
function runAsUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const exists = spawnSync('id', ['-u', RUN_USER]).status === 0;
  if (!exists) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', RUN_USER]);
  // The user must be able to reach the cache directory.
  for (let d = CACHE; d !== '/' && d.length > 1; d = dirname(d)) {
    try {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
    } catch {
      break;
    }
  }
  return RUN_USER;
}

function findJavaHome() {
  if (process.env.ES_JAVA_HOME) return process.env.ES_JAVA_HOME;
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  try {
    const java = execFileSync('sh', ['-c', 'readlink -f "$(command -v java)"'], { encoding: 'utf8' }).trim();
    return dirname(dirname(java));
  } catch {
    throw new Error('Java not found: install a JDK 17+ or set ES_JAVA_HOME');
  }
}

async function health(url) {
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return false;
    const body = await res.json();
    return body.status === 'green' || body.status === 'yellow';
  } catch {
    return false;
  }
}

async function pickPort(preferred) {
  if (await portFree(preferred)) return preferred;
  return await new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function portFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return null;
  }
}

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function killTree(pid) {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const safeRead = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
const tail = (text, n) => text.trim().split('\n').slice(-n).join('\n');

// CLI entry point
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'status';
  const log = (l) => process.stderr.write(`${l}\n`);
  try {
    if (cmd === 'start') {
      const n = await startNode({ log });
      process.stdout.write(`${n.url}\n`);
    } else if (cmd === 'stop') {
      if (!(await stopNode({ log }))) log('no Elasticsearch started by esm is running');
    } else if (cmd === 'status') {
      const s = await nodeStatus();
      process.stdout.write(s.running ? `running: Elasticsearch ${s.version} at ${s.url} (pid ${s.pid})\n` : 'not running\n');
      process.exitCode = s.running ? 0 : 1;
    } else {
      log('usage: node scripts/es.mjs start|stop|status');
      process.exitCode = 3;
    }
  } catch (e) {
    log(`es: ${e.message}`);
    process.exitCode = 1;
  }
}
