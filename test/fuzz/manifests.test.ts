/**
 * Fuzz suite: mutated manifests through `esm validate` (in process,
 * the CLI's own `run`) and the offline plan. Every case must end with exit 0 or
 * 3, a `file:line:col` message for 3, no stack trace, and within 2 s.
 * Seeded: FUZZ_SEED (default 1) and FUZZ_CASES (default 1000); `npm run fuzz`
 * runs more. A failing case prints its seed, its mutations and its text.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { manifestYaml } from '../support/manifest-builders.js';
import { scratchDir } from '../support/scratch.js';
import { loadManifests, parseManifestTexts } from '../../src/manifest/index.js';
import { planOffline } from '../../src/plan/index.js';
import { loadSqlJs } from '../../src/history/sql-js.js';
import { runCli } from '../support/cli.js';
import { MUTATOR_NAMES, mutate, rng } from './mutate.js';

const CASES = Number(process.env.FUZZ_CASES ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
/** Every Nth case also goes through `esm plan --offline` as a user runs it (git and all). */
const CLI_PLAN_EVERY = 40;
const LIMIT_MS = 2000;

const SEEDS = [
  manifestYaml({ name: 'movies' }),
  manifestYaml({ name: 'books', labels: { team: 'catalog' }, source: { type: 'sqlite', path: '../data/books.db', query: 'SELECT * FROM books' }, keepInactive: 1, minDocRatio: 0.9 }),
  manifestYaml({
    name: 'songs',
    settings: { number_of_shards: 2, analysis: { analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } } } },
    source: { type: 'reindex', from: 'active' },
  }),
  `# a hand-written one, with anchors, flow maps and comments
apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: people
spec:
  settings: &s
    index: { number_of_shards: 1, refresh_interval: 30s }
  mappings:
    _meta: { owner: "search team" }
    dynamic: strict
    properties:
      id: { type: keyword }
      name: &text { type: text, fields: { raw: { type: keyword, ignore_above: 256 } } }
      bio: *text
      updated_at: { type: date }
  idField: id
  updatedField: updated_at
`,
];

let root: string;
let manifestsDir: string;
let base: ReturnType<typeof parseManifestTexts>;

beforeAll(async () => {
  root = scratchDir('fuzz');
  manifestsDir = path.join(root, 'manifests');
  mkdirSync(manifestsDir);
  // The seeds' sources, so that esm validate (which checks that each can be read) accepts them.
  mkdirSync(path.join(root, 'data'));
  writeFileSync(path.join(root, 'data', 'movies.ndjson'), '');
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE books (id TEXT)');
  writeFileSync(path.join(root, 'data', 'books.db'), db.export());
  db.close();
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=fuzz@example.com', '-c', 'user.name=fuzz', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  SEEDS.forEach((text, i) => writeFileSync(path.join(manifestsDir, `seed-${i}.yaml`), text));
  git('add', '-A');
  git('commit', '-q', '-m', 'seeds');
  base = parseManifestTexts(SEEDS.map((text, i) => ({ file: `manifests/seed-${i}.yaml`, text })));
  // The working tree holds one file, rewritten by every case; the base ref holds the seeds.
  SEEDS.forEach((_t, i) => rmSync(path.join(manifestsDir, `seed-${i}.yaml`)));
});

// Load every module the cases use once, so that the first case is not timed with the imports.
beforeAll(async () => {
  writeFileSync(path.join(manifestsDir, 'm.yaml'), SEEDS[0]!);
  await runCli(['validate'], { cwd: root, env: { ESM_MANIFESTS: manifestsDir } });
  await runCli(['plan', '--offline', '--base', 'main'], { cwd: root, env: { ESM_MANIFESTS: manifestsDir } });
});

interface Outcome {
  code: number;
  stderr: string;
}

/** What the user sees must be one of the two allowed endings. */
function problemWith(o: Outcome): string | null {
  if (o.code !== 0 && o.code !== 3) return `exit ${o.code}`;
  if (/\n\s+at |unexpected error|RangeError|TypeError|Maximum call stack/.test(o.stderr)) return 'a stack trace or an unexpected error';
  if (o.code === 3 && !/manifests\/m\.yaml:\d+:\d+: /.test(o.stderr)) return 'exit 3 without a file:line:col';
  if (o.code === 0 && o.stderr !== '') return 'exit 0 with something on stderr';
  return null;
}

/** The offline plan's path in process: the working tree's manifests against the base ref's. */
async function offlinePlan(): Promise<Outcome> {
  try {
    const head = await loadManifests(manifestsDir, { cwd: root });
    planOffline(base, head, { baseRef: 'main' });
    return { code: 0, stderr: '' };
  } catch (e) {
    if (e instanceof InvalidInputError) return { code: 3, stderr: `esm: ${e.message}\n` };
    return { code: 1, stderr: String((e as Error).stack) };
  }
}

describe(`fuzz: ${CASES} mutated manifests (seed ${SEED})`, () => {
  it('every case ends in exit 0 or 3, with file:line:col for 3, no stack trace, each within 2 s', async () => {
    const r = rng(SEED);
    const failures: string[] = [];
    const byKind = new Map<string, { n: number; invalid: number }>();
    let slowest = { ms: 0, kinds: [] as string[], i: -1 };
    const env = { ESM_MANIFESTS: manifestsDir, ESM_URL: 'http://127.0.0.1:1' };
    for (let i = 0; i < CASES; i++) {
      const seed = SEEDS[i % SEEDS.length]!;
      const { text, kinds } = mutate(seed, r);
      writeFileSync(path.join(manifestsDir, 'm.yaml'), text);
      const t0 = performance.now();
      const validate = await runCli(['validate'], { cwd: root, env });
      const plan = await offlinePlan();
      const cliPlan = i % CLI_PLAN_EVERY === 0 ? await runCli(['plan', '--offline', '--base', 'main'], { cwd: root, env }) : null;
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, kinds, i };
      for (const [what, o] of [['validate', validate], ['offline plan', plan], ['esm plan --offline', cliPlan]] as const) {
        if (!o) continue;
        const why = problemWith(o.code === 2 ? { ...o, code: 0 } : o);
        if (why) failures.push(`case ${i} (${kinds.join('+')}), ${what}: ${why}\n--- text ---\n${JSON.stringify(text).slice(0, 2000)}\n--- stderr ---\n${o.stderr.slice(0, 2000)}`);
      }
      // validate also checks that sources can be read, which the offline plan does not: a mutated path may name no file.
      const onlySources = validate.code === 3 && plan.code === 0 && validate.stderr.split('\n').slice(1, -1).every((l) => /: spec\.source\.(path|query): /.test(l));
      if (validate.code !== plan.code && !onlySources) failures.push(`case ${i} (${kinds.join('+')}): validate exit ${validate.code} but the offline plan exit ${plan.code}`);
      if (ms > LIMIT_MS) failures.push(`case ${i} (${kinds.join('+')}) took ${ms.toFixed(0)} ms (limit ${LIMIT_MS} ms)`);
      for (const k of kinds) {
        const s = byKind.get(k) ?? { n: 0, invalid: 0 };
        s.n++;
        if (validate.code === 3) s.invalid++;
        byKind.set(k, s);
      }
      if (failures.length >= 5) break;
    }
    console.log(
      `fuzz seed ${SEED}: ${CASES} cases; slowest case ${slowest.i} (${slowest.kinds.join('+')}) ${slowest.ms.toFixed(0)} ms\n` +
        [...byKind].map(([k, s]) => `  ${k.padEnd(16)} ${String(s.n).padStart(5)} cases, ${s.invalid} invalid`).join('\n'),
    );
    expect(failures).toEqual([]);
    // Every kind of mutation was exercised.
    if (CASES >= 200) expect([...byKind.keys()].sort()).toEqual([...MUTATOR_NAMES].sort());
  }, 600_000);
});
