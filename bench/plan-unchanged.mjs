#!/usr/bin/env node
// `esm plan` of 500 unchanged masters, this checkout beside a baseline, in one run.
// Since the plan compares each instance with the engine's form of its spec;
// an unchanged master must cost no request more than before (the form's fingerprint is
// recorded on the instance), and the plan at most 20 % more time.
//
//   - the baseline is a git revision (BENCH_BASELINE; default: the commit before the
//     engine's form came into the plan), exported (git archive) into
//     .cache/bench/baseline-<sha> and built there once (its node_modules a link to ours);
//   - 500 masters are deployed once with this checkout (esm apply), then `esm plan` runs
//     alternately with the baseline's build and this one, with the state file and without
//     one (a pull-request plan), through a counting proxy: wall time (median, p90) and the
//     HTTP requests of each run.
//
// Usage: npm run build && node bench/plan-unchanged.mjs [runs]   (default 7 runs each, median)
// Cluster: ESM_BENCH_URL, else ESM_URL, else ESM_TEST_URL, else http://127.0.0.1:9200.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'esm.js');
const WORK = join(ROOT, '.cache', 'bench', 'plan-unchanged');
const MASTERS = Number(process.env.BENCH_PLAN_MASTERS ?? 500);
/** The engine's form entered the plan in the commit after this one. */
const DEFAULT_BASELINE = '8c28008^';
export const PLAN_GOALS = { requests: 'same as the baseline, beside at most one read per companion kind', time: 1.2 };
/** Index templates, component templates, ingest pipelines, stored scripts, synonym sets. */
const COMPANION_KINDS = 5;

const log = (s) => process.stderr.write(`[plan-unchanged] ${s}\n`);

function manifest(name) {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: ${name} }
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings:
    dynamic: strict
    properties:
      id: { type: long }
      title: { type: text, fields: { raw: { type: keyword, ignore_above: 256 } } }
      genre: { type: keyword }
      updated_at: { type: date }
`;
}

function git(...args) {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** The baseline's built CLI: a worktree of the revision, built once. */
function baselineBin(rev) {
  const sha = git('rev-parse', '--verify', `${rev}^{commit}`);
  const dir = join(ROOT, '.cache', 'bench', `baseline-${sha.slice(0, 12)}`);
  const bin = join(dir, 'bin', 'esm.js');
  if (existsSync(join(dir, 'dist', '.built'))) return { sha, bin };
  if (!existsSync(join(dir, 'package.json'))) {
    log(`exporting the baseline ${sha.slice(0, 12)} (${rev})…`);
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive --format=tar ${sha} | tar -x -C "${dir}"`], { cwd: ROOT });
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  log('building the baseline…');
  execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(join(dir, 'dist', '.built'), sha);
  return { sha, bin };
}

/**
 * The reads of companion objects (SPEC §12, added after the baseline): one request per kind,
 * whatever the number of masters. The goal compares the other requests with the baseline and
 * shows these beside them.
 */
const COMPANION_READ = /^\/(_ingest\/pipeline|_scripts|_component_template|_synonyms|_index_template\/(?!_simulate))/;

/** An HTTP proxy in front of the cluster that counts the requests it forwards (and, of them, the companion reads). */
async function countingProxy(target) {
  const to = new URL(target);
  let count = 0;
  let companion = 0;
  const server = http.createServer((req, res) => {
    count++;
    if (COMPANION_READ.test(req.url ?? '')) companion++;
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, take: () => ({ count, companion }), reset: () => ((count = 0), (companion = 0)), close: () => new Promise((ok) => server.close(ok)) };
}

function run(bin, args, env) {
  return new Promise((ok, fail) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, ...args], { cwd: WORK, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) fail(new Error(`esm ${args.join(' ')} exited ${code}: ${err}`));
      else ok(s);
    });
  });
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] };
}

/** Rows `{ what, baseline: {median, p90, requests}, current: {…} }` for the plan with and without the state file. */
export async function planUnchangedRows({ url, runs = 7, baseline = process.env.BENCH_BASELINE ?? DEFAULT_BASELINE } = {}) {
  const base = baselineBin(baseline);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'manifests'), { recursive: true });
  for (let i = 0; i < MASTERS; i++) writeFileSync(join(WORK, 'manifests', `m${String(i).padStart(3, '0')}.yaml`), manifest(`m${String(i).padStart(3, '0')}`));
  const prefix = `esmbench_pu_${process.pid}_`;
  const proxy = await countingProxy(url);
  const env = { ...process.env, ESM_URL: proxy.url, ESM_PREFIX: prefix, ESM_STATE: join(WORK, 'state.sqlite'), ESM_MANIFESTS: join(WORK, 'manifests'), NO_COLOR: '1' };
  const noState = { ...env, ESM_STATE: join(WORK, 'absent', 'state.sqlite') };
  try {
    log(`deploying ${MASTERS} masters with this checkout (${prefix}*)…`);
    await run(BIN, ['apply', '--auto-approve'], env);
    const rows = [];
    for (const [what, e] of [[`esm plan, ${MASTERS} unchanged masters, with the state file`, env], [`esm plan, ${MASTERS} unchanged masters, no state file (pull request)`, noState]]) {
      const samples = { baseline: [], current: [] };
      const requests = { baseline: new Set(), current: new Set() };
      const companionReads = { baseline: new Set(), current: new Set() };
      for (let i = 0; i <= runs; i++) {
        for (const [who, bin] of i % 2 === 0 ? [['baseline', base.bin], ['current', BIN]] : [['current', BIN], ['baseline', base.bin]]) {
          proxy.reset();
          const s = await run(bin, ['plan', '--detailed-exitcode'], e);
          if (i === 0) continue; // warm-up
          samples[who].push(s);
          const taken = proxy.take();
          requests[who].add(taken.count - taken.companion);
          companionReads[who].add(taken.companion);
        }
      }
      const side = (who) => ({ ...stats(samples[who]), requests: [...requests[who]].join('/'), companionReads: [...companionReads[who]].join('/') });
      rows.push({ what, baseline: side('baseline'), current: side('current') });
      log(`${what}: baseline ${rows.at(-1).baseline.median.toFixed(3)} s, this ${rows.at(-1).current.median.toFixed(3)} s`);
    }
    return { baseline: base.sha, rows, load: loadavg()[0] };
  } finally {
    await proxy.close();
    await fetch(`${url}/${prefix}*?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' }).catch(() => undefined);
    rmSync(WORK, { recursive: true, force: true });
  }
}

/** The rows as a markdown table, the goals beside the figures. */
export function planUnchangedTable({ baseline, rows }) {
  const lines = [
    `| what | baseline ${baseline.slice(0, 12)}: median s (p90) | requests (+ companion reads) | this checkout: median s (p90) | requests (+ companion reads) | time × | goal | |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const r of rows) {
    const ratio = r.current.median / r.baseline.median;
    const met = r.current.requests === r.baseline.requests && Number(r.current.companionReads) <= COMPANION_KINDS && ratio <= PLAN_GOALS.time;
    const reqs = (x) => `${x.requests}${x.companionReads && x.companionReads !== '0' ? ` (+ ${x.companionReads})` : ''}`;
    lines.push(
      `| ${r.what} | ${r.baseline.median.toFixed(3)} (${r.baseline.p90.toFixed(3)}) | ${reqs(r.baseline)} | ${r.current.median.toFixed(3)} (${r.current.p90.toFixed(3)}) | ${reqs(r.current)} | ${ratio.toFixed(2)} | same requests (+ ≤ ${COMPANION_KINDS} companion reads), ≤ ${PLAN_GOALS.time}× | ${met ? 'met' : 'NOT met'} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = (process.env.ESM_BENCH_URL || process.env.ESM_URL || process.env.ESM_TEST_URL || 'http://127.0.0.1:9200').replace(/\/+$/, '');
  const runs = Number(process.argv[2] ?? 7);
  planUnchangedRows({ url, runs })
    .then((r) => console.log(`esm plan of unchanged masters, median of ${runs} alternating runs each (wall seconds, whole process; load ${r.load.toFixed(1)})\n${planUnchangedTable(r)}`))
    .catch((e) => {
      process.stderr.write(`plan benchmark failed: ${e.message}\n`);
      process.exitCode = 1;
    });
}
