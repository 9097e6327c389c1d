#!/usr/bin/env node
// esm at scale (README "At scale"), in one run:
//   1. fill rate by nodes and documents: `esm apply` of one master (one shard a node; a replica of
//      each shard where there is a node to place it) on a one-node and on a three-node OpenSearch
//      2.19.6, at BENCH_SCALE_DOCS documents (default 100,000 and 400,000): the fill step's time
//      and docs/s (also per node), the wait for green, esm's peak RSS;
//   2. requests and memory as documents and masters grow: the same apply through a counting proxy
//      on the one-node cluster, for 20,000 and 100,000 documents in one master and for 10 and 50
//      masters of 1,000 documents each: every request esm sent, the bulk requests among them,
//      and esm's peak RSS.
// Every figure is of the built CLI (bin/esm.js) in its own process, as users run it.
//
//   npm run build && ESM_BENCH_ONE_URL=http://127.0.0.1:9250 ESM_BENCH_CLUSTER_URL=http://127.0.0.1:9600 node bench/scale.mjs
//   (defaults: ESM_TEST_OPENSEARCH_URL, ESM_TEST_CLUSTER_URL; `npm run os:start` / `npm run cluster:start` start them)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'esm.js');
const WORK = join(ROOT, '.cache', 'bench', 'scale');
const log = (s) => process.stderr.write(`[scale] ${s}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function manifest(name, shards, replicas, data) {
  return `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: ${name} }
spec:
  settings: { number_of_shards: ${shards}, number_of_replicas: ${replicas} }
  mappings: { dynamic: strict, properties: { id: { type: keyword }, title: { type: text }, year: { type: integer }, updated_at: { type: date } } }
  source: { type: ndjson, path: ../${data} }
  idField: id
`;
}

function ndjsonFile(n) {
  const file = join(WORK, `docs-${n}.ndjson`);
  try {
    if (readFileSync(file, 'utf8').length > 0) return file;
  } catch {
    /* write it */
  }
  const lines = [];
  for (let i = 1; i <= n; i++) lines.push(JSON.stringify({ id: `m-${i}`, title: `Movie number ${i} of the benchmark`, year: 1900 + (i % 120), updated_at: '2020-01-01T00:00:00.000Z' }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function project(label, url, masters, docs, shards, replicas) {
  const dir = join(WORK, label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  writeFileSync(join(dir, 'docs.ndjson'), readFileSync(ndjsonFile(docs)));
  for (let i = 0; i < masters; i++) writeFileSync(join(dir, 'manifests', `m${i}.yaml`), manifest(`m${i}`, shards, replicas, 'docs.ndjson'));
  const prefix = `esmbench_sc_${label}_${process.pid}_`;
  return { dir, prefix, env: { ...process.env, ESM_URL: url, ESM_PREFIX: prefix, ESM_STATE: join(dir, 'state.sqlite'), ESM_MANIFESTS: join(dir, 'manifests'), NO_COLOR: '1', ESM_PROGRESS_INTERVAL_MS: '60000' } };
}

/** Runs `esm apply --auto-approve`; wall seconds, stderr, and the process's peak RSS (VmHWM, MB). */
function apply(p) {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve'], { cwd: p.dir, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    let hwm = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    }, 100);
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => {
      clearInterval(poll);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) fail(new Error(`esm apply exited ${code}:\n${out}\n${err}`));
      else done({ wall, stderr: err, rssMb: hwm });
    });
  });
}

/** Seconds a step took, from its `… done … in 12.3s` line. */
function stepSeconds(stderr, re) {
  const line = stderr.split('\n').find((l) => re.test(l) && / done/.test(l));
  const m = line && / in (?:(\d+)m)?([\d.]+)(ms|s)\b/.exec(line);
  if (!m) return null;
  return (m[1] ? Number(m[1]) * 60 : 0) + (m[3] === 'ms' ? Number(m[2]) / 1000 : Number(m[2]));
}

async function dataNodes(url) {
  const res = await fetch(`${url}/_cluster/health`);
  return (await res.json()).number_of_data_nodes;
}

async function drop(url, prefix) {
  await fetch(`${url}/${prefix}*?expand_wildcards=all&ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' }).catch(() => undefined);
}

/** A forwarding proxy (keep-alive) that counts requests, and bulk requests. */
async function countingProxy(target) {
  const t = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const counts = { all: 0, bulk: 0 };
  const server = http.createServer((req, res) => {
    counts.all++;
    if (/\/_bulk(\?|$)/.test(req.url ?? '')) counts.bulk++;
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host }, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    reset: () => Object.assign(counts, { all: 0, bulk: 0 }),
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r(agent.destroy())))),
  };
}

async function main() {
  const oneUrl = process.env.ESM_BENCH_ONE_URL ?? process.env.ESM_TEST_OPENSEARCH_URL ?? 'http://127.0.0.1:9250';
  const bedUrl = process.env.ESM_BENCH_CLUSTER_URL ?? process.env.ESM_TEST_CLUSTER_URL ?? 'http://127.0.0.1:9600';
  const sizes = (process.env.BENCH_SCALE_DOCS ?? '100000,400000').split(',').map(Number);
  mkdirSync(WORK, { recursive: true });
  const clusters = [];
  for (const [label, url] of [
    ['1 node', oneUrl],
    ['3 nodes', bedUrl],
  ]) {
    const nodes = await dataNodes(url).catch(() => null);
    if (nodes === null) log(`${label}: ${url} does not answer; skipped`);
    else clusters.push({ label, url, nodes });
  }
  const lines = [
    `esm at scale — ${new Date().toISOString()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, OpenSearch 2.19.6; load average at start ${loadavg()[0].toFixed(1)}`,
    '',
    'fill rate by nodes and documents: one master, one shard a node, a replica of each shard where a node can hold it (filled without, rebuilt before the activation)',
    '',
    '| cluster | docs | fill | docs/s | docs/s per node | wait for green | whole apply | esm peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of clusters) {
    for (const n of sizes) {
      const replicas = c.nodes > 1 ? 1 : 0;
      const p = project(`f${c.nodes}n${n}`, c.url, 1, n, c.nodes, replicas);
      log(`${c.label}: ${fmt(n)} docs…`);
      try {
        const r = await apply(p);
        const fill = stepSeconds(r.stderr, /: fill /);
        const wait = stepSeconds(r.stderr, /: wait for /);
        const rate = fill ? n / fill : null;
        lines.push(
          `| ${c.label} (${c.nodes} data node${c.nodes === 1 ? '' : 's'}) | ${fmt(n)} | ${fill?.toFixed(1) ?? '?'} s | ${rate ? fmt(rate) : '?'} | ${rate ? fmt(rate / c.nodes) : '?'} | ${wait?.toFixed(1) ?? '?'} s | ${r.wall.toFixed(1)} s | ${fmt(r.rssMb)} MB |`,
        );
      } finally {
        await drop(c.url, p.prefix);
      }
    }
  }
  if (clusters[0]) {
    const c = clusters[0];
    const proxy = await countingProxy(c.url);
    lines.push('', `requests and memory as documents and masters grow (${c.label}, through a counting proxy: every request esm sent)`, '');
    lines.push('| masters | docs each | requests | bulk requests | other requests | per master | esm peak RSS | whole apply |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    try {
      for (const [masters, docs] of [
        [1, 20_000],
        [1, 100_000],
        [10, 1_000],
        [50, 1_000],
      ]) {
        const p = project(`r${masters}x${docs}`, proxy.url, masters, docs, 1, 0);
        proxy.reset();
        log(`requests: ${masters} master(s) × ${fmt(docs)} docs…`);
        try {
          const r = await apply(p);
          const { all, bulk } = proxy.counts;
          lines.push(`| ${masters} | ${fmt(docs)} | ${fmt(all)} | ${fmt(bulk)} | ${fmt(all - bulk)} | ${fmt(all / masters)} | ${fmt(r.rssMb)} MB | ${r.wall.toFixed(1)} s |`);
        } finally {
          await drop(c.url, p.prefix);
        }
      }
    } finally {
      await proxy.close();
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
