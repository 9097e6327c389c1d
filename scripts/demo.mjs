#!/usr/bin/env node
// `npm run demo`: the deployment flow of esm, end to end, on the example project.
//
// Uses ESM_URL when it answers, otherwise starts the local node (scripts/es.mjs)
// and leaves it running. Works on a scratch copy of manifests/ and examples/
// under .cache/demo, with the environment prefix `demo_`, so the repository and
// any other index on the cluster are left alone.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeStatus, startNode } from './es.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, '.cache', 'demo');
const PREFIX = 'demo_';
const BIN = join(ROOT, 'bin', 'esm.js');

const bold = process.stdout.isTTY && !('NO_COLOR' in process.env);
const say = (s) => process.stdout.write(bold ? `\n\x1b[1m${s}\x1b[0m\n` : `\n== ${s}\n`);

async function reachable(url) {
  try {
    const res = await fetch(`${url}/_cluster/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function clusterUrl() {
  const given = process.env.ESM_URL;
  if (given && (await reachable(given))) return given;
  if (given) console.error(`ESM_URL=${given.replace(/\/\/[^@/]*@/, '//***@')} does not answer; starting a local node instead`);
  const node = await startNode({ log: (l) => console.error(`[es] ${l}`) });
  return node.url;
}

/** Deletes the demo's own indices (by exact name: clusters may refuse wildcard deletes). */
async function cleanDemoIndices(url) {
  const res = await fetch(`${url}/${PREFIX}*?expand_wildcards=open,closed&allow_no_indices=true`);
  const names = Object.keys(res.ok ? await res.json() : {});
  for (const name of names) await fetch(`${url}/${name}`, { method: 'DELETE' });
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
try {
  url = await clusterUrl();
} catch (e) {
  // One clear message (the node's own error lines, the log's path), no stack trace.
  console.error(`demo: ${process.env.ESM_DEBUG ? e.stack : e.message}`);
  process.exit(1);
}
await cleanDemoIndices(url);
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
cpSync(join(ROOT, 'manifests'), join(WORK, 'manifests'), { recursive: true });
cpSync(join(ROOT, 'examples'), join(WORK, 'examples'), { recursive: true });
cpSync(join(ROOT, 'schemas'), join(WORK, 'schemas'), { recursive: true });
const env = { ...process.env, ESM_URL: url, ESM_PREFIX: PREFIX, ESM_STATE: join(WORK, '.esm', 'state.sqlite') };

say(`esm demo against ${url} (prefix ${PREFIX}, project copy in .cache/demo)`);

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

say(`Done. The node stays up at ${url}; try: cd .cache/demo && ESM_URL=${url} ESM_PREFIX=${PREFIX} node ../../bin/esm.js list`);
if ((await nodeStatus()).url === url) console.log('Stop the local node with: npm run es:stop');
