#!/usr/bin/env node
// esm's reindex fill against a raw `_reindex?slices=auto` on OpenSearch (a node with the
// reindex module), in one run: the same source index, copied alternately by each, best
// of BENCH_RUNS (default 2). esm's side is the engine port's reindex (server-side task,
// slices=auto, progress read from the running slices every second) as a `reindex`
// source's fill runs it; the raw side is one `_reindex` call waiting for completion.
// Goal: esm ≥ 0.95 × raw.
//
// Cluster: ESM_BENCH_OPENSEARCH_URL, else ESM_TEST_OPENSEARCH_URL. Documents:
// BENCH_REINDEX_DOCS (default 200,000).
import { request } from 'node:http';
import { connect } from '../dist/index.js';

const URL_ = (process.env.ESM_BENCH_OPENSEARCH_URL ?? process.env.ESM_TEST_OPENSEARCH_URL ?? '').replace(/\/+$/, '');
const N = Number(process.env.BENCH_REINDEX_DOCS ?? 200_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const PREFIX = 'esmbench_reindex_';
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

/** One request with node:http (a long `_reindex` answer carries more headers than fetch takes). */
function http(method, path, body, ndjson = false) {
  const data = body === undefined ? undefined : ndjson ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${URL_}${path}`, { method, maxHeaderSize: 1 << 20, headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && !(method === 'DELETE' && status === 404)) reject(new Error(`${method} ${path}: ${status} ${text.slice(0, 300)}`));
        else resolve(text ? JSON.parse(text) : {});
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const SETTINGS = { number_of_shards: 2, number_of_replicas: 0 };
const MAPPINGS = { properties: { id: { type: 'keyword' }, title: { type: 'text' }, year: { type: 'integer' }, genre: { type: 'keyword' } } };

async function fresh(index) {
  await http('DELETE', `/${index}`);
  await http('PUT', `/${index}`, { settings: { ...SETTINGS, refresh_interval: '-1' }, mappings: MAPPINGS });
}

async function source() {
  const index = `${PREFIX}source`;
  const have = await http('GET', `/${index}/_count`).catch(() => ({ count: -1 }));
  if (have.count === N) return index;
  await fresh(index);
  for (let i = 0; i < N; i += 10_000) {
    let body = '';
    for (let j = i; j < Math.min(N, i + 10_000); j++) body += `{"index":{"_id":"m${j}"}}\n${JSON.stringify({ id: `m${j}`, title: `movie number ${j}`, year: 1900 + (j % 120), genre: j % 3 ? 'drama' : 'noir' })}\n`;
    await http('POST', `/${index}/_bulk`, body, true);
  }
  await http('POST', `/${index}/_refresh`);
  return index;
}

async function timeRaw(src, dest) {
  await fresh(dest);
  const t0 = performance.now();
  const r = await http('POST', '/_reindex?slices=auto&wait_for_completion=true&refresh=true', { source: { index: src }, dest: { index: dest } });
  const ms = performance.now() - t0;
  if ((r.created ?? 0) + (r.updated ?? 0) !== N) throw new Error(`raw _reindex copied ${r.created}`);
  return ms;
}

async function timeEsm(src, dest) {
  await fresh(dest);
  const c = connect({ url: URL_, auth: { kind: 'none' }, caCert: null });
  try {
    const t0 = performance.now();
    const r = await c.reindex({ source: src, dest });
    await c.refresh(dest);
    const ms = performance.now() - t0;
    if (r.via !== 'server' || r.created !== N) throw new Error(`esm reindex: ${JSON.stringify(r)}`);
    return ms;
  } finally {
    await c.close();
  }
}

export async function reindexBench() {
  if (!URL_) return null;
  const info = await http('GET', '/');
  log(`OpenSearch ${info.version?.number} at ${URL_}: ${N.toLocaleString('en')} documents, best of ${RUNS}`);
  const src = await source();
  const raw = [];
  const esm = [];
  for (let i = 0; i < RUNS; i++) {
    raw.push(await timeRaw(src, `${PREFIX}raw`));
    esm.push(await timeEsm(src, `${PREFIX}esm`));
  }
  for (const i of ['raw', 'esm']) await http('DELETE', `/${PREFIX}${i}`);
  const best = { raw: Math.min(...raw), esm: Math.min(...esm) };
  const ratio = best.raw / best.esm;
  return { engine: `OpenSearch ${info.version?.number}`, docs: N, rawMs: best.raw, esmMs: best.esm, ratio, goal: 0.95, met: ratio >= 0.95 };
}

/** One markdown row of the result. */
export function reindexRow(r) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  return `| reindex fill on ${r.engine}, ${r.docs.toLocaleString('en')} docs | raw _reindex?slices=auto ${s(r.rawMs)} | esm ${s(r.esmMs)} | ${r.ratio.toFixed(2)}× (goal ≥ ${r.goal}×) ${r.met ? 'met' : 'NOT met'} |`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await reindexBench();
  if (!r) log('no OpenSearch URL (ESM_BENCH_OPENSEARCH_URL or ESM_TEST_OPENSEARCH_URL): skipped');
  else console.log(reindexRow(r));
}
