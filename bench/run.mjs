#!/usr/bin/env node
// `npm run bench`: esm's fill throughput and memory, side by side with the
// tools one would otherwise use, on a real Elasticsearch.
//
//   - ndjson fill of BENCH_DOCS (default 1,000,000) small documents:
//     `esm update <instance> --full` (the built CLI, as users run it) vs a plain
//     @elastic/elasticsearch helpers.bulk loader (flushBytes 5 MB default,
//     concurrency 2 as esm) vs elasticdump (installed on demand under
//     .cache/bench, not a dependency of esm);
//   - reindex fill: esm's `reindex` source vs a raw `_reindex` call (n/a when the
//     cluster has no reindex module: esm then copies client side);
//   - esm's peak RSS during the fill, and RSS at 25/50/75/100 %;
//   - the node's ceiling for the same fill: bench/raw-bulk.mjs sends pre-built bulk bodies
//     (no parsing, keep-alive) into an instance esm created and prepared as its fill does,
//     with the best of a sweep of documents per request × requests in flight;
//   - start-up time (bench/startup.mjs), in the same run;
//   - esm's reindex fill vs raw `_reindex?slices=auto` on OpenSearch
//     (bench/reindex-opensearch.mjs), when an OpenSearch URL is given;
//   - at the end, every row of the goals table with its goal beside the figure.
//
// Cluster: ESM_BENCH_URL, else ESM_URL, else a local node started with
// scripts/es.mjs (stopped at the end only if this run started it).
// Data is generated under .cache/bench and reused across runs.
// Every figure is a wall-clock time of a separate process, index refresh included.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import { ensureElasticdumpFile, ensureNdjson, MAPPINGS } from './data.mjs';
import { startRootShim } from './root-shim.mjs';
import { reindexBench, reindexRow } from './reindex-opensearch.mjs';
import { startupRows, startupTable, STARTUP_GOALS } from './startup.mjs';
import { applyGoalCell, applyRows, applyTable } from './apply-masters.mjs';
import { validateGoalRow, validateRows, validateTable } from './validate-linear.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, '.cache', 'bench');
const BIN = join(ROOT, 'bin', 'esm.js');
const N = Number(process.env.BENCH_DOCS ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const PREFIX = 'esmbench_';
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

const TARGETS = {
  helpersBulk: 1.5,
  ceiling: 0.75,
  elasticdump: 2.0,
  reindex: 0.95,
  rssMb: 300,
};

async function main() {
  if (!Number.isInteger(N) || N < 1000) throw new Error(`BENCH_DOCS must be an integer ≥ 1000 (got ${process.env.BENCH_DOCS})`);
  mkdirSync(BENCH, { recursive: true });
  const node = await cluster();
  const client = new Client({ node: node.url, requestTimeout: 600_000 });
  try {
    const facts = await clusterFacts(client);
    log(`Elasticsearch ${facts.version} at ${node.url}; reindex module: ${facts.reindex ? 'yes' : 'no'}`);
    await dropBenchIndices(client);

    const data = await ensureNdjson(BENCH, N);
    log(`${data.reused ? 'reusing' : 'generated'} ${rel(data.file)} (${mb(data.bytes)} MB, ${fmt(N)} docs)`);
    const project = writeProject(data.file);

    // Warm the node's JIT and caches with a throw-away load, so that the first measured tool is not penalized.
    const warm = Math.min(N, 100_000);
    const warmData = await ensureNdjson(BENCH, warm);
    await createPlainIndex(client, `${PREFIX}warmup`);
    await runHelpersBulk(node.url, `${PREFIX}warmup`, warmData.file);
    await client.indices.delete({ index: `${PREFIX}warmup` });

    // The ceiling's shape: the best documents per request × requests in flight, on a part of the data.
    const sweepDocs = Math.min(N, 200_000);
    log(`ceiling: sweeping documents per request × requests in flight on ${fmt(sweepDocs)} docs…`);
    const sweep = [];
    for (const perRequest of [2_500, 5_000, 10_000]) {
      for (const inflight of [1, 2, 4]) {
        const index = await fillTarget(client, project, node.url);
        const r = runRawBulk(node.url, index, data.file, perRequest, inflight, sweepDocs);
        await client.indices.delete({ index });
        sweep.push({ perRequest, inflight, rate: (r.docs * 1000) / r.ms });
        log(`  ${perRequest} docs/request, ${inflight} in flight: ${fmt(Math.round(sweep.at(-1).rate))} docs/s`);
      }
    }
    const shape = sweep.reduce((a, b) => (b.rate > a.rate ? b : a));

    // helpers.bulk and esm alternate, RUNS times each; the best time of each is compared
    // (the machine is shared: its load varies), every time is listed under the table.
    const rows = {};
    const runs = { helpers: [], esm: [], ceiling: [] };
    for (let r = 1; r <= RUNS; r++) {
      log(`helpers.bulk: loading ${fmt(N)} docs (run ${r}/${RUNS})…`);
      await createPlainIndex(client, `${PREFIX}plain`);
      const h = await runHelpersBulk(node.url, `${PREFIX}plain`, data.file);
      h.docs = await count(client, `${PREFIX}plain`);
      await client.indices.delete({ index: `${PREFIX}plain` });
      runs.helpers.push(h);

      log(`ceiling: raw loader, ${fmt(N)} docs, ${shape.perRequest} a request, ${shape.inflight} in flight (run ${r}/${RUNS})…`);
      const target = await fillTarget(client, project, node.url);
      const c = runRawBulk(node.url, target, data.file, shape.perRequest, shape.inflight);
      c.docs = await count(client, target);
      await client.indices.delete({ index: target });
      runs.ceiling.push(c);

      log(`esm: update --full of ${fmt(N)} docs (run ${r}/${RUNS})…`);
      const index = JSON.parse(esm(project, node.url, ['create', 'movies', '--force', '--json'])).index;
      const e = await runEsmFill(project, node.url, index);
      e.docs = await count(client, index);
      e.index = index;
      runs.esm.push(e);
      // The last esm instance stays: it is the source of the reindex benchmark.
      if (r < RUNS) await client.indices.delete({ index });
    }
    const best = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
    rows.helpers = best(runs.helpers);
    rows.ceiling = { ...best(runs.ceiling), shape, sweep };
    rows.esm = { ...best(runs.esm), rss: worstRss(runs.esm.map((e) => e.rss)) };
    rows.runs = runs;
    const source = runs.esm.at(-1).index;

    // BENCH_SKIP=elasticdump,reindex leaves those comparisons out (no goal is set for them).
    const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
    if (skip.has('elasticdump')) rows.dump = { na: 'skipped (BENCH_SKIP)' };
    else {
      log(`elasticdump: loading ${fmt(N)} docs…`);
      rows.dump = await runElasticdump(client, node.url);
    }

    if (skip.has('reindex')) {
      rows.esmReindex = { na: 'skipped (BENCH_SKIP)' };
      rows.rawReindex = { na: 'skipped (BENCH_SKIP)' };
    } else {
      log(`reindex: copying ${fmt(runs.esm.at(-1).docs)} docs…`);
      await client.indices.updateAliases({ actions: [{ add: { index: source, alias: `${PREFIX}movies` } }] });
      esm(project, node.url, ['create', 'movies_copy']);
      rows.esmReindex = await timed(() => esmAsync(project, node.url, ['update', 'movies_copy-1', '--full']));
      rows.esmReindex.docs = await count(client, `${PREFIX}movies_copy-1`);
      if (facts.reindex) {
        await createPlainIndex(client, `${PREFIX}rawcopy`);
        rows.rawReindex = await timed(async () => {
          await client.reindex({ source: { index: source }, dest: { index: `${PREFIX}rawcopy` }, slices: 'auto', wait_for_completion: true, refresh: true });
        });
        rows.rawReindex.docs = await count(client, `${PREFIX}rawcopy`);
      } else {
        rows.rawReindex = { na: 'cluster has no reindex module' };
      }
    }

    log('start-up…');
    const startup = await startupRows({ url: node.url, runs: Number(process.env.BENCH_STARTUP_RUNS ?? 10) });

    log('apply of 100 and 500 new masters…');
    const apply = await applyRows({ url: node.url });

    log('esm validate on 10k to 200k-key manifests…');
    const validate = validateRows({ runs: Number(process.env.BENCH_STARTUP_RUNS ?? 5) });

    await dropBenchIndices(client);
    rmSync(project.dir, { recursive: true, force: true });
    printReport({ facts, rows, startup, apply, validate });
    // The server-side reindex on OpenSearch (the Elasticsearch test node has no reindex module).
    const os = await reindexBench();
    console.log(`\n${os ? reindexRow(os) : 'reindex fill on OpenSearch: n/a (set ESM_BENCH_OPENSEARCH_URL or ESM_TEST_OPENSEARCH_URL)'}`);
  } finally {
    await client.close();
    if (node.stop) {
      log('stopping the node this run started');
      await node.stop();
    }
  }
}

/** The cluster to measure: given by env, or a local node (started here when none runs). */
async function cluster() {
  const given = process.env.ESM_BENCH_URL || process.env.ESM_URL;
  if (given) return { url: given.replace(/\/+$/, ''), stop: null };
  const es = await import('../scripts/es.mjs');
  const before = await es.nodeStatus();
  const node = await es.startNode({ log });
  return { url: node.url, stop: before.running ? null : () => es.stopNode({ log }) };
}

async function clusterFacts(client) {
  const info = await client.nodes.info({ metric: 'plugins', filter_path: ['nodes.*.version', 'nodes.*.modules.name'] });
  const nodes = Object.values(info.nodes ?? {});
  return {
    version: nodes[0]?.version ?? '?',
    reindex: nodes.length > 0 && nodes.every((n) => (n.modules ?? []).some((m) => m.name === 'reindex')),
  };
}

async function dropBenchIndices(client) {
  await client.indices.deleteAlias({ index: `${PREFIX}*`, name: `${PREFIX}*` }).catch(() => {});
  await client.indices.delete({ index: `${PREFIX}*`, ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' });
}

/** An index for the baseline tools, prepared as esm prepares a new instance: 1 shard, no replicas, no refresh. */
async function createPlainIndex(client, index) {
  await client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: MAPPINGS,
  });
}

async function count(client, index) {
  await client.indices.refresh({ index });
  return (await client.count({ index })).count;
}

/** A temp esm project: master `movies` from the NDJSON, `movies_copy` reindexed from it. */
function writeProject(dataFile) {
  const dir = join(BENCH, 'project');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  const spec = (source) =>
    [
      '  settings: { number_of_shards: 1, number_of_replicas: 0 }',
      `  mappings: ${JSON.stringify(MAPPINGS)}`,
      `  source: ${JSON.stringify(source)}`,
      '  idField: id',
      '  updatedField: updated_at',
    ].join('\n');
  const manifest = (name, source) => `apiVersion: esm/v1\nkind: IndexMaster\nmetadata:\n  name: ${name}\nspec:\n${spec(source)}\n`;
  writeFileSync(join(dir, 'manifests', 'movies.yaml'), manifest('movies', { type: 'ndjson', path: relative(join(dir, 'manifests'), dataFile) }));
  writeFileSync(join(dir, 'manifests', 'movies_copy.yaml'), manifest('movies_copy', { type: 'reindex', from: 'movies' }));
  return { dir };
}

function esmEnv(project, url, extra = {}) {
  return { ...process.env, ESM_URL: url, ESM_PREFIX: PREFIX, ESM_STATE: join(project.dir, 'state.sqlite'), ESM_MANIFESTS: join(project.dir, 'manifests'), ...extra };
}

function esm(project, url, args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project.dir, env: esmEnv(project, url), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function esmAsync(project, url, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: project.dir, env: esmEnv(project, url), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.resume();
    child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`esm ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0 };
}

/** `esm update <index> --full` with RSS sampled from /proc every 100 ms and at 25/50/75/100 % of the progress. */
async function runEsmFill(project, url, index) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'update', index, '--full'], {
    cwd: project.dir,
    env: esmEnv(project, url, { ESM_PROGRESS_INTERVAL_MS: '250' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const at = {};
  let last = null;
  let peak = 0;
  const sample = () => {
    const s = procStatus(child.pid);
    if (s) {
      last = s;
      peak = Math.max(peak, s.hwm ?? s.rss);
    }
    return s;
  };
  const timer = setInterval(sample, 100);
  let stderr = '';
  let stdout = '';
  let pending = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr += c;
    pending += c;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      const m = /\((\d+)%\)/.exec(line);
      if (!m) continue;
      for (const q of [25, 50, 75]) if (Number(m[1]) >= q && at[q] === undefined) at[q] = sample()?.rss ?? null;
    }
  });
  const code = await new Promise((r) => child.on('exit', r));
  const ms = performance.now() - t0;
  clearInterval(timer);
  if (code !== 0) throw new Error(`esm update exited ${code}: ${stderr.slice(-2000)}`);
  at[100] = last?.rss ?? null;
  return { ms, rss: { peakKb: peak || null, at, available: last !== null }, line: stdout.trim() };
}

/** Of several esm runs, the one whose memory was highest (the honest figure to hold against a limit). */
function worstRss(list) {
  return list.reduce((a, b) => ((b.peakKb ?? 0) > (a.peakKb ?? 0) ? b : a));
}

/** VmRSS / VmHWM of a live process, in kB (Linux); null elsewhere or once it exited. */
function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    return Number.isFinite(rss) ? { rss, hwm: kb('VmHWM') } : null;
  } catch {
    return null;
  }
}

/** A new instance of `movies`, created by esm and prepared as esm prepares a full fill (src/cluster/bulk.ts prepareForFill). */
async function fillTarget(client, project, url) {
  const index = JSON.parse(esm(project, url, ['create', 'movies', '--force', '--json'])).index;
  await client.indices.putSettings({ index, settings: { index: { refresh_interval: '-1', number_of_replicas: 0, translog: { durability: 'async' } } } });
  return index;
}

/** bench/raw-bulk.mjs: `{ ms, docs }`, the time without reading and cutting the file. */
function runRawBulk(url, index, file, perRequest, inflight, maxDocs) {
  const args = [join(ROOT, 'bench', 'raw-bulk.mjs'), url, index, file, String(perRequest), String(inflight), ...(maxDocs ? [String(maxDocs)] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`raw loader failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function runHelpersBulk(url, index, file) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'helpers-bulk.mjs'), url, index, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`helpers.bulk loader failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (out.failed) throw new Error(`helpers.bulk: ${out.failed} documents failed`);
  return { ms };
}

/** elasticdump, installed on demand; `{ na: why }` when it cannot run. */
async function runElasticdump(client, url) {
  const dir = join(BENCH, 'elasticdump');
  const bin = join(dir, 'node_modules', 'elasticdump', 'bin', 'elasticdump');
  if (!existsSync(bin)) {
    log('installing elasticdump under .cache/bench/elasticdump (not a dependency of esm)…');
    mkdirSync(dir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, 'elasticdump'], { encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(bin)) return { na: `npm install elasticdump failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` };
  }
  const index = `${PREFIX}dump`;
  const file = await ensureElasticdumpFile(BENCH, N, index);
  await createPlainIndex(client, index);
  // elasticdump asks `GET /` for the version; the integ-test distribution does not serve it.
  const root = await fetch(`${url}/`).then((r) => r.ok, () => false);
  const shim = root ? null : await startRootShim(url);
  try {
    const t0 = performance.now();
    const r = await new Promise((resolveRun) => {
      const child = spawn(process.execPath, [bin, `--input=${file.file}`, `--output=${shim?.url ?? url}/${index}`, '--type=data', '--limit=1000'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
      child.on('exit', (code) => resolveRun({ code, err }));
    });
    if (r.code !== 0) return { na: `elasticdump exited ${r.code}: ${r.err.trim().split('\n').at(-1)}` };
    const docs = await count(client, index);
    const ms = performance.now() - t0;
    return { ms, docs, shim: shim !== null };
  } finally {
    await shim?.close();
    await client.indices.delete({ index, ignore_unavailable: true });
  }
}

// ---- report ------------------------------------------------------------------

function printReport({ facts, rows, startup, apply, validate }) {
  const rate = (r) => (r.na ? null : (r.docs * 1000) / r.ms);
  const base = rate(rows.helpers);
  const esmRate = rate(rows.esm);
  const ceilingRate = rate(rows.ceiling);
  const ratio = (r) => (r === null || base === null ? '—' : `${(r / base).toFixed(2)}×`);
  const verdict = (ok) => (ok ? 'met' : 'NOT met');

  const dumpRate = rate(rows.dump);
  const esmRe = rate(rows.esmReindex);
  const rawRe = rate(rows.rawReindex);
  const rssAt = rows.esm.rss.at;
  const later = [50, 75, 100].map((q) => rssAt[q]).filter((v) => typeof v === 'number');
  const peakMb = rows.esm.rss.peakKb ? rows.esm.rss.peakKb / 1024 : null;
  // Flat: no later sample more than 25 % above the one at 25 % (GC saw-teeth allowed, growth with the document count not).
  const flat = typeof rssAt[25] === 'number' && later.length >= 2 ? Math.max(...later) <= 1.25 * rssAt[25] : null;

  const table = [
    ['benchmark', 'tool', 'docs', 'time', 'docs/s', 'ratio', 'target'],
    [
      `ndjson fill`,
      'esm update --full (CLI)',
      fmt(rows.esm.docs),
      secs(rows.esm.ms),
      fmt(Math.round(esmRate)),
      `${ratio(esmRate)} helpers.bulk; ${(esmRate / ceilingRate).toFixed(2)}× ceiling`,
      `≥ ${TARGETS.helpersBulk.toFixed(1)}× helpers.bulk: ${verdict(esmRate / base >= TARGETS.helpersBulk)}; ≥ ${TARGETS.ceiling}× ceiling: ${verdict(esmRate / ceilingRate >= TARGETS.ceiling)}`,
    ],
    [
      '',
      `ceiling: raw loader (${fmt(rows.ceiling.shape.perRequest)} docs/request, ${rows.ceiling.shape.inflight} in flight)`,
      fmt(rows.ceiling.docs),
      secs(rows.ceiling.ms),
      fmt(Math.round(ceilingRate)),
      `${ratio(ceilingRate)} helpers.bulk`,
      '',
    ],
    ['', 'helpers.bulk (5 MB, conc. 2)', fmt(rows.helpers.docs), secs(rows.helpers.ms), fmt(Math.round(base)), '1.00×', ''],
    rows.dump.na
      ? ['', 'elasticdump', `n/a (${rows.dump.na})`, '', '', '', '']
      : [
          '',
          `elasticdump (--limit 1000${rows.dump.shim ? ', via GET / shim' : ''})`,
          fmt(rows.dump.docs),
          secs(rows.dump.ms),
          fmt(Math.round(dumpRate)),
          `${ratio(dumpRate)} helpers.bulk; esm ${(esmRate / dumpRate).toFixed(2)}×`,
          `esm ≥ ${TARGETS.elasticdump.toFixed(1)}× elasticdump: ${verdict(esmRate / dumpRate >= TARGETS.elasticdump)}`,
        ],
    rows.esmReindex.na
      ? ['reindex fill', 'esm reindex source', `n/a (${rows.esmReindex.na})`, '', '', '', '']
      : [
      'reindex fill',
      `esm reindex source (${facts.reindex ? 'server _reindex' : 'client-side copy'})`,
      fmt(rows.esmReindex.docs),
      secs(rows.esmReindex.ms),
      fmt(Math.round(esmRe)),
      rawRe ? `${(esmRe / rawRe).toFixed(2)}× raw _reindex` : '—',
      rawRe ? `≥ ${TARGETS.reindex}× raw _reindex: ${verdict(esmRe / rawRe >= TARGETS.reindex)}` : `≥ ${TARGETS.reindex}× raw _reindex: not measurable`,
    ],
    rows.rawReindex.na
      ? ['', 'raw _reindex', `n/a (${rows.rawReindex.na})`, '', '', '', '']
      : ['', 'raw _reindex (slices=auto)', fmt(rows.rawReindex.docs), secs(rows.rawReindex.ms), fmt(Math.round(rawRe)), '1.00×', ''],
    [
      'esm memory',
      'esm update --full (CLI)',
      fmt(rows.esm.docs),
      'peak RSS',
      peakMb === null ? 'n/a (no /proc)' : `${peakMb.toFixed(0)} MB`,
      `RSS at 25/50/75/100 %: ${[25, 50, 75, 100].map((q) => (typeof rssAt[q] === 'number' ? (rssAt[q] / 1024).toFixed(0) : '?')).join('/')} MB`,
      peakMb === null ? '' : `< ${TARGETS.rssMb} MB and flat: ${verdict(peakMb < TARGETS.rssMb && flat === true)}${flat === null ? ' (too few samples)' : flat ? '' : ' (grew)'}`,
    ],
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c]).length)));
  const line = (r) => `| ${r.map((v, c) => String(v).padEnd(widths[c])).join(' | ')} |`;
  const out = [
    `esm benchmarks — ${fmt(N)} docs, Elasticsearch ${facts.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`,
    '',
    line(table[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...table.slice(1).map(line),
    '',
    `ndjson fill: best of ${RUNS} alternating runs; all times: esm ${rows.runs.esm.map((r) => secs(r.ms)).join(', ')}; helpers.bulk ${rows.runs.helpers.map((r) => secs(r.ms)).join(', ')}; ceiling ${rows.runs.ceiling.map((r) => secs(r.ms)).join(', ')}.`,
    'Every esm and helpers.bulk time is the wall clock of a separate process (start-up, reading the file, the final refresh included).',
    `The ceiling's time starts once its bodies are built (no parsing, no serialising, keep-alive), and includes the refresh; its shape is the best of this sweep on ${fmt(rows.ceiling.sweep.length ? Math.min(N, 200_000) : 0)} docs (docs/s): ${rows.ceiling.sweep.map((x) => `${x.perRequest}×${x.inflight} ${fmt(Math.round(x.rate))}`).join(', ')}.`,
    `RSS: the esm run with the highest peak (VmHWM); "flat" = no sample at 50/75/100 % more than 25 % above the one at 25 %.`,
    '',
    `start-up, median of ${process.env.BENCH_STARTUP_RUNS ?? 10} runs each (wall seconds, whole process)`,
    startupTable(startup),
    '',
    'apply of new masters (wall seconds, whole process; 2 docs each), default beside --parallelism 1',
    applyTable(apply),
    '',
    validateTable(validate),
    '',
    goalsTable({ startup, esmRate, base, ceilingRate, peakMb, apply, validate }),
  ];
  console.log(out.join('\n'));
}

/** The goals table: every row, the figure of this run beside its goal. */
function goalsTable({ startup, esmRate, base, ceilingRate, peakMb, apply, validate }) {
  const applied = applyGoalCell(apply);
  const at = (what) => startup.find((r) => r.what === what)?.median;
  const s = (v) => (typeof v === 'number' ? `${v.toFixed(2)} s` : 'n/a');
  const met = (ok) => (ok === null ? '' : ok ? 'met' : 'NOT met');
  const rows = [
    ['`esm plan` / `esm list`, 10 masters', `${s(at('esm plan, 10 masters'))} / ${s(at('esm list, 10 masters'))}`, `≤ ${STARTUP_GOALS['esm plan, 10 masters']} s`, met(at('esm plan, 10 masters') <= STARTUP_GOALS['esm plan, 10 masters'] && at('esm list, 10 masters') <= STARTUP_GOALS['esm list, 10 masters'])],
    ['`esm plan`, 500 masters', s(at('esm plan, 500 masters')), `≤ ${STARTUP_GOALS['esm plan, 500 masters']} s`, met(at('esm plan, 500 masters') <= STARTUP_GOALS['esm plan, 500 masters'])],
    ['`esm plan --offline --base`, 500 masters', s(at('esm plan --offline --base, 500 masters')), `≤ ${STARTUP_GOALS['esm plan --offline --base, 500 masters']} s`, met(at('esm plan --offline --base, 500 masters') <= STARTUP_GOALS['esm plan --offline --base, 500 masters'])],
    ['`esm apply` creating 100 / 500 new masters', applied.figure, '≤ 20 s / ≤ 90 s', met(applied.met)],
    ['ndjson fill vs the node\'s ceiling', `${(esmRate / ceilingRate).toFixed(2)}×`, `≥ ${TARGETS.ceiling}×`, met(esmRate / ceilingRate >= TARGETS.ceiling)],
    ['ndjson fill vs `helpers.bulk` by hand', `${(esmRate / base).toFixed(2)}×`, `≥ ${TARGETS.helpersBulk}×`, met(esmRate / base >= TARGETS.helpersBulk)],
    [`memory during a ${fmt(N)}-doc fill`, peakMb === null ? 'n/a' : `${peakMb.toFixed(0)} MB`, `< ${TARGETS.rssMb} MB`, peakMb === null ? '' : met(peakMb < TARGETS.rssMb)],
    validateGoalRow(validate),
  ];
  return ['issue #12 — goal beside figure', '', '| what | this run | goal | |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const fmt = (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
const rel = (p) => relative(ROOT, p);

main().catch((e) => {
  process.stderr.write(`bench failed: ${e.stack ?? e}\n`);
  process.exitCode = 1;
});
