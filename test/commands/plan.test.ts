/**
 * `esm plan` against the real node: the renderings, --out, --detailed-exitcode,
 * master selection, blocked masters, the offline mode over git, and the proof
 * that planning never writes to the cluster or the state.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSI, esm, movieManifest, movies } from '../support/apply-fixtures.js';
import { esUrl, rawClient } from '../support/es.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

function moviesProject(n = 10): TempProject {
  const p = tempProject('pln');
  p.manifest('movies', movieManifest());
  p.write('data/movies.ndjson', ndjson(movies(n)));
  return p;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('esm plan', () => {
  it('shows a first deployment like terraform plan, and exits 2 with --detailed-exitcode', async () => {
    const p = moviesProject();
    const alias = `${p.prefix}movies`;
    const r = await esm(p, ['plan']);
    expect(r.stdout).toContain(`+ movies: create ${alias}-1`);
    expect(r.stdout).toMatch(/\+ create\s+\S+movies-1/);
    expect(r.stdout).toContain('Plan: 1 to create, 1 to fill, 0 to catch up, 1 to prune, 1 to activate, 0 to update in place, 0 to drop.');
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).toBe('');
    expect((await esm(p, ['plan', '--detailed-exitcode'], 2)).stdout).toContain('Plan:');
  });

  it('says "No changes." and exits 0 with --detailed-exitcode once applied', async () => {
    const p = moviesProject();
    await esm(p, ['apply', '--auto-approve']);
    const r = await esm(p, ['plan', '--detailed-exitcode'], 0);
    expect(r.stdout).toContain('No changes.');
    expect(r.stdout).toContain(`= movies: no changes (${p.prefix}movies-1 is active)`);
  });

  it('shows per master the live doc count and, for a replace, the fill at the rate the last fill measured', async () => {
    const p = moviesProject(40);
    await esm(p, ['apply', '--auto-approve']);
    expect((await esm(p, ['plan'])).stdout).toContain(`= movies: no changes (${p.prefix}movies-1 is active), 40 docs`);
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const r = await esm(p, ['plan']);
    expect(r.stdout).toMatch(new RegExp(`\\n {4}docs: 40 docs in ${p.prefix}movies-1; the fill moves about 40 docs, about \\S+ at the last measured [\\d,]+ docs/s\\n`));
    const m = (await esm(p, ['plan', '--json'])).json().masters[0];
    expect(m).toMatchObject({ liveDocs: 40, fillEstimate: { docs: 40, seconds: expect.any(Number), docsPerSecond: expect.any(Number) } });
    expect((await esm(p, ['plan', '--markdown'])).stdout).toMatch(/\| live docs \|[\s\S]*\| 40 \|/);
  });

  it('--json prints the SPEC §7 document', async () => {
    const p = moviesProject();
    const plan = (await esm(p, ['plan', '--json'])).json();
    const alias = `${p.prefix}movies`;
    expect(plan).toMatchObject({
      formatVersion: 1,
      planId: expect.stringMatching(UUID),
      createdAt: expect.any(String),
      base: { stateHash: expect.any(String), clusterHash: expect.any(String) },
      masters: [
        {
          name: 'movies',
          alias,
          fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          active: null,
          decision: 'create',
          steps: [
            { op: 'create', index: `${alias}-1` },
            { op: 'fill', index: `${alias}-1`, mode: 'full' },
            { op: 'prune', index: `${alias}-1` },
            { op: 'wait', index: `${alias}-1`, health: 'green' },
            { op: 'activate', alias, from: null, to: `${alias}-1` },
          ],
        },
      ],
      warnings: [],
      summary: { create: 1, fill: 1, catch_up: 0, prune: 1, activate: 1, in_place: 0, drop: 0, noop: 0, adopt: 0 },
    });
    // Each plan has its own id.
    expect((await esm(p, ['plan', '--json'])).json().planId).not.toBe(plan.planId);
  });

  it('--markdown renders a pull-request comment', async () => {
    const p = moviesProject();
    const r = await esm(p, ['plan', '--markdown']);
    expect(r.stdout).toMatch(/^### esm plan\n/);
    expect(r.stdout).toContain('| master | decision | active | steps |');
    expect(r.stdout).toContain('<details>');
  });

  it('colours only on a terminal, and never with --no-color', async () => {
    const p = moviesProject();
    expect((await esm(p, ['plan'], 0, { isTTY: true })).stdout).toMatch(ANSI);
    expect((await esm(p, ['plan', '--no-color'], 0, { isTTY: true })).stdout).not.toMatch(ANSI);
    expect((await esm(p, ['plan'], 0, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('--out saves the plan and says how to apply it', async () => {
    const p = moviesProject();
    mkdirSync(path.join(p.dir, 'plans'));
    const r = await esm(p, ['plan', '--out', 'plans/next.json']);
    expect(r.stdout).toContain('Saved the plan to plans/next.json');
    expect(r.stdout).toContain('esm apply plans/next.json');
    const saved = JSON.parse(readFileSync(path.join(p.dir, 'plans/next.json'), 'utf8'));
    expect(saved).toMatchObject({ formatVersion: 1, planId: expect.stringMatching(UUID), prefix: p.prefix, masters: [{ name: 'movies', decision: 'create' }] });
    // With --json, stdout holds only the document; the hint goes to stderr.
    const j = await esm(p, ['plan', '--json', '--out', 'b.json']);
    expect(j.json().planId).toBe(JSON.parse(readFileSync(path.join(p.dir, 'b.json'), 'utf8')).planId);
    expect(j.stderr).toContain('esm apply b.json');
  });

  it('plans only the masters named, with or without the prefix, and refuses unknown ones (exit 3)', async () => {
    const p = moviesProject();
    p.manifest('books', movieManifest({ name: 'books' }));
    expect((await esm(p, ['plan', '--json'])).json().masters.map((m: { name: string }) => m.name)).toEqual(['books', 'movies']);
    expect((await esm(p, ['plan', 'movies', '--json'])).json().masters.map((m: { name: string }) => m.name)).toEqual(['movies']);
    expect((await esm(p, ['plan', `${p.prefix}books`, '--json'])).json().masters.map((m: { name: string }) => m.name)).toEqual(['books']);
    const r = await esm(p, ['plan', 'films'], 3);
    expect(r.stderr).toMatch(/unknown master films; known masters: books, movies/);
  });

  it('shows a blocked master and counts it as a change for --detailed-exitcode', async () => {
    const p = moviesProject();
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('books', movieManifest({ name: 'books' }));
    await rawClient().indices.create({ index: `${p.prefix}books` });
    const r = await esm(p, ['plan', 'books', '--detailed-exitcode'], 2);
    expect(r.stdout).toContain('! books: blocked by a conflict');
    expect(r.stdout).toMatch(/No changes can be made: 1 master is blocked/);
  });

  it('never writes: only GET/HEAD, read-only searches and template simulations reach the cluster, and no state file is created', async () => {
    const p = moviesProject();
    const proxy = await startFaultProxy(esUrl(), {});
    const env = { ESM_URL: proxy.url };
    await esm(p, ['plan'], 0, { env });
    await esm(p, ['plan', '--json', '--out', 'plan.json'], 0, { env });
    expect(existsSync(p.statePath)).toBe(false);
    expect(existsSync(path.join(p.dir, '.esm'))).toBe(false);

    // And once there is something to read (an instance with documents, a state file).
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const before = { bytes: readFileSync(p.statePath), mtime: statSync(p.statePath).mtimeMs };
    const start = proxy.log.length;
    const r = await esm(p, ['plan', '--detailed-exitcode'], 2, { env });
    expect(r.stdout).toContain('-/+ movies: replace');
    expect(readFileSync(p.statePath).equals(before.bytes)).toBe(true);
    expect(statSync(p.statePath).mtimeMs).toBe(before.mtime);

    expect(proxy.log.length).toBeGreaterThan(start);
    // The engine's form of the changed spec is asked for (SPEC §7): the simulate APIs store nothing.
    const simulated = proxy.log.slice(start).filter((q) => q.method === 'POST' && q.path.startsWith('/_index_template/_simulate'));
    expect(simulated.length).toBeGreaterThan(0);
    const readOnly = (q: { method: string; path: string }) =>
      q.method === 'GET' || q.method === 'HEAD' || (q.method === 'POST' && (/\/_(search|count)(\?|$)/.test(q.path) || /^\/_index_template\/_simulate(_index\/[^/?]+)?(\?|$)/.test(q.path)));
    expect(proxy.log.filter((q) => !readOnly(q))).toEqual([]);
    expect(await rawClient().indices.existsIndexTemplate({ name: 'esm-simulate*' })).toBe(false);
  });
});

describe('esm plan --offline', () => {
  function git(p: TempProject, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd: p.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    });
  }

  function repo(): TempProject {
    const p = moviesProject();
    p.manifest('books', movieManifest({ name: 'books' }));
    git(p, 'init', '-q', '-b', 'main');
    git(p, 'add', 'manifests');
    git(p, 'commit', '-q', '-m', 'v1');
    return p;
  }

  // No cluster at all: the URL points nowhere.
  const offline = { env: { ESM_URL: 'http://127.0.0.1:9' } };

  it('tells which masters need a new instance, without a cluster', async () => {
    const p = repo();
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    p.manifest('films', movieManifest({ name: 'films' }));
    const r = await esm(p, ['plan', '--offline', '--base', 'main'], 0, offline);
    expect(r.stdout).toContain('mappings.properties.title.type: text → keyword');
    expect(r.stdout).toMatch(/films/);
    expect(r.stdout).not.toMatch(ANSI);
    await esm(p, ['plan', '--offline', '--base', 'main', '--detailed-exitcode'], 2, offline);

    const j = (await esm(p, ['plan', '--offline', '--base', 'main', '--json'], 0, offline)).json();
    const byName = Object.fromEntries(j.masters.map((m: { name: string }) => [m.name, m]));
    expect(byName.movies).toMatchObject({ status: 'changed', verdict: 'replace', newInstance: true });
    expect(byName.films).toMatchObject({ status: 'added', newInstance: true });
    expect(byName.books).toMatchObject({ status: 'unchanged', newInstance: false });

    const md = await esm(p, ['plan', '--offline', '--base', 'main', '--markdown'], 0, offline);
    expect(md.stdout).toMatch(/^### esm plan \(offline\)/);
  });

  it('names the base and head commits, in every rendering', async () => {
    const p = repo();
    const baseSha = git(p, 'rev-parse', 'HEAD').trim();
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'text', year: 'integer', updated_at: 'date' } }));
    git(p, 'add', '-A');
    git(p, 'commit', '-q', '-m', 'v2');
    const headSha = git(p, 'rev-parse', 'HEAD').trim();
    const text = (await esm(p, ['plan', '--offline', '--base', 'main~1'], 0, offline)).stdout;
    expect(text).toContain(`base ${baseSha.slice(0, 12)} (main~1) → head ${headSha.slice(0, 12)}`);
    // An in-place field addition says existing documents need a fill.
    expect(text).toContain('existing documents get values for new fields only when re-sent');
    const md = (await esm(p, ['plan', '--offline', '--base', 'main~1', '--markdown'], 0, offline)).stdout;
    expect(md).toMatch(new RegExp(`<sub>.*: base ${baseSha.slice(0, 12)} \\(main&#126;1\\) → head ${headSha.slice(0, 12)}(; .*)?</sub>`));
    const j = (await esm(p, ['plan', '--offline', '--base', 'main~1', '--json'], 0, offline)).json();
    expect(j).toMatchObject({ baseRef: 'main~1', baseCommit: baseSha, head: { commit: headSha, dirty: false } });
    p.manifest('books', movieManifest({ name: 'books', fields: { id: 'keyword', title: 'text', updated_at: 'date', tag: 'keyword' } }));
    expect((await esm(p, ['plan', '--offline', '--base', 'main~1'], 0, offline)).stdout).toContain(`head ${headSha.slice(0, 12)} + uncommitted changes`);
  });

  it('exits 0 with --detailed-exitcode when the manifests did not change', async () => {
    const p = repo();
    const r = await esm(p, ['plan', '--offline', '--base', 'main', '--detailed-exitcode'], 0, offline);
    expect(r.stdout).toMatch(/unchanged: books, movies/);
  });

  it('refuses an unknown ref, and --offline without --base (exit 3)', async () => {
    const p = repo();
    expect((await esm(p, ['plan', '--offline', '--base', 'nope'], 3, offline)).stderr).toMatch(/unknown git ref "nope"/);
    expect((await esm(p, ['plan', '--offline'], 3, offline)).stderr).toMatch(/--offline needs --base/);
  });
});
