#!/usr/bin/env node
// `npm run demo`: the deployment flow of esm, end to end, on the example project.
//
// Uses ESM_URL when it answers, otherwise starts the local node (scripts/es.mjs)
// and leaves it running. Works on a scratch copy of manifests/ and examples/
// under .cache/demo/<prefix>, with the environment prefix ESM_PREFIX (default
// `demo_`). What it creates in the cluster: for each example master (movies,
// books) the alias `<prefix><master>` and its instances `<prefix><master>-<N>`
// (and esm's shared lock index `esm-locks`, if the cluster had none). Before it
// starts, and with `--clean` (npm run demo:clean), it deletes exactly those
// instances — an index named `<prefix><master>-<N>` for one of its masters whose
// `_meta.esm` says esm made it for that master — and nothing else: no wildcard, no
// other prefix, no other master, no index esm did not make.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { nodeStatus, startNode } from './es.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PREFIX = process.env.ESM_PREFIX || 'demo_';
const WORK = join(ROOT, '.cache', 'demo', PREFIX.replace(/[^a-z0-9_.-]/g, '_'));
const BIN = join(ROOT, 'bin', 'esm.js');
const CLEAN = process.argv.includes('--clean');

const bold = process.stdout.isTTY && !('NO_COLOR' in process.env);
const say = (s) => process.stdout.write(bold ? `\n\x1b[1m${s}\x1b[0m\n` : `\n== ${s}\n`);

/** A request to the cluster with the credentials esm would use (ESM_API_KEY, ESM_USERNAME/ESM_PASSWORD, or user:pass in the URL). */
async function request(base, path, init = {}) {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  const headers = { ...(init.headers ?? {}) };
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  } else if (process.env.ESM_API_KEY) {
    headers.authorization = `ApiKey ${process.env.ESM_API_KEY}`;
  } else if (process.env.ESM_USERNAME) {
    headers.authorization = `Basic ${Buffer.from(`${process.env.ESM_USERNAME}:${process.env.ESM_PASSWORD ?? ''}`).toString('base64')}`;
  }
  return fetch(url, { ...init, headers, signal: AbortSignal.timeout(30_000) });
}

/** The URL without its credentials, for messages. */
const shown = (url) => url.replace(/\/\/[^@/]*@/, '//***@');

async function reachable(url) {
  try {
    return (await request(url, '_cluster/health', { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function clusterUrl() {
  const given = process.env.ESM_URL;
  if (given && (await reachable(given))) return given;
  if (CLEAN) {
    // Cleaning starts no node: without ESM_URL it is the local node the demo started, when it runs.
    const local = await nodeStatus();
    if (!given && local.running) return local.url;
    return null;
  }
  if (given) console.error(`ESM_URL=${shown(given)} does not answer; starting a local node instead`);
  const node = await startNode({ log: (l) => console.error(`[es] ${l}`) });
  return node.url;
}

/** The masters the example project declares (movies, books): the only ones the demo touches. */
function demoMasters() {
  const dir = join(ROOT, 'manifests');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()?.metadata?.name))
    .filter((name) => typeof name === 'string');
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The demo's own indices: `<prefix><master>-<N>` for one of its masters, made by esm for that
 * master (`_meta.esm.master`). Read by exact names pattern; anything else under the prefix is left alone.
 */
async function ownIndices(url) {
  const masters = demoMasters();
  const res = await request(url, `${encodeURIComponent(PREFIX)}*/_mapping?expand_wildcards=open,closed&allow_no_indices=true&ignore_unavailable=true`);
  if (!res.ok) throw new Error(`cannot list the indices under ${PREFIX}* at ${shown(url)}: ${res.status} ${await res.text()}`);
  const mappings = await res.json();
  const own = new RegExp(`^${escapeRe(PREFIX)}(${masters.map(escapeRe).join('|')})-\\d+$`);
  return Object.entries(mappings)
    .filter(([name, body]) => {
      const m = own.exec(name);
      return m !== null && body?.mappings?._meta?.esm?.master === m[1];
    })
    .map(([name]) => name)
    .sort();
}

/** Deletes the demo's own indices, one by exact name (clusters may refuse wildcard deletes); their aliases go with them. */
async function cleanDemoIndices(url) {
  const names = await ownIndices(url);
  for (const name of names) {
    const res = await request(url, encodeURIComponent(name), { method: 'DELETE' });
    if (!res.ok && res.status !== 404) throw new Error(`cannot delete ${name}: ${res.status} ${await res.text()}`);
  }
  return names;
}

function esm(args, env) {
  process.stdout.write(`\n$ esm ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: WORK, env, stdio: 'inherit' });
  return r.status ?? 1;
}

function must(code, what) {
  if (code !== 0) {
    console.error(`\ndemo: "${what}" exited ${code}`);
    process.exit(1);
  }
}

let url;
let removed;
try {
  // The prefix is checked before anything is read or deleted under it (esm's own rule, kept strict here).
  if (!/^[a-z0-9][^A-Z\\/*?"<>| ,#:]*$/.test(PREFIX)) throw new Error(`invalid ESM_PREFIX "${PREFIX}": lowercase, not starting with - _ + ., without \\ / * ? " < > | space , # :`);
  url = await clusterUrl();
  removed = url === null ? [] : await cleanDemoIndices(url);
} catch (e) {
  // One clear message (the node's own error lines, the log's path), no stack trace.
  console.error(`demo: ${process.env.ESM_DEBUG ? e.stack : e.message}`);
  process.exit(1);
}
if (removed.length) console.log(`removed the demo's indices from an earlier run: ${removed.join(', ')}`);
rmSync(WORK, { recursive: true, force: true });
if (CLEAN) {
  if (url === null) console.log(`No cluster answers${process.env.ESM_URL ? ` at ${shown(process.env.ESM_URL)}` : ' (ESM_URL is not set and no local node runs)'}: no index was deleted.`);
  else console.log(`No index of the demo remains under the prefix ${PREFIX} at ${shown(url)}.`);
  console.log(`The demo's project copy ${relative(ROOT, WORK)} is gone.`);
  process.exit(url === null && process.env.ESM_URL ? 1 : 0);
}
mkdirSync(WORK, { recursive: true });
cpSync(join(ROOT, 'manifests'), join(WORK, 'manifests'), { recursive: true });
cpSync(join(ROOT, 'examples'), join(WORK, 'examples'), { recursive: true });
cpSync(join(ROOT, 'schemas'), join(WORK, 'schemas'), { recursive: true });
const env = { ...process.env, ESM_URL: url, ESM_PREFIX: PREFIX, ESM_STATE: join(WORK, '.esm', 'state.sqlite') };
const work = relative(ROOT, WORK);

say(`esm demo against ${shown(url)} (prefix ${PREFIX}, project copy in ${work})`);
console.log(`It creates the aliases ${demoMasters().map((m) => PREFIX + m).join(', ')} and their instances (${PREFIX}<master>-<N>); npm run demo:clean removes them.`);

say('1. Validate the manifests and plan the first deployment');
must(esm(['validate'], env), 'esm validate');
esm(['plan'], env);

say('2. Apply it: create, fill and activate each master');
must(esm(['apply', '--auto-approve'], env), 'esm apply');
must(esm(['list'], env), 'esm list');

say('3. A pull request changes a field type: movies.genre keyword → text');
const moviesYaml = join(WORK, 'manifests', 'movies.yaml');
writeFileSync(moviesYaml, readFileSync(moviesYaml, 'utf8').replace('genre: { type: keyword }', 'genre: { type: text, fields: { raw: { type: keyword } } }'));
esm(['plan', '--markdown'], env);

say('4. Pre-deploy: create and fill the new instance, leave the alias where it is');
must(esm(['apply', '--no-activate', '--auto-approve'], env), 'esm apply --no-activate');

say('5. Meanwhile the application changes documents');
const data = join(WORK, 'examples', 'data', 'movies.ndjson');
const later = new Date(Date.now() + 60_000).toISOString();
appendFileSync(data, `${JSON.stringify({ id: 401, title: 'Late arrival', genre: 'drama', year: 2026, rating: 8.1, updated_at: later })}\n`);
console.log('appended movie 401 to examples/data/movies.ndjson (its updated_at is newer than the fill)');

say('6. Post-deploy: catch up and activate');
esm(['plan'], env);
must(esm(['apply', '--auto-approve'], env), 'esm apply');
must(esm(['list'], env), 'esm list');
must(esm(['history', '--limit', '12'], env), 'esm history');

say(`Done. The node stays up at ${shown(url)}; try: cd ${work} && ESM_URL=${shown(url)} ESM_PREFIX=${PREFIX} node ${relative(WORK, BIN)} list`);
console.log(`Remove what the demo created (its indices under ${PREFIX}, and ${work}): ${PREFIX === 'demo_' ? '' : `ESM_PREFIX=${PREFIX} `}npm run demo:clean`);
if ((await nodeStatus()).url === url) console.log('Stop the local node with: npm run es:stop');
