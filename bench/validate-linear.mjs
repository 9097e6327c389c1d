#!/usr/bin/env node
// `esm validate` on large manifests: time grows linearly with the number of keys (issue 13.2).
// Each case is one manifest whose mappings hold N fields (one `fNNN: { type: keyword }` line each),
// validated by a separate `esm validate` process (start-up included; the `esm --version`
// baseline is shown so that it can be subtracted). Usage: npm run build && node bench/validate-linear.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 3);
const bin = fileURLToPath(new URL('../bin/esm.js', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'esm-bench-validate-'));

function manifest(fields) {
  const lines = ['apiVersion: esm/v1', 'kind: IndexMaster', 'metadata:', '  name: big', 'spec:', '  mappings:', '    properties:'];
  for (let i = 0; i < fields; i++) lines.push(`      field_${String(i).padStart(7, '0')}: { type: keyword }`);
  return lines.join('\n') + '\n';
}

function fieldsFor(bytes) {
  const per = Buffer.byteLength(manifest(1000)) / 1000;
  return Math.round(bytes / per);
}

function time(args) {
  const samples = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ESM_DEBUG: '' } });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    out = `exit ${r.status}: ${(r.stdout + r.stderr).trim().split('\n')[0]}`;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(runs / 2)], out };
}

try {
  const base = time([bin, '--version']);
  const cases = [
    ['10k keys', 10_000],
    ['100k keys', 100_000],
    ['200k keys', 200_000],
    ['4 MB', fieldsFor(4 * 1024 * 1024)],
  ];
  console.log(`esm validate, median of ${runs} runs each; esm --version (start-up) takes ${base.ms.toFixed(0)} ms`);
  console.log('| manifest  | keys    | size    | time (ms) | minus start-up | µs per key | result |');
  console.log('|-----------|---------|---------|-----------|----------------|------------|--------|');
  const perKey = [];
  for (const [name, fields] of cases) {
    const dir = path.join(work, name.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'big.yaml');
    writeFileSync(file, manifest(fields));
    const size = statSync(file).size;
    const r = time([bin, 'validate', '--manifests', dir]);
    const net = r.ms - base.ms;
    perKey.push(net / fields);
    console.log(
      `| ${name.padEnd(9)} | ${fields.toLocaleString('en-US').padStart(7)} | ${(size / 1024 / 1024).toFixed(2).padStart(4)} MB | ${r.ms.toFixed(0).padStart(9)} | ${net.toFixed(0).padStart(14)} | ${((net / fields) * 1000).toFixed(1).padStart(10)} | ${r.out} |`,
    );
  }
  const spread = Math.max(...perKey) / Math.min(...perKey);
  console.log(`µs per key varies by ${spread.toFixed(2)}× across the cases (linear: about 1×; quadratic would grow 20× from 10k to 200k).`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
