#!/usr/bin/env node
// Fill throughput as interleaved A/B medians (single runs on a shared 2-core
// machine swing ±40 %, so the tools alternate within each round and the medians are
// compared), with the CPU each side spent, in one run:
//
//   A  esm: `esm create movies --force`, then `esm update <instance> --full` — the built
//      CLI as users run it, wall clock of the whole process (start-up, counting the
//      file, the fill-time settings and their restore, the flush, history, `_meta`);
//   B  helpers.bulk by hand (bench/helpers-bulk.mjs: readline + JSON.parse, the client's
//      helpers.bulk, 5 MB flushes, concurrency 2, then a refresh), a separate process
//      too, into an instance esm created with the same fill-time settings esm's fill
//      uses (refresh_interval -1, no replicas, translog durability async). Goal: esm ≥ 1.0×;
//   C  the ceiling (bench/raw-bulk.mjs): the same documents as pre-built `_bulk` bodies
//      (built before its clock starts: no reading, parsing or serialising), sent over
//      keep-alive connections in esm's own shape (5,000 documents a request, as many in
//      flight as esm sends: one per write thread of the node, 2..8), into an instance
//      with the same fill-time settings, then a refresh. Goal: esm ≥ 0.85×.
//
// For each run: the client's CPU seconds and the node's (read from /proc when the node
// runs on this machine), so that a node-bound fill shows as such: when the node already
// uses what the machine has left, a faster client cannot make the fill faster.
//
//   node bench/fill-ab.mjs                 1,000,000 docs, 3 rounds
//   BENCH_AB_DOCS=200000 BENCH_AB_ROUNDS=5 node bench/fill-ab.mjs
//
// Cluster: ESM_BENCH_URL or ESM_TEST_URL. Indices are prefixed esmbench_ab_ and deleted.
// Data: generated under .cache/bench and reused. Needs `npm run build` first.
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ensureNdjson } from './data.mjs';
import { api, cpuSeconds, esmVersion, fmt, load1, log, median, runEsm, runNode, secs, writeProject } from './fill-lib.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const BENCH = join(ROOT, '.cache', 'bench');
const N = Number(process.env.BENCH_AB_DOCS ?? 1_000_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_AB_ROUNDS ?? 3));
const URL_ = (process.env.ESM_BENCH_URL ?? process.env.ESM_TEST_URL ?? '').replace(/\/+$/, '');
const PREFIX = 'esmbench_ab_';
const GOALS = { helpers: 1.0, ceiling: 0.85 };
const FILL_SETTINGS = { index: { refresh_interval: '-1', number_of_replicas: 0, translog: { durability: 'async' } } };

if (!URL_) {
  console.log('fill A/B: n/a (set ESM_BENCH_URL or ESM_TEST_URL)');
  process.exit(0);
}
if (!Number.isInteger(N) || N < 10_000) throw new Error(`BENCH_AB_DOCS must be an integer ≥ 10000 (got ${process.env.BENCH_AB_DOCS})`);

const node = api(URL_);

/** A new instance of `movies`, as esm creates it; `tuned`: with esm's fill-time settings put on it. */
async function instance(project, tuned) {
  const index = JSON.parse((await runEsm(project, ['create', 'movies', '--force', '--json'])).stdout).index;
  if (tuned) await node.call('PUT', `/${index}/_settings`, FILL_SETTINGS);
  return index;
}

/** The node's CPU seconds over `fn` (null when its process is not on this machine). */
async function nodeCpuOver(pid, fn) {
  const before = pid ? cpuSeconds(pid) : null;
  const out = await fn();
  const after = pid ? cpuSeconds(pid) : null;
  return { ...out, nodeCpu: before !== null && after !== null ? after - before : null };
}

const TOOLS = {
  async esm(ctx) {
    const index = await instance(ctx.project, false);
    const r = await nodeCpuOver(ctx.pid, () => runEsm(ctx.project, ['update', index, '--full']));
    return { index, ms: r.ms, cpu: r.cpu, nodeCpu: r.nodeCpu };
  },
  async helpers(ctx) {
    const index = await instance(ctx.project, true);
    const r = await nodeCpuOver(ctx.pid, () => runNode([join(ROOT, 'bench', 'helpers-bulk.mjs'), URL_, index, ctx.file]));
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
    if (out.failed) throw new Error(`helpers.bulk: ${out.failed} documents failed`);
    return { index, ms: r.ms, cpu: r.cpu, nodeCpu: r.nodeCpu };
  },
  async ceiling(ctx) {
    const index = await instance(ctx.project, true);
    const args = [join(ROOT, 'bench', 'raw-bulk.mjs'), URL_, index, ctx.file, String(ctx.shape.perRequest), String(ctx.shape.inflight)];
    const r = await runNode(args, { env: { ...process.env, ...(ctx.pid ? { BENCH_NODE_PID: String(ctx.pid) } : {}) } });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
    return { index, ms: out.ms, cpu: out.cpu, nodeCpu: out.nodeCpu };
  },
};
const NAMES = { esm: 'esm update --full (CLI)', helpers: 'helpers.bulk by hand, same settings', ceiling: 'ceiling: pre-built _bulk, esm’s shape and settings' };

async function main() {
  mkdirSync(BENCH, { recursive: true });
  const started = { at: new Date().toISOString().slice(0, 16).replace('T', ' '), load: load1() };
  const data = await ensureNdjson(BENCH, N);
  const engine = await node.engine();
  const pid = await node.nodePid();
  const threads = await node.call('GET', '/_nodes/thread_pool?filter_path=nodes.*.thread_pool.write.size');
  const sizes = Object.values(threads.nodes ?? {}).map((n) => n.thread_pool.write.size);
  // esm's own shape (src/cluster/batch-size.ts, bulkConcurrencyFor): 5,000 a request, one in flight per write thread, 2..8.
  const shape = { perRequest: 5_000, inflight: Math.min(8, Math.max(2, sizes.length ? Math.min(...sizes) : 2)) };
  await node.drop(PREFIX);
  const project = writeProject(join(BENCH, 'ab-project'), URL_, PREFIX, { movies: { source: { type: 'ndjson', file: data.file } } });
  const ctx = { project, pid, file: data.file, shape };
  const runs = { esm: [], helpers: [], ceiling: [] };
  try {
    // Warm the node (JIT, caches) with one throw-away load that no figure includes.
    log(`warming up ${engine} with a throw-away helpers.bulk load…`);
    const warm = await TOOLS.helpers({ ...ctx, file: (await ensureNdjson(BENCH, Math.min(N, 200_000))).file });
    await node.call('DELETE', `/${warm.index}`);
    const order = Object.keys(TOOLS);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate who goes first, so that no tool always runs right after the same one.
      const turn = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
      for (const tool of turn) {
        log(`round ${round + 1}/${ROUNDS}: ${NAMES[tool]}, ${fmt(N)} docs…`);
        const load = load1();
        const r = await TOOLS[tool](ctx);
        const docs = await node.count(r.index);
        await node.call('DELETE', `/${r.index}`);
        if (docs !== N) throw new Error(`${tool}: ${fmt(docs)} documents after the fill, expected ${fmt(N)}`);
        runs[tool].push({ ...r, load });
        log(`  ${secs(r.ms)}, client CPU ${r.cpu.toFixed(1)} s, node CPU ${r.nodeCpu === null ? '?' : `${r.nodeCpu.toFixed(1)} s`}, load ${load}`);
      }
    }
  } finally {
    await node.drop(PREFIX);
    rmSync(project.dir, { recursive: true, force: true });
  }
  report({ started, engine, pid, shape, runs });
}

function report({ started, engine, pid, shape, runs }) {
  const m = (tool, key) => median(runs[tool].map((r) => r[key]));
  const esmMs = m('esm', 'ms');
  const cores = availableParallelism();
  const ratioCell = (tool) => {
    if (tool === 'esm') return '—';
    const ratio = m(tool, 'ms') / esmMs;
    return `esm ${ratio.toFixed(2)}× (goal ≥ ${GOALS[tool].toFixed(2)}×) ${ratio >= GOALS[tool] ? 'met' : 'NOT met'}`;
  };
  const lines = [
    `fill throughput, interleaved A/B — esm ${esmVersion()}, ${engine}, Node ${process.versions.node}, ${cores} cores; ${fmt(N)} docs, ${ROUNDS} rounds, medians; started ${started.at} UTC at load ${started.load ?? '?'}, ended at load ${load1() ?? '?'}`,
    '',
    '| tool | median wall | docs/s | esm ÷ tool (speed) | client CPU s | node CPU s | node cores busy | client + node ÷ machine |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const tool of Object.keys(NAMES)) {
    const ms = m(tool, 'ms');
    const cpu = m(tool, 'cpu');
    const nodeCpu = pid ? m(tool, 'nodeCpu') : null;
    const busy = nodeCpu === null ? '?' : (nodeCpu / (ms / 1000)).toFixed(2);
    const share = nodeCpu === null ? '?' : `${Math.round((100 * (cpu + nodeCpu)) / ((cores * ms) / 1000))} %`;
    lines.push(`| ${NAMES[tool]} | ${secs(ms)} | ${fmt((N * 1000) / ms)} | ${ratioCell(tool)} | ${cpu.toFixed(1)} | ${nodeCpu === null ? '?' : nodeCpu.toFixed(1)} | ${busy} | ${share} |`);
  }
  lines.push('');
  lines.push(`Ceiling shape: ${fmt(shape.perRequest)} documents a request, ${shape.inflight} in flight (esm's defaults on this node). Its time starts once its bodies are built; the others' is the whole process.`);
  lines.push('Every run (wall s / client CPU s / node CPU s / load at its start):');
  for (const tool of Object.keys(NAMES)) {
    const cells = runs[tool].map((r) => `${(r.ms / 1000).toFixed(1)}/${r.cpu.toFixed(1)}/${r.nodeCpu === null ? '?' : r.nodeCpu.toFixed(1)}/${r.load ?? '?'}`);
    lines.push(`- ${tool}: ${cells.join(', ')}`);
  }
  if (!pid) lines.push('The node is not a process on this machine: its CPU is not shown.');
  console.log(lines.join('\n'));
}

await main();
