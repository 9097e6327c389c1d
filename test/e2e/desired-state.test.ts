/**
 * The plan is exactly what apply does, and apply reaches the whole desired
 * state (SPEC §7): retention drops that a stopped apply still owes, masters in
 * dependency order, and instance numbers per prefix and master. Against the
 * real node.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aliasTargets, countDocs, esm, indicesOf, movieManifest, movies } from '../support/apply-fixtures.js';
import { ndjson, tempProject, type TempProject } from '../support/project.js';

const projects: TempProject[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.cleanup();
});

function moviesProject(n = 10, manifest: Parameters<typeof movieManifest>[0] = {}): TempProject {
  const p = tempProject('dst');
  p.manifest('movies', movieManifest(manifest));
  p.write('data/movies.ndjson', ndjson(movies(n)));
  projects.push(p);
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
