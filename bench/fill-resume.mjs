#!/usr/bin/env node
// A fill killed with SIGKILL at about half way, and its re-run, beside a full fill of the
// same documents, in one run (the goal: the re-run takes ≤ 60 % of a full fill's
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
// BENCH_RESUME_ROUNDS (default 2) rounds of each, alternating which goes first, and
// their medians compared (single runs on a shared machine swing with its load). Each
// time is the wall clock of the esm process (start-up, the settings and their restore,
// the flush, history writes included). Checkpoints at esm's default interval (10 s;
// ESM_CHECKPOINT_INTERVAL_MS changes it). After each re-run every document of the
// instance is read back and compared with the source's line (ids and contents): none
// missing, none extra, none different. BENCH_SKIP=ndjson or =reindex leaves a part out.
// Clusters: ESM_BENCH_URL / ESM_TEST_URL (Elasticsearch) and ESM_BENCH_OPENSEARCH_URL /
// ESM_TEST_OPENSEARCH_URL; either part is skipped, saying so, without its URL. Data:
// generated under .cache/bench and reused; indices prefixed esmbench_resume_, deleted.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNdjson } from './data.mjs';
import { api, esmVersion, fmt, load1, log, median, runEsm, secs, writeProject } from './fill-lib.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const BENCH = join(ROOT, '.cache', 'bench');
const N = Number(process.env.BENCH_RESUME_DOCS ?? 2_000_000);
const NR = Number(process.env.BENCH_RESUME_REINDEX_DOCS ?? 1_000_000);
const GOAL = 0.6;
const ROUNDS = Math.max(1, Number(process.env.BENCH_RESUME_ROUNDS ?? 2));
const ES = (process.env.ESM_BENCH_URL ?? process.env.ESM_TEST_URL ?? '').replace(/\/+$/, '');
const OS = (process.env.ESM_BENCH_OPENSEARCH_URL ?? process.env.ESM_TEST_OPENSEARCH_URL ?? '').replace(/\/+$/, '');

/** `esm create <master> --force`: a new instance's name. */
async function newInstance(project, master) {
  return JSON.parse((await runEsm(project, ['create', master, '--force', '--json'])).stdout).index;
}

/** `esm update <new instance> --full` of `master`, timed; the instance is deleted after. */
async function fullRun(project, node, master) {
  const full = await newInstance(project, master);
  log(`${master}: full fill of ${full}…`);
  const load = load1();
  const f = await runEsm(project, ['update', full, '--full']);
  const docs = await node.count(full);
  await node.call('DELETE', `/${full}`);
  return { ms: f.ms, docs, load };
}

/** The same fill on a new instance, killed once its progress passes 50 %, and the same command again; every document then compared with the source. */
async function resumedRun(project, node, master, expected) {
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
  const load = load1();
  const r = await runEsm(project, ['update', resumed, '--full']);
  const said = /resuming \S+ from [\d,]+( \/ [\d,]+)?|re-attached to the reindex task \S+|the reindex task \S+ copying .* completed meanwhile/.exec(r.stderr)?.[0] ?? 'no resume said';
  log(`${master}: comparing every document of ${resumed} with the source…`);
  const check = await node.compareWithSource(resumed, expected);
  await node.call('DELETE', `/${resumed}`);
  return { killedAt, killedMs: k.ms, ms: r.ms, said, check, load };
}

/**
 * ROUNDS rounds of a full fill and a killed-and-resumed one, alternating which goes
 * first (the machine's load moves between runs); the medians are compared.
 */
async function measure(project, url, master, expected) {
  const node = api(url);
  const full = [];
  const resumed = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      full.push(await fullRun(project, node, master));
      resumed.push(await resumedRun(project, node, master, expected));
    } else {
      resumed.push(await resumedRun(project, node, master, expected));
      full.push(await fullRun(project, node, master));
    }
  }
  return { master, expected, full, resumed };
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
  if (r.na) return `| ${what} | n/a: ${r.na} | | | | |`;
  const fullMs = median(r.full.map((x) => x.ms));
  const rerunMs = median(r.resumed.map((x) => x.ms));
  const ratio = rerunMs / fullMs;
  const bad = r.resumed.filter((x) => !x.check.exact);
  const docs = bad.length === 0
    ? `${fmt(r.expected)} in each, each the source's: exact`
    : `NOT exact: ${bad.map((x) => `${fmt(x.check.docs)} (${fmt(x.check.missing)} missing, ${fmt(x.check.extra)} not in the source, ${fmt(x.check.differing)} differing)`).join('; ')}`;
  const incomplete = r.full.filter((x) => x.docs !== r.expected);
  const full = `${secs(fullMs)}${incomplete.length ? ` (NOT complete: ${incomplete.map((x) => fmt(x.docs)).join(', ')} docs)` : ''}`;
  return `| ${what} on ${r.engine}, ${fmt(r.expected)} docs | ${full} | ${secs(rerunMs)} | ${ratio.toFixed(2)}× (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'met' : 'NOT met'} | ${docs} | ${r.resumed.map((x) => x.said).join('; ')} |`;
}

function runs(what, r) {
  if (r.na) return [];
  return [
    `${what}, every run (wall s at load):`,
    `- full fills: ${r.full.map((x) => `${(x.ms / 1000).toFixed(1)} at ${x.load ?? '?'}`).join(', ')}`,
    `- killed runs: ${r.resumed.map((x) => `${(x.killedMs / 1000).toFixed(1)} (killed at ${x.killedAt} %)`).join(', ')}`,
    `- re-runs: ${r.resumed.map((x) => `${(x.ms / 1000).toFixed(1)} at ${x.load ?? '?'}`).join(', ')}`,
  ];
}

mkdirSync(BENCH, { recursive: true });
const started = { at: new Date().toISOString().slice(0, 16).replace('T', ' '), load: load1() };
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const nd = skip.has('ndjson') ? { na: 'skipped (BENCH_SKIP)' } : await ndjsonPart();
const re = skip.has('reindex') ? { na: 'skipped (BENCH_SKIP)' } : await reindexPart();
console.log(`fill resumed after kill -9 — esm ${esmVersion()}, Node ${process.versions.node}, started ${started.at} UTC at load ${started.load ?? '?'}, ended at load ${load1() ?? '?'}\n`);
console.log(`| fill | full fill (median) | re-run after kill -9 past 50 % (median) | re-run ÷ full | after each re-run (every document read back) | what each re-run said |`);
console.log('| --- | ---: | ---: | --- | --- | --- |');
console.log(row('ndjson', nd));
console.log(row('reindex (server task)', re));
console.log(['', `${ROUNDS} rounds, alternating which of the full fill and the killed one runs first.`, ...runs('ndjson', nd), ...runs('reindex', re)].join('\n'));
