/**
 * The plan is exactly what apply does, and apply reaches the whole desired
 * state (SPEC §7): retention drops that a stopped apply still owes, masters in
 * dependency order, and instance numbers per prefix and master. Against the
 * real node.
 */
import { describe, expect, it } from 'vitest';
import { aliasTargets, countDocs, esm, indicesOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

function moviesProject(n = 10, manifest: Parameters<typeof movieManifest>[0] = {}): TempProject {
  const p = tempProject('dst');
  p.manifest('movies', movieManifest(manifest));
  p.write('data/movies.ndjson', ndjson(movies(n)));
  return p;
}

interface PlanJson {
  masters: { name: string; decision: string; steps: { op: string; index?: string; to?: string }[] }[];
  summary: Record<string, number>;
}

async function planJson(p: TempProject): Promise<PlanJson> {
  return (await esm(p, ['plan', '--json'])).json<PlanJson>();
}

describe('retention is part of the desired state', () => {
  it('an apply stopped after its alias swap leaves a drop that the next plan shows and apply carries out', async () => {
    const p = moviesProject(10, { keepInactive: 0 });
    await esm(p, ['apply', '--auto-approve']);
    const alias = `${p.prefix}movies`;
    // The state an apply killed between its activate and drop steps leaves: a new instance is active, the old one is still there.
    await esm(p, ['create', 'movies', '--force']);
    await esm(p, ['update', `${alias}-2`]);
    await esm(p, ['activate', 'movies', '2']);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`, `${alias}-2`]);

    const plan = await planJson(p);
    expect(plan.masters[0]!.steps).toEqual([expect.objectContaining({ op: 'drop', index: `${alias}-1` })]);
    expect(plan.summary.drop).toBe(1);
    const text = await esm(p, ['plan', '--detailed-exitcode'], 2);
    expect(text.stdout).toContain(`- drop ${alias}-1`);
    expect(text.stdout).not.toContain('No changes.');

    await esm(p, ['apply', '--auto-approve']);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-2`]);
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
    expect(await countDocs(alias)).toBe(10);
    expect((await esm(p, ['plan'])).stdout).toContain('No changes.');
  });
});

describe('dependency order', () => {
  /** `catalog` is reindexed from `movies`: by name it would come first. */
  function dependentProject(): TempProject {
    const p = moviesProject(12);
    const catalog = movieManifest({ name: 'catalog', data: null }).replace(/spec:\n/, 'spec:\n  source: { type: reindex, from: movies }\n');
    p.manifest('catalog', catalog);
    return p;
  }

  it('plans and applies a master after the master it reindexes from, both new in the same apply', async () => {
    const p = dependentProject();
    const plan = await planJson(p);
    expect(plan.masters.map((m) => m.name)).toEqual(['movies', 'catalog']);
    const r = await esm(p, ['apply', '--auto-approve']);
    expect(r.stdout.indexOf('movies')).toBeLessThan(r.stdout.indexOf('catalog'));
    expect(await countDocs(`${p.prefix}catalog`)).toBe(12);
    expect(await countDocs(`${p.prefix}movies`)).toBe(12);
  });

  it('a cycle is an esm validate error at the source.from of each master in it (exit 3), and plan refuses it too', async () => {
    const p = moviesProject(1);
    const cyc = (name: string, from: string) => movieManifest({ name, data: null }).replace(/spec:\n/, `spec:\n  source: { type: reindex, from: ${from} }\n`);
    p.manifest('a', cyc('a', 'b'));
    p.manifest('b', cyc('b', 'a'));
    const r = await esm(p, ['validate'], 3);
    expect(r.stderr).toMatch(/manifests\/a\.yaml:\d+:\d+: spec\.source\.from "b" makes a dependency cycle \(a → b → a\)/);
    expect(r.stderr).toMatch(/manifests\/b\.yaml:\d+:\d+: spec\.source\.from "a" makes a dependency cycle \(a → b → a\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const plan = await esm(p, ['plan'], 3);
    expect(plan.stderr).toContain('dependency cycle');
    expect(await indicesOf(p.prefix)).toEqual([]);
  });
});

describe('instance numbers: the names the plan prints are the names apply creates', () => {
  const createdName = (plan: PlanJson) => plan.masters[0]!.steps.find((s) => s.op === 'create')?.index;

  it('a failed create uses up no number, and a plan without the state file names the same instance', async () => {
    // 1024 shards is a valid spec (the engine's simulation takes it) that a one-node cluster refuses at
    // creation: more than its 1,000 shards a node.
    const p = moviesProject(5, { settings: { number_of_shards: 1024, number_of_replicas: 0 } });
    const alias = `${p.prefix}movies`;
    expect(createdName(await planJson(p))).toBe(`${alias}-1`);
    const failed = await esm(p, ['apply', '--auto-approve'], 1);
    expect(failed.stderr + failed.stdout).toMatch(/shards/);
    expect(await indicesOf(p.prefix)).toEqual([]);
    expect(createdName(await planJson(p))).toBe(`${alias}-1`);

    p.manifest('movies', movieManifest({}));
    expect(createdName(await planJson(p))).toBe(`${alias}-1`);
    await esm(p, ['apply', '--auto-approve']);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`]);

    // A schema change after that: the deploy (with its state file) and a pull-request job (no state file) agree.
    p.manifest('movies', movieManifest({ fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    const withState = createdName(await planJson(p));
    const noState = (await esm(p, ['plan', '--json'], 0, { env: { ESM_STATE: `${p.dir}/absent/state.sqlite` } })).json<PlanJson>();
    expect(withState).toBe(`${alias}-2`);
    expect(createdName(noState)).toBe(withState);
    await esm(p, ['apply', '--auto-approve']);
    expect(await aliasTargets(alias)).toEqual([`${alias}-2`]);
  });

  it('after the newest instance is dropped by hand, a plan without the state file still names the instance the deploy creates', async () => {
    const p = moviesProject(3, { keepInactive: 5 });
    const alias = `${p.prefix}movies`;
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('movies', movieManifest({ keepInactive: 5, fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    await esm(p, ['apply', '--auto-approve']);
    // Back to the first schema and instance; the newest one is dropped by hand.
    p.manifest('movies', movieManifest({ keepInactive: 5 }));
    await esm(p, ['rollback', 'movies']);
    await esm(p, ['drop', `${alias}-2`]);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`]);

    p.manifest('movies', movieManifest({ keepInactive: 5, fields: { id: 'keyword', title: 'keyword', year: 'integer', updated_at: 'date' } }));
    const withState = createdName(await planJson(p));
    const noState = createdName((await esm(p, ['plan', '--json'], 0, { env: { ESM_STATE: `${p.dir}/absent/state.sqlite` } })).json<PlanJson>());
    expect(withState).toBe(`${alias}-3`);
    expect(noState).toBe(withState);
    await esm(p, ['apply', '--auto-approve']);
    expect(await aliasTargets(alias)).toEqual([`${alias}-3`]);
  });

  it('numbers are per environment prefix: a new prefix starts at 1 with a state file another prefix used', async () => {
    const p = moviesProject(3, { keepInactive: 0 });
    const other = tempProject('dst2');
    await esm(p, ['apply', '--auto-approve']);
    p.manifest('movies', movieManifest({ keepInactive: 0, fields: { id: 'keyword', title: 'keyword', updated_at: 'date' } }));
    await esm(p, ['apply', '--auto-approve']);
    expect(await indicesOf(p.prefix)).toEqual([`${p.prefix}movies-2`]);

    const env = { ESM_PREFIX: other.prefix };
    const plan = (await esm(p, ['plan', '--json'], 0, { env })).json<PlanJson>();
    expect(createdName(plan)).toBe(`${other.prefix}movies-1`);
    await esm(p, ['apply', '--auto-approve'], 0, { env });
    expect(await indicesOf(other.prefix)).toEqual([`${other.prefix}movies-1`]);
    expect(await countDocs(`${other.prefix}movies`)).toBe(3);
  });
});
