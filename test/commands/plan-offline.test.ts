/**
 * `esm plan --offline --base <ref>` with a state file: per master the
 * documents its active instance's last fill moved and, for a replace, the fill
 * estimate, both from the history; the state file is only read. No cluster: the
 * URL points nowhere, and the scratch project is a git repository in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { DEFAULT_MAPPINGS, manifestYaml } from '../support/manifest-builders.js';
import { runCli } from '../support/cli.js';
import { scratchDir } from '../support/scratch.js';

const OFFLINE = ['plan', '--offline', '--base', 'main'];
/** No cluster at all: nothing listens there. */
const ENV = { ESM_URL: 'http://127.0.0.1:9' };

let dir: string;
beforeEach(() => {
  dir = scratchDir('offline');
  mkdirSync(path.join(dir, 'manifests'));
  writeFileSync(path.join(dir, 'manifests', 'movies.yaml'), manifestYaml({ name: 'movies' }));
  writeFileSync(path.join(dir, 'manifests', 'books.yaml'), manifestYaml({ name: 'books' }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  // The working tree changes a field's type: movies needs a new instance.
  const mappings = { ...DEFAULT_MAPPINGS, properties: { ...DEFAULT_MAPPINGS.properties, title: { type: 'keyword' } } };
  writeFileSync(path.join(dir, 'manifests', 'movies.yaml'), manifestYaml({ name: 'movies', mappings }));
});

/** A state file where movies-3 was filled with 12,000 docs in 3 s and books-1 with 40. */
async function aStateFile(file = path.join(dir, '.esm', 'state.sqlite')): Promise<string> {
  let t = new Date('2026-11-30T10:00:00.000Z');
  const store = await HistoryStore.open(file, { now: () => t });
  const fill = (master: string, instance: string, docs: number, seconds: number) => {
    const id = store.startAction({ action: 'update', master, instance });
    t = new Date(t.getTime() + seconds * 1000);
    store.finishAction(id, { status: 'complete', docsAffected: docs });
  };
  store.upsertMaster({ name: 'movies', alias: 'movies', activeInstance: 'movies-3' });
  store.upsertMaster({ name: 'books', alias: 'books', activeInstance: 'books-1' });
  fill('books', 'books-1', 40, 1);
  fill('movies', 'movies-3', 12_000, 3);
  store.close();
  return file;
}

function snapshot(file: string): { bytes: Buffer; mtimeMs: number } {
  return { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs };
}

describe('esm plan --offline with a state file', () => {
  it('shows per master the documents of its last fill and, for a replace, the fill estimate, from the history', async () => {
    const file = await aStateFile();
    const before = snapshot(file);

    const text = await runCli(OFFLINE, { cwd: dir, env: ENV });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain('document counts from the history (.esm/state.sqlite)\n');
    expect(text.stdout).toContain(
      '-/+ movies: changed: needs a new instance\n    docs: 12,000 docs in movies-3 at its last fill (history, 2026-11-30); the fill moves about 12,000 docs, about 3s at the last measured 4,000 docs/s\n',
    );
    expect(text.stdout).toContain('= unchanged: books (40 docs)');

    const md = await runCli([...OFFLINE, '--markdown'], { cwd: dir, env: ENV });
    expect(md.stdout).toContain('| <code>movies</code> | changed: needs a new instance | yes | 12,000 in <code>movies-3</code> (2026-11-30) |');
    expect(md.stdout).toContain('The fill moves about 12,000 docs, about 3s at the last measured 4,000 docs/s (from the history).');

    const json = (await runCli([...OFFLINE, '--json'], { cwd: dir, env: ENV })).json();
    expect(json.history).toEqual({ file: '.esm/state.sqlite', read: true });
    const movies = json.masters.find((m: { name: string }) => m.name === 'movies');
    expect(movies).toMatchObject({
      verdict: 'replace',
      recordedDocs: { instance: 'movies-3', docs: 12_000, at: '2026-11-30T10:00:04.000Z' },
      fillEstimate: { docs: 12_000, seconds: 3, docsPerSecond: 4_000 },
    });

    // Only read: the state file is as it was.
    expect(snapshot(file)).toEqual(before);
  });

  it('names the state file as the user gave it (--state)', async () => {
    await aStateFile(path.join(dir, 'envs', 'qa.sqlite'));
    const json = (await runCli([...OFFLINE, '--json', '--state', 'envs/qa.sqlite'], { cwd: dir, env: ENV })).json();
    expect(json.history).toEqual({ file: path.join('envs', 'qa.sqlite'), read: true });
    expect(json.masters.find((m: { name: string }) => m.name === 'books').recordedDocs.docs).toBe(40);
  });

  it('without a state file: no document counts, says so, and creates none', async () => {
    const r = await runCli(OFFLINE, { cwd: dir, env: ENV });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('no history (.esm/state.sqlite): no document counts\n');
    expect(r.stdout).not.toContain('docs:');
    expect(r.stdout).toContain('= unchanged: books\n');
    expect(existsSync(path.join(dir, '.esm'))).toBe(false);
    expect((await runCli([...OFFLINE, '--detailed-exitcode'], { cwd: dir, env: ENV })).code).toBe(2);
  });

  it('with a corrupt state file: the plan still works, one warning on stderr, the file untouched', async () => {
    const file = path.join(dir, '.esm', 'state.sqlite');
    mkdirSync(path.dirname(file));
    writeFileSync(file, 'SQLite format 3\0 and then nonsense, not a database');
    const before = snapshot(file);

    const r = await runCli([...OFFLINE, '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('-/+ movies: changed: needs a new instance');
    expect(r.stdout).toContain('no history (.esm/state.sqlite): no document counts');
    const warnings = r.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: cannot read the history \.esm\/state\.sqlite, so the offline plan has no document counts: .*state\.sqlite/);

    const json = await runCli([...OFFLINE, '--json'], { cwd: dir, env: ENV });
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({ history: { file: '.esm/state.sqlite', read: false } });
    expect(snapshot(file)).toEqual(before);
  });
});
