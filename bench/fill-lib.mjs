// What the fill benchmarks share: a scratch esm project on a real node, esm run as users
// run it (the built CLI, a separate process), and the CPU each side spends (Linux /proc).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MAPPINGS, movie } from './data.mjs';

export const BIN = new URL('../bin/esm.js', import.meta.url).pathname;
export const log = (s) => process.stderr.write(`[bench] ${s}\n`);
export const fmt = (n) => Math.round(n).toLocaleString('en-US');
export const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A project in `dir` whose masters are given as `{ name: { source, idField?, shards? } }`
 * (an ndjson source's `file` is made relative to the manifests); prefix `prefix`.
 */
export function writeProject(dir, url, prefix, masters) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  for (const [name, m] of Object.entries(masters)) {
    const source = m.source.type === 'ndjson' ? { type: 'ndjson', path: relative(join(dir, 'manifests'), m.source.file) } : m.source;
    const spec = {
      settings: { number_of_shards: m.shards ?? 1, number_of_replicas: 0 },
      mappings: MAPPINGS,
      source,
      idField: 'id',
      updatedField: 'updated_at',
    };
    writeFileSync(join(dir, 'manifests', `${name}.yaml`), JSON.stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name }, spec }, null, 2));
  }
  const env = { ...process.env, ESM_URL: url, ESM_PREFIX: prefix, ESM_STATE: join(dir, 'state.sqlite'), ESM_MANIFESTS: join(dir, 'manifests') };
  return { dir, prefix, env };
}

/** CPU seconds (user + system) a process has used so far, or null (gone, or not Linux). */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/**
 * Runs `esm args` in the project: wall ms, the CPU it used (sampled every 100 ms: the last
 * tenth of a second may be missing), its output. `onLine` sees each stderr line; return
 * 'kill' from it to SIGKILL the process there.
 */
export function runEsm(project, args, opts = {}) {
  return runNode([BIN, ...args], { cwd: project.dir, ...opts, env: { ...project.env, ...opts.env } });
}

/** Runs `node args` the same way (its wall ms, CPU seconds, output); rejects on a non-zero exit it did not cause. */
export function runNode(args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let cpu = 0;
    const timer = setInterval(() => (cpu = cpuSeconds(child.pid) ?? cpu), 100);
    let stdout = '';
    let stderr = '';
    let pending = '';
    let killed = false;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      pending += c;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        if (!killed && opts.onLine?.(line) === 'kill') {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      const ms = performance.now() - t0;
      if (code !== 0 && !killed) return reject(new Error(`${args.slice(0, 3).join(' ')} exited ${code ?? signal}: ${stderr.slice(-2000)}`));
      resolve({ ms, cpu, stdout, stderr, killed });
    });
  });
}

/** JSON requests to a node (either engine), and the few reads the benchmarks need. */
export function api(url) {
  const call = async (method, path, body) => {
    const r = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await r.text();
    if (!r.ok && !(method === 'DELETE' && r.status === 404)) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  };
  return {
    call,
    async count(index) {
      await call('POST', `/${encodeURIComponent(index)}/_refresh`);
      return (await call('GET', `/${encodeURIComponent(index)}/_count`)).count;
    },
    /** The node process's pid when it runs on this machine (its CPU is then readable), else null. */
    async nodePid() {
      const res = await call('GET', '/_nodes/_local/process').catch(() => null);
      const pid = Object.values(res?.nodes ?? {})[0]?.process?.id;
      return pid && cpuSeconds(pid) !== null ? pid : null;
    },
    /**
     * Reads every document of `index` (a scroll, ids and sources) and compares them with
     * the generated source of `n` documents (bench/data.mjs: ids m-1…m-n): how many it
     * holds, how many of the source's are missing, how many it has that the source has
     * not, how many differ from the source's line. `exact` when all three are 0.
     */
    async compareWithSource(index, n) {
      await call('POST', `/${encodeURIComponent(index)}/_refresh`);
      const seen = new Uint8Array(n + 1);
      let docs = 0;
      let extra = 0;
      let differing = 0;
      let page = await call('POST', `/${encodeURIComponent(index)}/_search?scroll=2m`, { size: 10_000, sort: ['_doc'] });
      try {
        while (page.hits.hits.length > 0) {
          for (const hit of page.hits.hits) {
            docs++;
            const m = /^m-(\d+)$/.exec(hit._id);
            const i = m ? Number(m[1]) : 0;
            if (i < 1 || i > n || seen[i]) {
              extra++;
              continue;
            }
            seen[i] = 1;
            if (JSON.stringify(hit._source) !== JSON.stringify(movie(i))) differing++;
          }
          page = await call('POST', '/_search/scroll', { scroll: '2m', scroll_id: page._scroll_id });
        }
      } finally {
        await call('DELETE', '/_search/scroll', { scroll_id: page._scroll_id }).catch(() => {});
      }
      let missing = 0;
      for (let i = 1; i <= n; i++) if (!seen[i]) missing++;
      return { docs, missing, extra, differing, exact: missing === 0 && extra === 0 && differing === 0 };
    },
    async drop(prefix) {
      await call('DELETE', `/${prefix}*?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true`);
    },
    async engine() {
      const root = await fetch(`${url}/`).then((r) => r.json(), () => null).catch(() => null);
      if (root?.version?.distribution === 'opensearch') return `OpenSearch ${root.version.number}`;
      const info = await call('GET', '/_nodes/_local/os').catch(() => null);
      return `Elasticsearch ${Object.values(info?.nodes ?? {})[0]?.version ?? '?'}`;
    },
  };
}

/** The node's CPU seconds while `fn` runs (null when its process is not readable here), and what `fn` returned. */
export async function withNodeCpu(pid, fn) {
  const before = pid ? cpuSeconds(pid) : null;
  const out = await fn();
  const after = pid ? cpuSeconds(pid) : null;
  return { out, nodeCpu: before !== null && after !== null ? after - before : null };
}

/** esm's version, from its package.json. */
export function esmVersion() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

/** Load average over the last minute. */
export function load1() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}
