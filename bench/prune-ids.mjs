#!/usr/bin/env node
// The prune step's id-set comparison at scale (the goal: esm's RSS ≤ 300 MB at 20 million
// ids a side, time linear), side by side with the in-memory comparison esm used before
// (a Set of the source's ids), in one run.
//
//   node bench/prune-ids.mjs                       2M, 5M and 20M ids a side
//   BENCH_PRUNE_SIZES=1000000,2000000 node bench/prune-ids.mjs
//   BENCH_PRUNE_BASELINE=0 …                        skip the in-memory baseline
//
// What it measures: the comparison itself, on ids generated in the process (no cluster,
// no source file): the source side yields N ids in a scrambled order (a source is in no id
// order) less one in a thousand, plus N/1000 ids the instance never had; the instance side
// yields N ids in index order, as a scan does. Each row is a separate node process that
// first loads esm's whole library (dist/index.js, as the CLI holds it), so its peak RSS
// (the kernel's VmHWM) is what an esm process doing this comparison holds. The streamed
// comparison is esm's own code (SortedIds and idsNotIn of dist/index.js): runs of 250,000 ids sorted
// and spilled to the system's temporary directory, merged back, walked once. Reading the
// ids from a real source and the cluster's scan add their own time (measured by
// `npm run bench`'s fill and by the 2M real-node prune of bench/RESULTS.md), not memory.
// Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

/** The source's ids (scrambled, one in a thousand gone, N/1000 new) and the instance's (in order). */
function* sourceIds(n) {
  // i → (i·7919 + 13) mod n visits every i once when n is not a multiple of 7919 (a prime).
  for (let k = 0; k < n; k++) {
    const i = (k * 7919 + 13) % n;
    if (i % 1000 !== 999) yield `doc-${i}`;
  }
  for (let j = 0; j < n / 1000; j++) yield `new-${j}`;
}
function* instanceIds(n) {
  for (let i = 0; i < n; i++) yield `doc-${i}`;
}

async function child(mode, n) {
  const esm = await import(pathToFileURL(join(DIST, 'index.js')).href);
  const t0 = process.hrtime.bigint();
  const r0 = process.resourceUsage();
  const cpu0 = (r0.userCPUTime + r0.systemCPUTime) / 1000;
  let found = 0;
  let runs = 0;
  if (mode === 'streamed') {
    const { SortedIds, idsNotIn } = esm;
    const source = new SortedIds();
    const instance = new SortedIds();
    try {
      for (const id of sourceIds(n)) {
        const p = source.add(id);
        if (p) await p;
      }
      for (const id of instanceIds(n)) {
        const p = instance.add(id);
        if (p) await p;
      }
      runs = source.spilled + instance.spilled;
      found = (await idsNotIn(await instance.cursor(), await source.cursor(), () => undefined)).missing;
    } finally {
      source.dispose();
      instance.dispose();
    }
  } else {
    // What esm did before: every source id in a Set, the instance's extras in an array.
    const live = new Set();
    for (const id of sourceIds(n)) live.add(id);
    const extra = [];
    for (const id of instanceIds(n)) if (!live.has(id)) extra.push(id);
    found = extra.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const ru = process.resourceUsage();
  const cpuMs = (ru.userCPUTime + ru.systemCPUTime) / 1000 - cpu0;
  process.stdout.write(JSON.stringify({ mode, n, ms, cpuMs, found, runs, rssMb: ru.maxRSS / 1024 }));
}

function run(mode, n) {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) {
    const lines = (res.stderr || res.stdout || '').split('\n');
    const why = lines.find((l) => /^\w*Error\b|Error:|FATAL/.test(l.trim())) ?? `exit ${res.status}${res.signal ? ` (${res.signal})` : ''}`;
    return { mode, n, error: why.trim().slice(0, 120) };
  }
  return JSON.parse(res.stdout);
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  if (!existsSync(join(DIST, 'index.js'))) throw new Error('run npm run build first (dist/index.js is missing)');
  const sizes = (process.env.BENCH_PRUNE_SIZES ?? '2000000,5000000,20000000').split(',').map(Number);
  const baseline = process.env.BENCH_PRUNE_BASELINE !== '0';
  const rows = [];
  for (const n of sizes) {
    process.stderr.write(`[bench] ${fmt(n)} ids a side…\n`);
    const streamed = run('streamed', n);
    const set = baseline ? run('set', n) : null;
    rows.push({ n, streamed, set });
  }
  const first = rows[0].streamed;
  const lines = [
    `prune: id-set comparison, N ids a side (source less N/1000, plus N/1000 new), one process per cell; ${process.version}`,
    '',
    '| ids a side | streamed wall | streamed CPU | CPU ns/id | streamed peak RSS | runs spilled | stale found | in-memory Set wall | in-memory Set CPU | in-memory peak RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { n, streamed: s, set } of rows) {
    const cell = (r, f) => (r === null ? 'skipped' : r.error ? `failed: ${r.error}` : f(r));
    lines.push(
      `| ${fmt(n)} | ${cell(s, (r) => secs(r.ms))} | ${cell(s, (r) => secs(r.cpuMs))} | ${cell(s, (r) => fmt((r.cpuMs * 1e6) / (2 * n)))} | ${cell(s, (r) => `${fmt(r.rssMb)} MB`)} | ${cell(s, (r) => fmt(r.runs))} | ${cell(s, (r) => fmt(r.found))} | ${cell(set, (r) => secs(r.ms))} | ${cell(set, (r) => secs(r.cpuMs))} | ${cell(set, (r) => `${fmt(r.rssMb)} MB`)} |`,
    );
  }
  const last = rows.at(-1).streamed;
  if (!first.error && !last.error) {
    const perId = (r) => r.cpuMs / r.n;
    lines.push('', `CPU time per id, ${fmt(rows.at(-1).n)} vs ${fmt(rows[0].n)}: ${(perId(last) / perId(first)).toFixed(2)}× (1.00× = linear; CPU time, since wall time on a shared machine swings with its load)`);
    const peak = Math.max(...rows.map((r) => r.streamed.rssMb ?? 0));
    lines.push(`goal: esm's RSS ≤ 300 MB at 20,000,000 ids a side: ${rows.some((r) => r.n >= 20_000_000) ? (peak <= 300 ? 'met' : 'NOT met') : 'not measured'} (highest peak ${fmt(peak)} MB)`);
    for (const r of rows) if (r.streamed.found !== Math.floor(r.n / 1000)) lines.push(`WRONG: ${fmt(r.n)} found ${fmt(r.streamed.found)} stale ids, expected ${fmt(Math.floor(r.n / 1000))}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[2] === '--child') await child(process.argv[3], Number(process.argv[4]));
else await main();
