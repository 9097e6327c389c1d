/**
 * `esm apply` against the real node: every plan decision carried out end to
 * end, saved plans and their staleness, the lock, confirmation, --no-activate,
 * --json, failures that stop one master only, and plain output without a TTY.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { ANSI, aliasTargets, countDocs, decisions, esm, indicesOf, metaOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { rawClient, testCluster } from '../support/es.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

/** A project with master `movies` (id, title, updated_at) reading data/movies.ndjson with `n` documents. */
function moviesProject(n = 30, manifest: Parameters<typeof movieManifest>[0] = {}): TempProject {
  const p = tempProject('apl');
  p.manifest('movies', movieManifest(manifest));
  p.write('data/movies.ndjson', ndjson(movies(n)));
  return p;
}

async function journal(p: TempProject) {
  const store = await HistoryStore.open(p.statePath, { readOnly: true });
  try {
    return store.listActions().reverse();
  } finally {
    store.close();
  }
}

describe('esm apply: each decision', () => {
  it('create: a first instance is created, filled and activated; then nothing is left to do', async () => {
    const p = moviesProject(30);
    const r = await esm(p, ['apply', '--auto-approve']);
    const alias = `${p.prefix}movies`;
    expect(r.stdout).toContain(`+ movies: create ${alias}-1`);
    expect(r.stdout).toMatch(/Apply complete/);
    expect(r.stdout).toContain(`fill ${alias}-1 (30 docs)`);
    expect(await aliasTargets(alias)).toEqual([`${alias}-1`]);
    expect(await countDocs(alias)).toBe(30);
    expect((await metaOf(`${alias}-1`)).filledAt).toEqual(expect.any(String));

    const again = await esm(p, ['apply', '--auto-approve']);
    expect(again.stdout).toContain('No changes.');
    expect(again.stderr).toBe('');
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`]);
  });

  it('noop: with the manifest unchanged, apply changes nothing and records nothing', async () => {
    const p = moviesProject(10);
    await esm(p, ['apply', '--auto-approve']);
    const before = (await journal(p)).length;
    const r = await esm(p, ['apply', '--auto-approve', '--json']);
    expect(r.json()).toEqual({ planId: expect.any(String), masters: [], ok: true });
    expect((await journal(p)).length).toBe(before);
  });

  it('catch_up_activate: an instance created ahead (esm create) is filled and activated, the old one kept', async () => {
    const p = moviesProject(20);
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    await esm(p, ['create', 'movies']);
    const alias = `${p.prefix}movies`;
    expect(await decisions(p)).toEqual({ movies: 'catch_up_activate' });

    const r = await esm(p, ['apply', '--auto-approve', '--json']);
    expect(r.json()).toEqual({
      planId: expect.any(String),
      ok: true,
      masters: [
        {
          name: 'movies',
          ok: true,
          steps: [
            { op: 'fill', index: `${alias}-2`, status: 'done', docs: 20 },
            { op: 'prune', index: `${alias}-2`, status: 'done', docs: 0 },
            { op: 'wait', index: `${alias}-2`, status: 'done' },
            { op: 'activate', index: `${alias}-2`, status: 'done' },
          ],
        },
      ],
    });
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`, `${alias}-2`]);
  });

  it('in_place: a new field and a dynamic setting change the active index itself, and its recorded fingerprint', async () => {
    const p = moviesProject(15);
    await esm(p, ['apply', '--auto-approve']);
    const alias = `${p.prefix}movies`;
    const index = `${alias}-1`;
    p.manifest(
      'movies',
      movieManifest({ fields: { id: 'keyword', title: 'text', updated_at: 'date', year: 'integer' }, settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '5s' } }),
    );
    p.write('data/movies.ndjson', ndjson(movies(15).map((m, i) => ({ ...m, year: 1990 + i }))));
    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters[0].decision).toBe('in_place');

    await esm(p, ['apply', '--auto-approve']);
    expect(await indicesOf(p.prefix)).toEqual([index]);
    expect(await aliasTargets(alias)).toEqual([index]);
    const mapping = await rawClient().indices.getMapping({ index });
    expect(mapping[index]!.mappings.properties?.year).toEqual({ type: 'integer' });
    const settings = await rawClient().indices.getSettings({ index });
    expect(settings[index]!.settings?.index?.refresh_interval).toBe('5s');
    expect((await metaOf(index)).fingerprint).toBe(plan.masters[0].fingerprint);
    // The re-sent documents carry the new field.
    const hits = await rawClient().search({ index, query: { range: { year: { gte: 1990 } } }, size: 0, track_total_hits: true });
    expect((hits.hits.total as { value: number }).value).toBe(15);
    expect(await decisions(p)).toEqual({ movies: 'noop' });
  });

  it('replace: a type change builds the next instance, moves the alias and drops what retention does not keep', async () => {
    const p = moviesProject(25, { keepInactive: 0 });
    await esm(p, ['apply', '--auto-approve']);
    const alias = `${p.prefix}movies`;
    p.manifest('movies', movieManifest({ keepInactive: 0, fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const plan = await esm(p, ['plan']);
    expect(plan.stdout).toContain('mappings.properties.title.type: text → keyword');

    const r = await esm(p, ['apply', '--auto-approve', '--json']);
    const steps = r.json().masters[0].steps.map((s: { op: string; index: string; status: string }) => `${s.op} ${s.index} ${s.status}`);
    expect(steps).toEqual([`create ${alias}-2 done`, `fill ${alias}-2 done`, `catch_up ${alias}-2 done`, `prune ${alias}-2 done`, `wait ${alias}-2 done`, `activate ${alias}-2 done`, `drop ${alias}-1 done`]);
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-2`]);
    expect(await countDocs(alias)).toBe(25);
    const mapping = await rawClient().indices.getMapping({ index: `${alias}-2` });
    expect(mapping[`${alias}-2`]!.mappings.properties?.title).toEqual({ type: 'keyword' });
    // Every action of the apply carries its plan id.
    const planId = r.json().planId;
    const actions = (await journal(p)).filter((a) => a.planId === planId).map((a) => `${a.action} ${a.instance} ${a.status}`);
    expect(actions).toEqual([
      `create ${alias}-2 complete`,
      `update ${alias}-2 complete`,
      `partial_update ${alias}-2 complete`,
      // the id-set comparison before the activation (movies has an idField and an ndjson source)
      `prune ${alias}-2 complete`,
      `activate ${alias}-2 complete`,
      `drop ${alias}-1 complete`,
    ]);
  });

  it('a master without a source gets its instance activated empty: applications fill it through the alias', async () => {
    const p = tempProject('apl');
    p.manifest('events', movieManifest({ name: 'events', data: null, updatedField: null }));
    const r = await esm(p, ['apply', '--auto-approve']);
    expect(r.stdout).toContain('no fill: the master has no source');
    expect(await aliasTargets(`${p.prefix}events`)).toEqual([`${p.prefix}events-1`]);
    expect(await decisions(p)).toEqual({ events: 'noop' });
  });

  it('a `reindex from: active` master on its first deployment is created and activated empty (nothing to copy yet)', async () => {
    const p = tempProject('apl');
    p.manifest(
      'derived',
      `apiVersion: esm/v1
kind: IndexMaster
metadata: { name: derived }
spec:
  settings: { number_of_shards: 1, number_of_replicas: 0 }
  mappings: { properties: { title: { type: keyword } } }
  source: { type: reindex, from: active }
`,
    );
    const r = await esm(p, ['apply', '--auto-approve']);
    expect(r.stderr + r.stdout).toContain('nothing to reindex from yet');
    expect(await aliasTargets(`${p.prefix}derived`)).toEqual([`${p.prefix}derived-1`]);
    expect(await decisions(p)).toEqual({ derived: 'noop' });
  });
});

describe('esm apply: saved plans', () => {
  it('applies exactly the saved plan, recording its plan id', async () => {
    const p = moviesProject(12);
    const saved = await esm(p, ['plan', '--out', 'plan.json']);
    expect(saved.stdout).toContain('esm apply plan.json');
    const planId = (JSON.parse((await import('node:fs')).readFileSync(path.join(p.dir, 'plan.json'), 'utf8')) as { planId: string }).planId;
    const r = await esm(p, ['apply', 'plan.json', '--auto-approve', '--json']);
    expect(r.json().planId).toBe(planId);
    expect(new Set((await journal(p)).map((a) => a.planId))).toEqual(new Set([planId]));
    expect(await countDocs(`${p.prefix}movies`)).toBe(12);
  });

  it('refuses a saved plan once the cluster changed since (exit 4, "stale"), changing nothing', async () => {
    const p = moviesProject(5);
    await esm(p, ['plan', '--out', 'plan.json']);
    await esm(p, ['create', 'movies']);
    const r = await esm(p, ['apply', 'plan.json', '--auto-approve'], 4);
    expect(r.stderr).toMatch(/saved plan is stale, run esm plan again/);
    expect(await indicesOf(p.prefix)).toEqual([`${p.prefix}movies-1`]);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([]);
  });

  it('refuses a saved plan once a manifest changed since', async () => {
    const p = moviesProject(5);
    await esm(p, ['plan', '--out', 'plan.json']);
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const r = await esm(p, ['apply', 'plan.json', '--auto-approve'], 4);
    expect(r.stderr).toMatch(/saved plan is stale.*the manifest of movies changed/);
    expect(await indicesOf(p.prefix)).toEqual([]);
  });

  it('does not take master names together with a plan file', async () => {
    const p = moviesProject(5);
    await esm(p, ['plan', '--out', 'plan.json']);
    const r = await esm(p, ['apply', 'plan.json', 'movies', '--auto-approve'], 3);
    expect(r.stderr).toMatch(/applied as a whole/);
  });
});

describe('esm apply: safety', () => {
  it('of two applies started together exactly one proceeds; the other exits 4 naming the holder', async () => {
    const p = moviesProject(20_000);
    const [a, b] = await Promise.all([p.cli(['apply', '--auto-approve']), p.cli(['apply', '--auto-approve', '--batch-size', '500'])]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 4]);
    const loser = a.code === 4 ? a : b;
    expect(loser.stderr).toMatch(/another esm apply holds the lock for prefix ".*": \S+@\S+ \(pid \d+ on host \S+\)/);
    expect(loser.stdout).not.toContain('Apply complete');
    expect(await countDocs(`${p.prefix}movies`)).toBe(20_000);
    // Released at the end: the next apply may run.
    await esm(p, ['apply', '--auto-approve']);
  });

  it('refuses while another holder keeps the lock, and names it', async () => {
    const p = moviesProject(3);
    const lock = await testCluster().acquireLock(p.prefix, { holder: 'alice@ci-7', command: 'esm apply --auto-approve' }, { ttlMs: 60_000, heartbeat: false });
    try {
      const r = await esm(p, ['apply', '--auto-approve'], 4);
      expect(r.stderr).toMatch(/alice@ci-7.*command: esm apply --auto-approve/);
      expect(await indicesOf(p.prefix)).toEqual([]);
    } finally {
      await lock.release();
    }
  });

  it('without a terminal it needs --auto-approve (exit 3), and changes nothing', async () => {
    const p = moviesProject(3);
    const r = await esm(p, ['apply'], 3);
    expect(r.stderr).toMatch(/--auto-approve/);
    expect(r.stdout).toContain('+ movies: create');
    expect(await indicesOf(p.prefix)).toEqual([]);
    expect(existsSync(p.statePath)).toBe(false);
  });

  it.each(['abc', '0', '-5m'])('refuses --wait-timeout %s (exit 3) with one message naming the flag, changing nothing', async (value) => {
    const p = moviesProject(3);
    const r = await esm(p, ['apply', '--auto-approve', `--wait-timeout=${value}`], 3);
    expect(r.stderr.split('\n')[0]).toMatch(/^esm: .*--wait-timeout/);
    expect(r.stderr.match(/^esm:/gm)).toHaveLength(1);
    expect(await indicesOf(p.prefix)).toEqual([]);
    expect(existsSync(p.statePath)).toBe(false);
  });

  it("on a terminal asks, and only 'yes' approves", async () => {
    const p = moviesProject(3);
    const env = { ESM_PROGRESS: 'plain' };
    const no = await esm(p, ['apply'], 4, { isTTY: true, stdin: 'no\n', env });
    expect(no.stderr).toContain("Only 'yes' will be accepted");
    expect(no.stderr).toMatch(/apply cancelled/);
    expect(await indicesOf(p.prefix)).toEqual([]);

    const yes = await esm(p, ['apply'], 0, { isTTY: true, stdin: 'yes\n', env });
    expect(yes.stdout).toMatch(/Apply complete/);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([`${p.prefix}movies-1`]);
  });

  it('refuses (exit 4) a plan with a blocked master before changing anything', async () => {
    const p = moviesProject(3);
    p.manifest('books', movieManifest({ name: 'books' }));
    p.write('data/books.ndjson', ndjson(movies(3)));
    await rawClient().indices.create({ index: `${p.prefix}books` });
    const r = await esm(p, ['apply', '--auto-approve'], 4);
    expect(r.stderr).toMatch(/nothing was changed: master books is blocked by a conflict/);
    expect(await indicesOf(p.prefix)).toEqual([`${p.prefix}books`]);
    // The other master can still be applied by name.
    await esm(p, ['apply', 'movies', '--auto-approve']);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([`${p.prefix}movies-1`]);
  });

  it('a failed step stops its master, leaves its alias where it was, and the other masters go on (exit 1)', async () => {
    const p = moviesProject(10);
    p.manifest('books', movieManifest({ name: 'books' }));
    p.write('data/books.ndjson', ndjson(movies(5)));
    await esm(p, ['apply', '--auto-approve']);
    // books v2 cannot take its documents: a strict mapping without `title`.
    p.manifest('books', movieManifest({ name: 'books', fields: { id: 'keyword', updated_at: 'date' } }));
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const r = await esm(p, ['apply', '--auto-approve', '--json'], 1);
    const doc = r.json();
    expect(doc.ok).toBe(false);
    const books = doc.masters.find((m: { name: string }) => m.name === 'books');
    expect(books.ok).toBe(false);
    expect(books.steps.map((s: { op: string; status: string }) => `${s.op}:${s.status}`)).toEqual(['create:done', 'fill:failed', 'catch_up:skipped', 'prune:skipped', 'wait:skipped', 'activate:skipped']);
    expect(books.steps[1].error).toMatch(/failed to index/);
    expect(doc.masters.find((m: { name: string }) => m.name === 'movies').ok).toBe(true);
    expect(r.stderr).toMatch(/^esm: apply failed for books \(fill /m);
    expect(await aliasTargets(`${p.prefix}books`)).toEqual([`${p.prefix}books-1`]);
    expect(await aliasTargets(`${p.prefix}movies`)).toEqual([`${p.prefix}movies-2`]);
  });
});

describe('esm apply: output', () => {
  it('--no-activate creates and fills, moves no alias, and says what the post-deployment apply does', async () => {
    const p = moviesProject(8);
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const r = await esm(p, ['apply', '--no-activate', '--auto-approve']);
    const alias = `${p.prefix}movies`;
    expect(r.stderr).toContain(`activate ${alias} → ${alias}-2 skipped: --no-activate`);
    expect(r.stdout).toMatch(/no alias moved/);
    // The plan shown is the plan performed: no activate or drop step, a note of what comes later.
    expect(r.stdout).toMatch(/\+ create\s+\S+movies-2/);
    expect(r.stdout).not.toMatch(/→ activate|- drop/);
    expect(r.stdout).toContain(`# after the deployment, esm apply: prune ${alias}-2, wait for ${alias}-2 to be green, activate ${alias} → ${alias}-2`);
    expect(r.stdout).toContain('Plan: 1 to create, 1 to fill, 1 to catch up, 0 to activate, 0 to update in place, 0 to drop.');
    expect(await aliasTargets(alias)).toEqual([`${alias}-1`]);
    expect(await countDocs(`${alias}-2`)).toBe(8);
    expect(await decisions(p)).toEqual({ movies: 'catch_up_activate' });
  });

  it('without a TTY prints plain text: no ANSI codes on stdout or stderr, progress on stderr only', async () => {
    const p = moviesProject(40);
    const r = await esm(p, ['apply', '--auto-approve'], 0, { env: { ESM_PROGRESS_INTERVAL_MS: '0' } });
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
    expect(r.stderr).toContain(`movies: fill ${p.prefix}movies-1 done, 40 docs`);
    expect(r.stdout).not.toContain('done, 40 docs');
  });

  it('--json prints one JSON document and nothing else on stdout', async () => {
    const p = moviesProject(4);
    const r = await esm(p, ['apply', '--auto-approve', '--json']);
    const doc = r.json();
    expect(Object.keys(doc)).toEqual(['planId', 'masters', 'ok']);
    expect(doc.masters[0].steps.map((s: { op: string }) => s.op)).toEqual(['create', 'fill', 'prune', 'wait', 'activate']);
    expect(doc.masters[0].steps[1]).toEqual({ op: 'fill', index: `${p.prefix}movies-1`, status: 'done', docs: 4 });
  });
});
