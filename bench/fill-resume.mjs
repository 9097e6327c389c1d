#!/usr/bin/env node
// A fill killed with SIGKILL at about half way, and its re-run, beside a full fill of the
// same documents, in one run (issue 21's goal: the re-run takes ≤ 60 % of a full fill's
// time, and the instance then holds exactly the source's documents):
//
//   - ndjson: `esm update <instance> --full` of BENCH_RESUME_DOCS (default 2,000,000)
//     documents on Elasticsearch: a full fill; then on a new instance the same fill
//     killed once its progress passes 50 %, and the same command again (it resumes from
//     the fill's last checkpoint);
//   - reindex on OpenSearch (the node with the reindex module): master `copy` reindexed
//     from master `films` (BENCH_RESUME_REINDEX_DOCS, default 1,000,000 documents): a full
//     fill; then one killed past 50 % while its server task runs, and the re-run, which
//     re-attaches to that task instead of starting a second.
//
// Each time is the wall clock of the esm process (start-up, the settings and their
// restore, the flush, history writes included). Checkpoints at esm's default interval
// (10 s; ESM_CHECKPOINT_INTERVAL_MS changes it). After the re-run every document of the
// instance is read back and compared with the source's line (ids and contents): none
// missing, none extra, none different. BENCH_SKIP=ndjson or =reindex leaves a part out. Clusters: ESM_BENCH_URL / ESM_TEST_URL (Elasticsearch) and
// ESM_BENCH_OPENSEARCH_URL / ESM_TEST_OPENSEARCH_URL; either part is skipped, saying so,
// without its URL. Data: generated under .cache/bench and reused.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNdjson } from './data.mjs';
import { api, esmVersion, fmt, load1, log, runEsm, secs, writeProject } from './fill-lib.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const BENCH = join(ROOT, '.cache', 'bench');
const N = Number(process.env.BENCH_RESUME_DOCS ?? 2_000_000);
const NR = Number(process.env.BENCH_RESUME_REINDEX_DOCS ?? 1_000_000);
const GOAL = 0.6;
const ES = (process.env.ESM_BENCH_URL ?? process.env.ESM_TEST_URL ?? '').replace(/\/+$/, '');
const OS = (process.env.ESM_BENCH_OPENSEARCH_URL ?? process.env.ESM_TEST_OPENSEARCH_URL ?? '').replace(/\/+$/, '');

/** `esm create <master> --force`: a new instance's name. */
async function newInstance(project, master) {
  return JSON.parse((await runEsm(project, ['create', master, '--force', '--json'])).stdout).index;
}

/** Full fill, then killed at ≥ 50 % and re-run, of `master`; the counts checked against `expected`. */
async function measure(project, url, master, expected) {
  const node = api(url);
  const full = await newInstance(project, master);
  log(`${master}: full fill of ${full}…`);
  const f = await runEsm(project, ['update', full, '--full']);
  const fullDocs = await node.count(full);
  await node.call('DELETE', `/${full}`);

  const resumed = await newInstance(project, master);
  log(`${master}: fill of ${resumed}, killed past 50 %…`);
  let killedAt = null;
  const k = await runEsm(project, ['update', resumed, '--full'], {
    env: { ESM_PROGRESS_INTERVAL_MS: '250' },
    onLine: (line) => {
      const m = /\((\d+)%\)/.exec(line);
      if (m && Number(m[1]) >= 50) {
        killedAt = Number(m[1]);
        return 'kill';
      }
      return undefined;
    },
  });
  if (!k.killed) throw new Error(`${master}: the fill ended before it was killed`);
  log(`${master}: re-run…`);
  const loadAtRerun = load1();
  const r = await runEsm(project, ['update', resumed, '--full']);
  const said = /resuming \S+ from [\d,]+( \/ [\d,]+)?|re-attached to the reindex task \S+|the reindex task \S+ copying .* completed meanwhile/.exec(r.stderr)?.[0] ?? 'no resume said';
  log(`${master}: comparing every document of ${resumed} with the source…`);
  const check = await node.compareWithSource(resumed, expected);
  await node.call('DELETE', `/${resumed}`);
  return { master, fullMs: f.ms, fullDocs, killedAt, killedMs: k.ms, rerunMs: r.ms, check, expected, said, loadAtRerun };
}

async function ndjsonPart() {
  if (!ES) return { na: 'no Elasticsearch URL (ESM_BENCH_URL or ESM_TEST_URL)' };
  const data = await ensureNdjson(BENCH, N);
  const prefix = 'esmbench_resume_';
  const node = api(ES);
  await node.drop(prefix);
  const project = writeProject(join(BENCH, 'resume-project'), ES, prefix, { movies: { source: { type: 'ndjson', file: data.file } } });
  try {
    return { engine: await node.engine(), ...(await measure(project, ES, 'movies', N)) };
  } finally {
    await node.drop(prefix);
    rmSync(project.dir, { recursive: true, force: true });
  }
}

async function reindexPart() {
  if (!OS) return { na: 'no OpenSearch URL (ESM_BENCH_OPENSEARCH_URL or ESM_TEST_OPENSEARCH_URL)' };
  const data = await ensureNdjson(BENCH, NR);
  const prefix = 'esmbench_resume_re_';
  const node = api(OS);
  await node.drop(prefix);
  const project = writeProject(join(BENCH, 'resume-reindex-project'), OS, prefix, {
    films: { source: { type: 'ndjson', file: data.file } },
    copy: { source: { type: 'reindex', from: 'films' } },
  });
  try {
    log(`reindex: loading ${fmt(NR)} films into OpenSearch…`);
    await runEsm(project, ['apply', '--auto-approve', 'films']);
    return { engine: await node.engine(), ...(await measure(project, OS, 'copy', NR)) };
  } finally {
    await node.drop(prefix);
    rmSync(project.dir, { recursive: true, force: true });
  }
}

function row(what, r) {
  if (r.na) return `| ${what} | n/a: ${r.na} | | | | | |`;
  const ratio = r.rerunMs / r.fullMs;
  const c = r.check;
  const docs = c.exact ? `${fmt(c.docs)}, each the source's: exact` : `NOT exact: ${fmt(c.docs)} (${fmt(c.missing)} missing, ${fmt(c.extra)} not in the source, ${fmt(c.differing)} differing)`;
  const full = `${secs(r.fullMs)}${r.fullDocs === r.expected ? '' : ` (NOT complete: ${fmt(r.fullDocs)} docs)`}`;
  return `| ${what} on ${r.engine}, ${fmt(r.expected)} docs | ${full} | killed at ${r.killedAt} % after ${secs(r.killedMs)} | ${secs(r.rerunMs)} (${r.said}) | ${ratio.toFixed(2)}× (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'met' : 'NOT met'} | ${docs} | ${r.loadAtRerun ?? '?'} |`;
}

mkdirSync(BENCH, { recursive: true });
const started = { at: new Date().toISOString().slice(0, 16).replace('T', ' '), load: load1() };
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const nd = skip.has('ndjson') ? { na: 'skipped (BENCH_SKIP)' } : await ndjsonPart();
const re = skip.has('reindex') ? { na: 'skipped (BENCH_SKIP)' } : await reindexPart();
console.log(`fill resumed after kill -9 — esm ${esmVersion()}, Node ${process.versions.node}, started ${started.at} UTC at load ${started.load ?? '?'}, ended at load ${load1() ?? '?'}\n`);
console.log('| fill | full fill | killed run | re-run | re-run ÷ full | after the re-run (every document read back) | load (1 min) at re-run |');
console.log('| --- | ---: | --- | --- | --- | --- | ---: |');
console.log(row('ndjson', nd));
console.log(row('reindex (server task)', re));
