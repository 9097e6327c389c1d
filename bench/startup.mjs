#!/usr/bin/env node
// `esm --version` start-up time, side by side with a bare `node -e ""` baseline.
// Usage: npm run build && node bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 20);
const bin = fileURLToPath(new URL('../bin/esm.js', import.meta.url));

function time(args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(runs / 2)], p90: samples[Math.floor(runs * 0.9)] };
}

const base = time(['-e', '']);
const esm = time([bin, '--version']);
const help = time([bin, '--help']);
const row = (name, r) => `| ${name.padEnd(22)} | ${r.median.toFixed(0).padStart(8)} | ${r.p90.toFixed(0).padStart(6)} | ${(r.median - base.median).toFixed(0).padStart(14)} |`;
console.log(`start-up, ${runs} runs each (ms)`);
console.log('| command                | median   | p90    | over baseline  |');
console.log('|------------------------|----------|--------|----------------|');
console.log(row('node -e "" (baseline)', base));
console.log(row('esm --version', esm));
console.log(row('esm --help', help));
console.log(esm.median < 500 ? `esm --version: ${esm.median.toFixed(0)} ms, within the 500 ms target` : `esm --version: ${esm.median.toFixed(0)} ms, OVER the 500 ms target`);
