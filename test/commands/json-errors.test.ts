/**
 * `--json` failures (SPEC §6): every command that fails with --json still prints
 * ONE JSON document on stdout, `{"error": {"code", "exitCode", "message", "file", "line",
 * "column"}}`, beside the human message on stderr, with the same exit code — so that
 * `esm list --json | jq .` does not "succeed" on an empty stdout. Runs the built binary,
 * as a pipeline would; no cluster answers (port 1), so no test node is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { scratchDir } from '../support/scratch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'esm.js');
const NO_CLUSTER = ['--url', 'http://127.0.0.1:1', '--timeout', '200ms'];

const MANIFEST = `apiVersion: esm/v1
kind: IndexMaster
metadata:
  name: movies
spec:
  mappings:
    properties:
      id: { type: keyword }
  source: { type: ndjson, path: ../data/movies.ndjson }
  idField: id
`;

let dir: string;
beforeAll(() => {
  dir = scratchDir('jsonerr');
  mkdirSync(path.join(dir, 'manifests'));
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'manifests', 'movies.yaml'), MANIFEST);
  writeFileSync(path.join(dir, 'data', 'movies.ndjson'), '{"id":"1"}\n');
  // A state file that is not SQLite: esm history refuses it (exit 1) without a cluster.
  writeFileSync(path.join(dir, 'corrupt.sqlite'), 'not a database, just text that is long enough to be read as a header........');
});

function esm(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ESM_STATE: path.join(cwd, '.esm', 'state.sqlite') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stdout is exactly one JSON document (as `jq .` reads it) and tells the failure stderr tells. */
function expectErrorDocument(r: { code: number | null; stdout: string; stderr: string }, code: string): Record<string, unknown> {
  expect(r.code, r.stderr).not.toBe(0);
  let doc: { error?: Record<string, unknown> };
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  expect(doc.error).toBeDefined();
  expect(Object.keys(doc.error!)).toEqual(expect.arrayContaining(['code', 'exitCode', 'message', 'file', 'line', 'column']));
  expect(doc.error!['exitCode']).toBe(r.code);
  expect(doc.error!['code']).toBe(code);
  // Beside the human message on stderr: the same words.
  expect(r.stderr).toMatch(/^esm: /);
  expect(r.stderr.replace(/^esm: /, '').trimEnd()).toBe(doc.error!['message']);
  return doc.error!;
}

describe('--json failures print one JSON error document on stdout', () => {
  const clusterCommands: string[][] = [
    ['list'],
    ['list', '--es-only'],
    ['plan'],
    ['apply', '--auto-approve'],
    ['create', 'movies'],
    ['update', 'movies'],
    ['activate', 'movies'],
    ['rollback', 'movies'],
    ['drop', 'movies-1'],
    ['clear', 'movies'],
    ['state', 'rebuild'],
    ['reset', '--confirm', 'somecluster'],
    ['lock', 'release'],
    ['import', '--all'],
  ];

  it.each(clusterCommands.map((argv) => [argv.join(' '), argv] as const))('esm %s --json, cluster unreachable: exit 1, code "cluster"', (_name, argv) => {
    const error = expectErrorDocument(esm([...argv, '--json', ...NO_CLUSTER]), 'cluster');
    expect(error).toMatchObject({ exitCode: 1, file: null, line: null, column: null });
    expect(error['message']).toMatch(/cannot reach the cluster at http:\/\/127\.0\.0\.1:1/);
  });

  it('covers every command esm has', () => {
    const covered = new Set([...clusterCommands.map((argv) => (argv[0] === 'state' || argv[0] === 'lock' ? argv.slice(0, 2) : argv.slice(0, 1)).join(' ')), 'history', 'validate', 'plan', 'help', 'version']);
    const all = COMMANDS.flatMap((c) => (c.paths ?? []).map((p) => p.join(' '))).filter((p) => p !== '');
    expect(all.filter((p) => !covered.has(p))).toEqual([]);
  });

  it('esm history --json with a state file that is not one: exit 1, code "state"', () => {
    const error = expectErrorDocument(esm(['history', '--json', '--state', 'corrupt.sqlite']), 'state');
    expect(error['exitCode']).toBe(1);
  });

  it('esm validate --json: its own document, with the error and where the first problem is', () => {
    const bad = scratchDir('jsonerr-val');
    mkdirSync(path.join(bad, 'manifests'));
    writeFileSync(path.join(bad, 'manifests', 'movies.yaml'), MANIFEST.replace('type: keyword', 'type: keyword }}'));
    const r = esm(['validate', '--json'], bad);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ valid: false, manifests: [], problems: [{ file: 'manifests/movies.yaml', line: 8 }] });
    expect(doc.error).toMatchObject({ code: 'invalid_input', exitCode: 3, file: 'manifests/movies.yaml', line: 8, column: expect.any(Number) });
    expect(doc.error.message).toMatch(/^1 problem in manifests\n {2}manifests\/movies\.yaml:8:\d+: invalid YAML/);
  });

  it('esm plan --offline --json with an unknown ref: exit 3, code "invalid_input"', () => {
    const r = esm(['plan', '--offline', '--base', 'nope', '--json'], ROOT);
    const error = expectErrorDocument(r, 'invalid_input');
    expect(error['message']).toMatch(/^unknown git ref "nope"; refs here: /);
  });

  it.each([
    ['list', '--json', '--bogus'],
    ['apply', '--json', '--auto-aprove'],
    ['update', 'movies', '--json', '--ful'],
    ['help', 'nope', '--json'],
    ['version', '--json'],
    ['plan', '--json', '--markdown'],
  ])('bad flags or arguments (%s …): exit 3, code "invalid_input"', (...argv) => {
    expectErrorDocument(esm(argv), 'invalid_input');
  });

  it('a bad manifest read by a cluster command gives the file, line and column of the first problem', () => {
    const bad = scratchDir('jsonerr-man');
    mkdirSync(path.join(bad, 'manifests'));
    writeFileSync(path.join(bad, 'manifests', 'movies.yaml'), MANIFEST.replace('kind: IndexMaster', 'kind: Index'));
    const error = expectErrorDocument(esm(['plan', '--json', ...NO_CLUSTER], bad), 'invalid_input');
    expect(error).toMatchObject({ file: 'manifests/movies.yaml', line: 2, column: 7 });
  });
});

describe('--events failures end the stream with a done event carrying the error', () => {
  it.each([
    ['apply', '--auto-approve'],
    ['update', 'movies'],
  ])('esm %s … --events, cluster unreachable', (...argv) => {
    const r = esm([...argv, '--events', ...NO_CLUSTER]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ event: 'done', master: null, step: null, error: { code: 'cluster', exitCode: 1 } });
    expect(lines[0].message).toBe(lines[0].error.message);
  });

  it('refuses --json with --events (each owns stdout), as a done event', () => {
    const r = esm(['apply', '--auto-approve', '--events', '--json', ...NO_CLUSTER]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ event: 'done', error: { code: 'invalid_input', message: expect.stringMatching(/--json and --events cannot be used together/) } });
  });
});
