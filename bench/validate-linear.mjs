#!/usr/bin/env node
// `esm validate` on large manifests: time grows linearly with the number of keys,
// and a 4 MB manifest validates in under a second. Each case is one manifest whose mappings hold
// N fields (one `field_NNNNNNN: { type: keyword }` line each), validated by a separate `esm validate`
// process (start-up included; the `esm --version` baseline is shown so that it can be subtracted).
// Usage: npm run build && node bench/validate-linear.mjs [runs]   (npm run bench runs it too)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/esm.js', import.meta.url));

/** The validate goal (seconds, median wall time of the whole process): a 4 MB manifest in under 1 s. */
export const VALIDATE_GOAL_S = 1;

function manifest(fields) {
  const lines = ['apiVersion: esm/v1', 'kind: IndexMaster', 'metadata:', '  name: big', 'spec:', '  mappings:', '    properties:'];
  for (let i = 0; i < fields; i++) lines.push(`      field_${String(i).padStart(7, '0')}: { type: keyword }`);
  return lines.join('\n') + '\n';
}

function fieldsFor(bytes) {
  const per = Buffer.byteLength(manifest(1000)) / 1000;
  return Math.round(bytes / per);
}

/** Median ms of `runs` runs after a warm-up; every run must exit 0. */
function time(args, runs) {
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ESM_DEBUG: '' } });
    if (r.status !== 0) throw new Error(`esm ${args.slice(1).join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
    if (i > 0) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** One row per case: keys, bytes, ms, ms minus start-up, µs per key; and the start-up baseline. */
export function validateRows({ runs = 3 } = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'esm-bench-validate-'));
  try {
    const baseMs = time([bin, '--version'], runs);
    const cases = [
      ['10k keys', 10_000],
      ['100k keys', 100_000],
      ['200k keys', 200_000],
      ['4 MB', fieldsFor(4 * 1024 * 1024)],
    ];
    const rows = cases.map(([name, keys]) => {
      const dir = path.join(work, name.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'big.yaml');
      writeFileSync(file, manifest(keys));
      const ms = time([bin, 'validate', '--manifests', dir], runs);
      return { name, keys, bytes: statSync(file).size, ms, netMs: ms - baseMs };
    });
    return { runs, baseMs, rows };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function validateTable({ runs, baseMs, rows }) {
  const perKey = rows.map((r) => r.netMs / r.keys);
  const spread = Math.max(...perKey) / Math.min(...perKey);
  return [
    `esm validate, median of ${runs} runs each; esm --version (start-up) takes ${baseMs.toFixed(0)} ms`,
    '| manifest  | keys    | size    | time (ms) | minus start-up | µs per key |',
    '|-----------|---------|---------|-----------|----------------|------------|',
    ...rows.map(
      (r) =>
        `| ${r.name.padEnd(9)} | ${r.keys.toLocaleString('en-US').padStart(7)} | ${(r.bytes / 1024 / 1024).toFixed(2).padStart(4)} MB | ${r.ms.toFixed(0).padStart(9)} | ${r.netMs.toFixed(0).padStart(14)} | ${((r.netMs / r.keys) * 1000).toFixed(1).padStart(10)} |`,
    ),
    `µs per key varies by ${spread.toFixed(2)}× across the cases (linear: about 1×; quadratic would grow 20× from 10k to 200k).`,
  ].join('\n');
}

/** The validate row of the goals table: the 4 MB case beside 1 s. */
export function validateGoalRow({ rows }) {
  const four = rows.find((r) => r.name === '4 MB');
  return ['`esm validate`, 4 MB manifest (issue #13)', `${(four.ms / 1000).toFixed(2)} s`, `< ${VALIDATE_GOAL_S} s`, four.ms / 1000 < VALIDATE_GOAL_S ? 'met' : 'NOT met'];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = validateRows({ runs: Number(process.argv[2] ?? 3) });
  console.log(validateTable(result));
  console.log(`goal: ${validateGoalRow(result).slice(1).join(' ')}`);
}
