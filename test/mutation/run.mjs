#!/usr/bin/env node
// node test/mutation/run.mjs [--only id,id] [--keep] [--check]
//   --check: only check that every pattern still fits the code, and exit.
//
// Breaks each behaviour of mutations.mjs, one at a time, and runs the pure (unit)
// vitest project against it: a mutation is `killed` when at least one test fails
// (the table names the first), `survived` when the whole project passes. Prints the
// table on stdout (progress on stderr); exits 1 when one survived.
//
// The work happens in a scratch copy of the checkout (its node_modules linked), never
// in the checkout itself: an interrupted run leaves nothing mutated behind. The unit
// project runs whole except test/build/package.test.ts (it packs and installs the
// package: minutes per run, and no behaviour of this list lives there), with timeouts of
// ten minutes: on a busy machine a slow test must not pass for a kill. Before
// anything runs, every pattern must match its file exactly once (else exit 2, naming
// the mutations whose code moved on), and the unmutated copy must pass (else exit 2):
// a red baseline would count every mutation as killed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const log = (line) => process.stderr.write(`${line}\n`);

const only = value('--only')?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = (only ?? []).filter((id) => !MUTATIONS.some((m) => m.id === id));
if (unknown.length) {
  log(`unknown mutation ${unknown.join(', ')} (known: ${MUTATIONS.map((m) => m.id).join(', ')})`);
  process.exit(2);
}
const chosen = only ? MUTATIONS.filter((m) => only.includes(m.id)) : MUTATIONS;

// 1. Every pattern matches its file exactly once, now.
const problems = [];
for (const m of chosen) {
  const text = readFileSync(join(ROOT, m.file), 'utf8');
  const hits = text.match(new RegExp(m.find.source, `${m.find.flags.replace('g', '')}g`))?.length ?? 0;
  if (hits !== 1) problems.push(`${m.id}: ${m.file} has ${hits === 0 ? 'no' : hits} match${hits === 1 ? '' : 'es'} of ${m.find}`);
}
if (problems.length) {
  log(`MUTATION PATTERNS NO LONGER FIT THE CODE (nothing was run):\n  ${problems.join('\n  ')}\nUpdate test/mutation/mutations.mjs to break the same behaviour where it lives now.`);
  process.exit(2);
}
if (flag('--check')) {
  log(`${chosen.length} mutation patterns fit the code`);
  process.exit(0);
}

// 2. A scratch copy of the checkout.
const SKIP = new Set(['node_modules', 'dist', '.git', '.cache', '.esm', 'coverage']);
const work = mkdtempSync(join(tmpdir(), 'esm-mutation-'));
/** The child running now (its own process group, so that its workers go with it). */
let running = null;
const cleanup = () => {
  if (running) process.kill(-running.pid, 'SIGKILL');
  if (!flag('--keep')) rmSync(work, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

/** Runs a command in the copy; resolves with its exit code and output. */
function run(cmd, argv, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('close', (status) => {
      running = null;
      resolve({ status, output });
    });
  });
}
cpSync(ROOT, work, { recursive: true, filter: (src) => !SKIP.has(relative(ROOT, src).split(/[\\/]/)[0]) });
symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
// Tests may ask git about the checkout: the copy is a repository of its own, everything committed.
const git = (...a) => spawnSync('git', ['-c', 'user.name=esm mutation', '-c', 'user.email=esm@example.invalid', '-c', 'commit.gpgsign=false', ...a], { cwd: work, stdio: 'ignore' });
git('init', '-q');
writeFileSync(join(work, '.git/info/exclude'), 'node_modules\n');
git('add', '-A');
git('commit', '-q', '-m', 'scratch copy');
log(`scratch copy: ${flag('--keep') ? work : '(removed at the end)'}`);

/** Build the bundle (tests that spawn bin/esm.js need it fresh), run the unit project; the failed tests. */
async function runUnit(label) {
  const build = await run(process.execPath, ['scripts/build.mjs', '--bundle-only']);
  if (build.status !== 0) return { failed: [`build failed: ${build.output.trim().split('\n').at(-1)}`], error: null };
  const out = join(work, `vitest-${label}.json`);
  const env = { ...process.env };
  delete env.ESM_TEST_ENGINES;
  const r = await run(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'unit', '--exclude', 'test/build/package.test.ts', '--bail=1', '--testTimeout=600000', '--hookTimeout=600000', '--reporter=json', `--outputFile=${out}`],
    env,
  );
  let report;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    return { failed: [], error: `vitest wrote no report (exit ${r.status}): ${r.output.trim().split('\n').slice(-5).join(' | ')}` };
  }
  const failed = [];
  for (const file of report.testResults ?? []) {
    const name = relative(work, file.name);
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests) failed.push(`${name} > ${t.fullName}`);
    if (tests.length === 0 && file.status === 'failed') failed.push(`${name} (did not load: ${String(file.message ?? '').split('\n')[0]})`);
  }
  return { failed, error: null };
}

let code = 0;
try {
  // 3. The unmutated copy passes.
  log('baseline: the unit project on the unmutated copy…');
  const base = await runUnit('baseline');
  if (base.error || base.failed.length) {
    log(`BASELINE IS NOT GREEN (nothing was mutated): ${base.error ?? base.failed.slice(0, 5).join('; ')}`);
    process.exitCode = 2;
  } else {
    // 4. One mutation at a time.
    const rows = [];
    for (const [i, m] of chosen.entries()) {
      const file = join(work, m.file);
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace(m.find, m.replace));
      log(`[${i + 1}/${chosen.length}] ${m.id}: ${m.what}…`);
      const t0 = Date.now();
      const r = await runUnit(m.id);
      writeFileSync(file, original);
      const result = r.error ? 'error' : r.failed.length ? 'killed' : 'survived';
      if (result !== 'killed') code = 1;
      rows.push({ m, result, by: r.error ?? r.failed[0] ?? '', seconds: Math.round((Date.now() - t0) / 1000) });
      log(`  ${result}${r.failed[0] ? ` by ${r.failed[0]}` : ''}${r.error ? `: ${r.error}` : ''}`);
    }
    const killed = rows.filter((r) => r.result === 'killed').length;
    const lines = [
      `| # | mutation | what it breaks | file | result | first failing test |`,
      `| --- | --- | --- | --- | --- | --- |`,
      ...rows.map((r, i) => `| ${i + 1} | ${r.m.id} | ${r.m.what} | ${r.m.file} | **${r.result}** | ${r.by.replaceAll('|', '\\|')} |`),
      '',
      `${killed} of ${rows.length} killed by the unit project.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = code;
  }
} finally {
  cleanup();
}
