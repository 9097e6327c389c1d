// What every local search node of this repository shares, whatever the engine:
// fetching with Maven into the git-ignored .cache/, a JDK of the right version,
// a non-root user to run as, free ports, a state file, start, health, stop by pid.
//
// An engine is described by a small object (see scripts/es.mjs, scripts/opensearch.mjs):
//   { name, version, cacheDir, ensureHome(log), bin, java: { min, max }, javaHomeEnv,
//     javaOptsEnv, settings(runDir) }
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_ROOT = join(ROOT, '.cache');
const RUN_USER = 'esm-es';
const JVM_DIRS = ['/usr/lib/jvm', '/usr/java', '/opt/java', '/Library/Java/JavaVirtualMachines'];

const noop = () => {};

/**
 * Start a node of `engine`, or reuse the one this checkout started for it and that
 * still answers. `startedByUs` says whether THIS call started it (only then should
 * the caller stop it).
 */
export async function startNode(engine, { log = noop, timeoutMs = 240_000 } = {}) {
  const stateFile = stateFileOf(engine);
  const prev = readJson(stateFile);
  if (prev) {
    if (isAlive(prev.pid) && (await health(prev.url))) {
      log(`reusing ${engine.name} ${prev.version} at ${prev.url} (pid ${prev.pid})`);
      return { ...prev, startedByUs: false };
    }
    log(`cleaning up a stale node record (pid ${prev.pid}, ${prev.url})`);
    if (isAlive(prev.pid)) process.kill(prev.pid, 'SIGKILL');
    rmSync(stateFile, { force: true });
    if (prev.runDir) rmSync(prev.runDir, { recursive: true, force: true });
  }

  const home = engine.ensureHome(log);
  const runDir = join(engine.cacheDir, `run-${engine.version}-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  // Ports: the node binds the first free one of each range itself and reports what it
  // bound in logs/http.ports (node.portsfile), so two nodes starting at once can't race.
  const { pid, logFile } = await launch(engine, home, runDir, {
    'cluster.name': `esm-test-${engine.id}`,
    'node.name': `esm-test-${engine.id}`,
    'discovery.type': 'single-node',
    'http.port': engine.httpPorts,
    'transport.port': engine.transportPorts,
  }, { log });
  const deadline = Date.now() + timeoutMs;
  let url;
  for (;;) {
    url ??= boundUrl(runDir);
    if (url && (await health(url))) break;
    if (!isAlive(pid)) throw new Error(`${engine.name} exited while starting:\n${reason(runDir, logFile)}`);
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      throw new Error(`${engine.name} did not become healthy within ${timeoutMs / 1000}s:\n${reason(runDir, logFile)}`);
    }
    await sleep(500);
  }
  const port = Number(new URL(url).port);
  const state = { engine: engine.id, url, pid, port, version: engine.version, home, runDir, logFile, host: hostname(), startedAt: new Date().toISOString() };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  log(`${engine.name} ${engine.version} is up at ${url} (pid ${pid})`);
  return { ...state, startedByUs: true };
}

/**
 * Launch one node of `engine` from `home` as a daemon, its data and logs under
 * `runDir` (kept when it exists: a restarted node recovers its shards from there),
 * on 127.0.0.1, as an unprivileged user when run as root. `settings` name the node,
 * its cluster and ports. Returns once the daemon wrote its pid, not when it is healthy.
 */
export async function launch(engine, home, runDir, settings, { log = noop, heap = process.env.ESM_NODE_JAVA_OPTS || '-Xms512m -Xmx768m' } = {}) {
  const javaHome = findJavaHome(engine.java);
  for (const d of ['data', 'logs']) mkdirSync(join(runDir, d), { recursive: true });
  const pidFile = join(runDir, 'node.pid');
  rmSync(pidFile, { force: true });
  const logFile = join(runDir, 'logs', 'console.log');
  const user = runAsUser(engine.cacheDir);
  if (user) execFileSync('chown', ['-R', user, home, runDir]);
  const all = {
    'network.host': '127.0.0.1',
    'node.portsfile': 'true',
    'path.data': join(runDir, 'data'),
    'path.logs': join(runDir, 'logs'),
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
    'action.destructive_requires_name': 'false',
    ...settings,
    ...engine.settings,
  };
  const args = [join(home, 'bin', engine.bin), '-d', '-p', pidFile, ...Object.entries(all).map(([k, v]) => `-E${k}=${v}`)];
  const env = { ...process.env, [engine.javaHomeEnv]: javaHome, [engine.javaOptsEnv]: heap };
  delete env.JAVA_HOME;
  log(`starting ${engine.name} ${engine.version}${settings['node.name'] ? ` node ${settings['node.name']}` : ''} on 127.0.0.1${user ? ` as user ${user}` : ''} (log: ${rel(logFile)})`);
  const cmd = user ? ['runuser', '-u', user, '--', ...args] : args;
  // stdout/stderr go to a file: the daemon keeps them open, so a pipe would never close.
  const res = spawnSync('sh', ['-c', '"$@" >>"$ESM_NODE_CONSOLE" 2>&1', 'sh', ...cmd], {
    env: { ...env, ESM_NODE_CONSOLE: logFile },
    stdio: 'ignore',
  });
  if (res.status !== 0) throw new Error(`${engine.name} did not start (exit ${res.status}):\n${reason(runDir, logFile)}`);
  // The daemon writes its pid file a moment after the launcher returns.
  const deadline = Date.now() + 60_000;
  let pid = readPid(pidFile);
  while (!pid && Date.now() < deadline) {
    await sleep(200);
    pid = readPid(pidFile);
  }
  if (!pid) throw new Error(`${engine.name} wrote no pid file:\n${reason(runDir, logFile)}`);
  return { pid, logFile };
}

/** Stop the node this checkout started for `engine` (by its pid); false when none runs. */
export async function stopNode(engine, { log = noop } = {}) {
  const stateFile = stateFileOf(engine);
  const st = readJson(stateFile);
  if (!st) return false;
  if (isAlive(st.pid)) {
    process.kill(st.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isAlive(st.pid) && Date.now() < deadline) await sleep(200);
    if (isAlive(st.pid)) process.kill(st.pid, 'SIGKILL');
    log(`stopped ${engine.name} ${st.version} (pid ${st.pid})`);
  }
  rmSync(stateFile, { force: true });
  if (st.runDir) rmSync(st.runDir, { recursive: true, force: true });
  return true;
}

export async function nodeStatus(engine) {
  const st = readJson(stateFileOf(engine));
  if (!st) return { running: false };
  return { ...st, running: isAlive(st.pid) && (await health(st.url)) };
}

/** `node scripts/<engine>.mjs start|stop|status` */
export async function cli(engine, argv = process.argv.slice(2)) {
  const cmd = argv[0] ?? 'status';
  const log = (l) => process.stderr.write(`${l}\n`);
  try {
    if (cmd === 'start') {
      const n = await startNode(engine, { log });
      process.stdout.write(`${n.url}\n`);
    } else if (cmd === 'stop') {
      if (!(await stopNode(engine, { log }))) log(`no ${engine.name} ${engine.version} started from this checkout is running`);
    } else if (cmd === 'status') {
      const s = await nodeStatus(engine);
      process.stdout.write(s.running ? `running: ${engine.name} ${s.version} at ${s.url} (pid ${s.pid})\n` : 'not running\n');
      process.exitCode = s.running ? 0 : 1;
    } else {
      log(`usage: ${engine.script} start|stop|status`);
      process.exitCode = 3;
    }
  } catch (e) {
    log(`${engine.id}: ${process.env.ESM_DEBUG ? e.stack : e.message}`);
    process.exitCode = 1;
  }
}

/** Fetch artifacts with Maven into `dir` (copy of one artifact, or a whole pom's dependencies). */
export function mavenCopy(dir, artifact, log) {
  log(`fetching ${artifact} with Maven (once; cached in ${rel(dir)})`);
  const res = spawnSync(
    'mvn',
    ['-q', '-B', 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${dir}`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`could not fetch ${artifact} with Maven (exit ${res.status}):\n${tail(res.stdout + res.stderr, 20)}`);
}

export function mavenCopyDependencies(pomDir, log) {
  log(`fetching dependencies of ${rel(pomDir)}/pom.xml with Maven (once)`);
  const res = spawnSync(
    'mvn',
    ['-q', '-B', 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies', '-DincludeScope=runtime'],
    { cwd: pomDir, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`Maven could not resolve ${rel(pomDir)}/pom.xml (exit ${res.status}):\n${tail(res.stdout + res.stderr, 20)}`);
}

/** Unpack a distribution zip into `home` (its single top directory becomes `home`). */
export function unpack(zip, home) {
  const tmp = `${home}.unpack-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const unzip = spawnSync('unzip', ['-q', zip, '-d', tmp], { encoding: 'utf8' });
  if (unzip.status !== 0) {
    const jar = spawnSync('jar', ['xf', zip], { cwd: tmp, encoding: 'utf8' });
    if (jar.status !== 0) throw new Error(`could not unpack ${zip}: ${unzip.stderr || jar.stderr}`);
  }
  const inner = readdirSync(tmp);
  if (inner.length !== 1) throw new Error(`unexpected layout in ${zip}: ${inner.join(', ')}`);
  rmSync(home, { recursive: true, force: true });
  execFileSync('mv', [join(tmp, inner[0]), home]);
  rmSync(tmp, { recursive: true, force: true });
  for (const f of readdirSync(join(home, 'bin'))) chmodSync(join(home, 'bin', f), 0o755);
}

/**
 * A JDK whose major version is within [min, max]: the engine's own *_JAVA_HOME,
 * JAVA_HOME, the `java` on PATH, then the JDKs installed in the usual places.
 */
export function findJavaHome({ min, max = Infinity, envVar }) {
  const candidates = [];
  if (envVar && process.env[envVar]) candidates.push(process.env[envVar]);
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  const onPath = spawnSync('sh', ['-c', 'readlink -f "$(command -v java)"'], { encoding: 'utf8' }).stdout?.trim();
  if (onPath) candidates.push(dirname(dirname(onPath)));
  for (const d of JVM_DIRS) {
    if (!existsSync(d)) continue;
    for (const e of readdirSync(d).sort().reverse()) {
      candidates.push(join(d, e), join(d, e, 'Contents', 'Home'));
    }
  }
  const seen = [];
  for (const home of new Set(candidates)) {
    const major = javaMajor(home);
    if (major === null) continue;
    seen.push(`${home} (${major})`);
    if (major >= min && major <= max) return home;
  }
  const range = max === Infinity ? `${min} or newer` : `${min} to ${max}`;
  throw new Error(`no JDK ${range} found${seen.length ? `; found: ${seen.join(', ')}` : ''}. Install one or set ${envVar ?? 'JAVA_HOME'}.`);
}

function javaMajor(home) {
  const java = join(home, 'bin', 'java');
  if (!existsSync(java)) return null;
  let text = '';
  try {
    text = readFileSync(join(home, 'release'), 'utf8');
  } catch {
    text = spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr ?? '';
  }
  const m = /(?:JAVA_VERSION="|version ")(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/** The search engines refuse to run as root: use a dedicated system user then. */
function runAsUser(cacheDir) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  if (spawnSync('id', ['-u', RUN_USER]).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', RUN_USER]);
  }
  // The user must be able to reach the cache directory.
  for (let d = cacheDir; d !== '/' && d.length > 1; d = dirname(d)) {
    try {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
    } catch {
      break;
    }
  }
  return RUN_USER;
}

export async function health(url) {
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return false;
    const body = await res.json();
    return body.status === 'green' || body.status === 'yellow';
  } catch {
    return false;
  }
}

export function boundUrl(runDir) {
  const ports = join(runDir, 'logs', 'http.ports');
  if (!existsSync(ports)) return undefined;
  const first = readFileSync(ports, 'utf8').split('\n').map((l) => l.trim()).find((l) => /^127\.0\.0\.1:\d+$/.test(l));
  return first ? `http://${first}` : undefined;
}

/** Why a node failed, in its own words, with where the full logs are. */
export function reason(runDir, consoleLog) {
  const text = [consoleLog, ...logFiles(runDir)].map(safeRead).join('\n');
  return `${failureLines(text).map((l) => `  ${l}`).join('\n')}\n  (full log: ${rel(consoleLog)} and ${rel(join(runDir, 'logs'))})`;
}

/**
 * The lines of a node's console and logs that say what went wrong — the launcher's
 * `ERROR:` lines, logged errors, exception headlines and their causes — never a Java
 * stack trace (indented `at …` / `Suppressed:` lines). The last lines of the logs when
 * none says so.
 */
export function failureLines(text, max = 8) {
  const lines = text.split('\n').map((l) => l.trimEnd()).filter((l) => l && !/^\s/.test(l));
  const wanted = /^ERROR: |\[(ERROR|FATAL)\s*\]|^(Caused by: )?[\w.$]+(Exception|Error)\b/;
  const picked = lines.filter((l) => wanted.test(l));
  const unique = [...new Set((picked.length ? picked : lines).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)))];
  return unique.slice(-max);
}

function logFiles(runDir) {
  const dir = join(runDir, 'logs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.log') && f !== 'console.log').map((f) => join(dir, f));
}

const stateFileOf = (engine) => join(engine.cacheDir, `node-${engine.version}.json`);

export function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function readPid(file) {
  const pid = Number(safeRead(file).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const safeRead = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
const tail = (text, n) => text.trim().split('\n').slice(-n).join('\n');
const rel = (p) => (p.startsWith(ROOT) ? p.slice(ROOT.length + 1) : p);
