#!/usr/bin/env node
// Start-up: how long a command takes from the shell prompt to its exit, as users run
// it (the built bin/esm.js), beside a bare `node -e ""` measured in the same run.
//
//   esm --version; esm validate, list and plan for 10 and for 500 masters;
//   esm plan --offline --base for 500 masters (a pull-request check: no cluster).
//
// The 10-master project is deployed first (esm apply), so that list and plan read a
// state file and 10 instances; the 500-master project is a first deployment (nothing
// in the cluster yet: creating 500 instances is the apply benchmark's business). The
// offline plan compares a base commit with a working tree where 5 manifests changed.
// Projects are git repositories under .cache/bench; each gets its own prefix, and
// every index this run creates is deleted at the end.
//
// Usage: npm run build && node bench/startup.mjs [runs]   (default 10 runs each, median)
// Cluster: ESM_BENCH_URL, else ESM_URL, else ESM_TEST_URL, else http://127.0.0.1:9200.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'esm.js');
const WORK = join(ROOT, '.cache', 'bench', 'startup');

/** The start-up goals (seconds, median wall time). */
export const STARTUP_GOALS = {
  'esm plan, 10 masters': 0.35,
  'esm list, 10 masters': 0.35,
  'esm plan, 500 masters': 0.6,
  'esm plan --offline --base, 500 masters': 0.8,
};

const log = (s) => process.stderr.write(`[startup] ${s}\n`);

function manifest(name) {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: ${name}
  labels: { team: bench }
spec:
  settings:
    number_of_shards: 1
    number_of_replicas: 0
  mappings:
    dynamic: strict
    properties:
      id: { type: long }
      title:
        type: text
        fields:
          raw: { type: keyword, ignore_above: 256 }
      genre: { type: keyword }
      rating: { type: float }
      updated_at: { type: date }
  source:
    type: ndjson
    path: ../docs.ndjson
  idField: id
  updatedField: updated_at
`;
}

function project(n, url) {
  const dir = join(WORK, `p${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  writeFileSync(join(dir, 'docs.ndjson'), '{"id":1,"title":"one","genre":"a","rating":1,"updated_at":"2024-01-01"}\n');
  const names = Array.from({ length: n }, (_, i) => `m${String(i).padStart(3, '0')}`);
  for (const name of names) writeFileSync(join(dir, 'manifests', `${name}.yaml`), manifest(name));
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'base');
  const prefix = `esmbench_st${n}_${process.pid}_`;
  const env = { ...process.env, ESM_URL: url, ESM_PREFIX: prefix, ESM_STATE: join(dir, 'state.sqlite'), ESM_MANIFESTS: join(dir, 'manifests'), NO_COLOR: '1' };
  return { dir, names, prefix, env };
}

function esm(p, args, { check = true } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: p.dir, env: p.env, encoding: 'utf8' });
  if (check && r.status !== 0) throw new Error(`esm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

/** Median and p90 wall time (s) of `runs` runs after one warm-up; every run must exit with `code`. */
function time(argv, { cwd = ROOT, env = process.env, runs, code = 0 }) {
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8' });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== code) throw new Error(`${argv.slice(1).join(' ')} exited ${r.status} (expected ${code}): ${r.stderr}`);
    if (i > 0) samples.push(s);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], p90: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.9))] };
}

async function deleteIndices(url, prefix) {
  await fetch(`${url}/${prefix}*?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' }).catch(() => undefined);
}

/** Every start-up row: `{ what, median, p90, goal }` (seconds), the bare node first. */
export async function startupRows({ url, runs = 10 } = {}) {
  const p10 = project(10, url);
  const p500 = project(500, url);
  try {
    log(`deploying 10 masters (${p10.prefix}*)…`);
    esm(p10, ['apply', '--auto-approve']);
    // A pull request that changes 5 manifests: the offline plan has something to say.
    for (const name of p500.names.slice(0, 5)) writeFileSync(join(p500.dir, 'manifests', `${name}.yaml`), manifest(name).replace('genre: { type: keyword }', 'genre: { type: text }'));

    const node = (args, p, extra = {}) => time([process.execPath, BIN, ...args], { cwd: p.dir, env: p.env, runs, ...extra });
    const rows = [];
    const row = (what, r) => {
      rows.push({ what, ...r, goal: STARTUP_GOALS[what] ?? null });
      log(`${what}: ${r.median.toFixed(3)} s`);
    };
    row('node -e "" (bare node)', time([process.execPath, '-e', ''], { runs }));
    row('esm --version', node(['--version'], p10));
    for (const [n, p] of [[10, p10], [500, p500]]) {
      row(`esm validate, ${n} masters`, node(['validate'], p));
      row(`esm list, ${n} masters`, node(['list'], p));
      row(`esm plan, ${n} masters`, node(['plan'], p));
    }
    row('esm plan --offline --base, 500 masters', node(['plan', '--offline', '--base', 'main'], p500));
    return rows;
  } finally {
    await deleteIndices(url, p10.prefix);
    await deleteIndices(url, p500.prefix);
    rmSync(WORK, { recursive: true, force: true });
  }
}

/** The rows as a markdown table, goal beside figure. */
export function startupTable(rows) {
  const bare = rows[0].median;
  const lines = ['| what | median s | p90 s | × bare node | goal | |', '| --- | ---: | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const verdict = r.goal === null ? '' : r.median <= r.goal ? 'met' : 'NOT met';
    lines.push(`| ${r.what} | ${r.median.toFixed(3)} | ${r.p90.toFixed(3)} | ${(r.median / bare).toFixed(1)} | ${r.goal === null ? '—' : `≤ ${r.goal}`} | ${verdict} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = (process.env.ESM_BENCH_URL || process.env.ESM_URL || process.env.ESM_TEST_URL || 'http://127.0.0.1:9200').replace(/\/+$/, '');
  const runs = Number(process.argv[2] ?? 10);
  startupRows({ url, runs })
    .then((rows) => console.log(`start-up, median of ${runs} runs each (wall seconds, whole process)\n${startupTable(rows)}`))
    .catch((e) => {
      process.stderr.write(`startup benchmark failed: ${e.message}\n`);
      process.exitCode = 1;
    });
}
