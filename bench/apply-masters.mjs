#!/usr/bin/env node
// Apply at scale: `esm apply --auto-approve` of a first deployment of 100 and of 500
// tiny masters (one shard, no replica, 2 documents each from one ndjson file), as users
// run it (the built bin/esm.js), with the default --parallelism beside a baseline of
// --parallelism 1 (one master after another), in the same run. Each run starts from
// an empty prefix and state file; its indices are deleted right after it (a shared
// node has a shard limit).
//
// Usage: npm run build && node bench/apply-masters.mjs [sizes]   (default 100,500; BENCH_APPLY_SIZES too)
// Cluster: ESM_BENCH_URL, else ESM_URL, else ESM_TEST_URL, else http://127.0.0.1:9200.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'esm.js');
const WORK = join(ROOT, '.cache', 'bench', 'apply');

/** The apply speed goals (seconds, wall time of the default run): 100 masters in 20 s, 500 in 90 s. */
export const APPLY_GOALS = { 100: 20, 500: 90 };

const log = (s) => process.stderr.write(`[apply] ${s}\n`);

function manifest(name) {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: ${name} }
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings: { dynamic: strict, properties: { id: { type: long }, name: { type: keyword } } }
  source: { type: ndjson, path: ../docs.ndjson }
  idField: id
`;
}

function project(n, label, url) {
  const dir = join(WORK, `p${n}-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  writeFileSync(join(dir, 'docs.ndjson'), '{"id":1,"name":"one"}\n{"id":2,"name":"two"}\n');
  for (let i = 0; i < n; i++) {
    const name = `m${String(i).padStart(3, '0')}`;
    writeFileSync(join(dir, 'manifests', `${name}.yaml`), manifest(name));
  }
  const prefix = `esmbench_ap${n}${label}_${process.pid}_`;
  const env = { ...process.env, ESM_URL: url, ESM_PREFIX: prefix, ESM_STATE: join(dir, 'state.sqlite'), ESM_MANIFESTS: join(dir, 'manifests'), NO_COLOR: '1' };
  return { dir, prefix, env };
}

async function deleteIndices(url, prefix) {
  await fetch(`${url}/${prefix}*?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' }).catch(() => undefined);
}

/** One apply: wall seconds, and the masters the state file then lists as active. */
async function applyOnce(url, n, parallelism) {
  const label = parallelism === null ? 'd' : `p${parallelism}`;
  const p = project(n, label, url);
  try {
    const args = ['apply', '--auto-approve', '--json', ...(parallelism === null ? [] : ['--parallelism', String(parallelism)])];
    const load = loadavg()[0];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: p.dir, env: p.env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`esm ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-2000)}`);
    const result = JSON.parse(r.stdout);
    const ok = result.masters.filter((m) => m.ok).length;
    if (ok !== n) throw new Error(`esm apply created ${ok} of ${n} masters`);
    return { n, parallelism, secs, load };
  } finally {
    await deleteIndices(url, p.prefix);
    rmSync(p.dir, { recursive: true, force: true });
  }
}

/** For each size: the default run and the --parallelism 1 baseline, `{ n, parallelism, secs, load }`. */
export async function applyRows({ url, sizes = [100, 500] } = {}) {
  const rows = [];
  for (const n of sizes) {
    for (const parallelism of [null, 1]) {
      log(`${n} new masters, ${parallelism === null ? 'default --parallelism' : `--parallelism ${parallelism}`}…`);
      const row = await applyOnce(url, n, parallelism);
      log(`  ${row.secs.toFixed(1)} s (load ${row.load.toFixed(1)})`);
      rows.push(row);
    }
  }
  return rows;
}

export function applyTable(rows) {
  const lines = ['| masters | --parallelism | wall s | load (1 min) at start | goal | |', '| ---: | --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    const goal = r.parallelism === null ? APPLY_GOALS[r.n] : undefined;
    lines.push(`| ${r.n} | ${r.parallelism ?? 'default (4)'} | ${r.secs.toFixed(1)} | ${r.load.toFixed(1)} | ${goal !== undefined ? `≤ ${goal}` : 'baseline'} | ${goal !== undefined ? (r.secs <= goal ? 'met' : 'NOT met') : ''} |`);
  }
  return lines.join('\n');
}

/** The apply row of the goals table: `12.3 s / 80.1 s (baseline 58 s / 232 s)`. */
export function applyGoalCell(rows) {
  const at = (n, par) => rows.find((r) => r.n === n && r.parallelism === par)?.secs;
  const s = (v) => (typeof v === 'number' ? `${v.toFixed(1)} s` : 'n/a');
  const figure = `${s(at(100, null))} / ${s(at(500, null))} (--parallelism 1: ${s(at(100, 1))} / ${s(at(500, 1))})`;
  const met = [100, 500].every((n) => typeof at(n, null) === 'number' && at(n, null) <= APPLY_GOALS[n]);
  return { figure, met };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.ESM_BENCH_URL ?? process.env.ESM_URL ?? process.env.ESM_TEST_URL ?? 'http://127.0.0.1:9200';
  const sizes = (process.argv[2] ?? process.env.BENCH_APPLY_SIZES ?? '100,500').split(',').map(Number);
  applyRows({ url, sizes })
    .then((rows) => console.log(applyTable(rows)))
    .catch((e) => {
      process.stderr.write(`apply bench failed: ${e.stack ?? e}\n`);
      process.exitCode = 1;
    });
}
