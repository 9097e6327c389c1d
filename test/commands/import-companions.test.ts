/**
 * `esm import --companions` against the real node (SPEC §11, §12): the pipelines, stored
 * scripts and index/component templates the imported masters use are written as manifests,
 * the prefix stripped from names and references; the plan then adopts them with the masters,
 * and after apply (or --adopt) it is empty. What runs where:
 * - OpenSearch (ingest-common, lang-painless): a pipeline that calls another pipeline and a
 *   stored painless script, as well as the templates;
 * - Elasticsearch's integ-test nodes have neither module: a pipeline without processors and
 *   the templates. Synonym sets through the synonyms API run on no test node (see
 *   src/import/companions.test.ts for that path).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { esm } from '../support/apply-fixtures.js';
import { nodeModules, rawClient, testEngine } from '../support/es.js';
import { tempProject, type TempProject } from '../support/project.js';

const modules = await nodeModules();
/** The node runs pipelines with processors and painless scripts (the OpenSearch test node). */
const full = ['ingest-common', 'lang-painless'].every((m) => modules.has(m));
const WHERE = full ? 'a pipeline calling a pipeline and a stored script (ingest-common, painless)' : 'a pipeline without processors (no ingest-common, no painless on this node)';

let project: TempProject | undefined;
afterEach(async () => {
  const p = project;
  project = undefined;
  if (!p) return;
  // Indices first: Elasticsearch refuses to delete a pipeline an index names as its default.
  await p.cleanup();
  const x = p.prefix;
  for (const path of [`_index_template/${x}*`, `_component_template/${x}*`, `_ingest/pipeline/${x}*`, `_scripts/${x}stamp`]) {
    await fetch(`${testEngine().url}/${path}`, { method: 'DELETE' });
  }
});

async function put(where: string, body: unknown): Promise<void> {
  const res = await fetch(`${testEngine().url}/${where}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT ${where}: ${res.status} ${await res.text()}`);
}

async function get(where: string): Promise<Record<string, any>> {
  return (await fetch(`${testEngine().url}/${where}`).then((r) => r.json())) as Record<string, any>;
}

/** A master `products` (alias over products-1) with a default pipeline, an index template composed of a component template. */
async function liveCatalog(p: TempProject): Promise<void> {
  const x = p.prefix;
  if (full) {
    await put(`_scripts/${x}stamp`, { script: { lang: 'painless', source: 'ctx.stamped = true' } });
    await put(`_ingest/pipeline/${x}common`, { description: 'shared', processors: [{ lowercase: { field: 'genre', ignore_missing: true } }] });
    await put(`_ingest/pipeline/${x}enrich`, { description: 'enrich', processors: [{ pipeline: { name: `${x}common` } }, { script: { id: `${x}stamp` } }] });
  } else {
    await put(`_ingest/pipeline/${x}enrich`, { description: 'enrich', processors: [] });
  }
  await put(`_component_template/${x}base`, { template: { mappings: { properties: { created: { type: 'date' } } } } });
  await put(`_index_template/${x}catalog`, { index_patterns: [`${x}products*`], composed_of: [`${x}base`], priority: 900, template: { settings: { refresh_interval: '5s' } } });
  await rawClient().indices.create({
    index: `${x}products-1`,
    settings: { number_of_shards: 1, number_of_replicas: 0, default_pipeline: `${x}enrich` },
    mappings: { properties: { genre: { type: 'keyword' } } },
    aliases: { [`${x}products`]: {} },
  } as never);
}

const expectedCompanions = (x: string) =>
  full
    ? [
        ['ComponentTemplate', 'base', `${x}base`, 'manifests/component-templates/base.yaml'],
        ['StoredScript', 'stamp', `${x}stamp`, 'manifests/scripts/stamp.yaml'],
        ['IngestPipeline', 'common', `${x}common`, 'manifests/pipelines/common.yaml'],
        ['IngestPipeline', 'enrich', `${x}enrich`, 'manifests/pipelines/enrich.yaml'],
        ['IndexTemplate', 'catalog', `${x}catalog`, 'manifests/index-templates/catalog.yaml'],
      ]
    : [
        ['ComponentTemplate', 'base', `${x}base`, 'manifests/component-templates/base.yaml'],
        ['IngestPipeline', 'enrich', `${x}enrich`, 'manifests/pipelines/enrich.yaml'],
        ['IndexTemplate', 'catalog', `${x}catalog`, 'manifests/index-templates/catalog.yaml'],
      ];

const yamlOf = (p: TempProject, file: string) => parse(readFileSync(path.join(p.dir, file), 'utf8'));

describe(`esm import --companions on ${testEngine().name}: ${WHERE}`, () => {
  it('without --companions the master is skipped with the reason; with it, the companions it uses are written without the prefix, the plan adopts them all, and after apply it is empty', async () => {
    const p = (project = tempProject('impcmp'));
    const x = p.prefix;
    await liveCatalog(p);

    const bare = (await esm(p, ['import', 'products', '--json'])).json();
    expect(bare.masters).toEqual([]);
    expect(bare.companions).toEqual([]);
    expect(bare.skipped).toEqual([
      { name: `${x}products`, reason: `master products: its settings.default_pipeline names ingest pipeline ${x}enrich: no manifest declares it: import it too with --companions` },
    ]);
    expect(existsSync(path.join(p.manifestsDir, 'products.yaml'))).toBe(false);

    const r = (await esm(p, ['import', 'products', '--companions', '--json'])).json();
    expect(r.skipped).toEqual([]);
    expect(r.masters.map((m: any) => [m.name, m.file])).toEqual([['products', 'manifests/products.yaml']]);
    expect(r.companions.map((c: any) => [c.kind, c.name, c.id, c.file])).toEqual(expectedCompanions(x));
    expect(r.companions.every((c: any) => c.usedBy.join() === 'products')).toBe(true);

    expect(yamlOf(p, 'manifests/products.yaml').spec.settings).toEqual({ number_of_shards: 1, number_of_replicas: 0, default_pipeline: 'enrich' });
    expect(yamlOf(p, 'manifests/index-templates/catalog.yaml')).toMatchObject({
      kind: 'IndexTemplate',
      metadata: { name: 'catalog' },
      spec: { index_patterns: ['products*'], composed_of: ['base'], priority: 900, template: { settings: { refresh_interval: '5s' } } },
    });
    if (full) {
      expect(yamlOf(p, 'manifests/pipelines/enrich.yaml').spec).toEqual({ description: 'enrich', processors: [{ pipeline: { name: 'common' } }, { script: { id: 'stamp' } }] });
      expect(yamlOf(p, 'manifests/scripts/stamp.yaml').spec).toEqual({ lang: 'painless', source: 'ctx.stamped = true' });
    } else {
      expect(yamlOf(p, 'manifests/pipelines/enrich.yaml').spec).toEqual({ description: 'enrich', processors: [] });
    }

    expect((await esm(p, ['validate'])).stdout).toContain(`${expectedCompanions(x).length + 1} manifests OK`);
    const plan = (await esm(p, ['plan', '--json'])).json();
    expect(plan.masters.map((m: any) => [m.name, m.decision])).toEqual([['products', 'adopt']]);
    expect(plan.companions.map((c: any) => [c.kind, c.id, c.action])).toEqual(expectedCompanions(x).map(([kind, , id]) => [kind, id, 'adopt']));
    await esm(p, ['apply', '--auto-approve']);
    const after = await p.cli(['plan', '--detailed-exitcode']);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
    // Marked as esm's now.
    const enrich = (await get(`_ingest/pipeline/${x}enrich`))[`${x}enrich`];
    if (testEngine().name === 'OpenSearch') expect(enrich.description).toBe('enrich [esm enrich]');
    else expect(enrich._meta.esm.name).toBe('enrich');
  });

  it('--adopt --companions adopts the master and its companions at once; then the plan is empty', async () => {
    const p = (project = tempProject('impcmpad'));
    const x = p.prefix;
    await liveCatalog(p);
    const r = (await esm(p, ['import', 'products', '--companions', '--adopt', '--json'])).json();
    expect(r.adoption.refused).toEqual([]);
    expect(r.adoption.result.ok).toBe(true);
    const catalog = (await get(`_index_template/${x}catalog`)).index_templates[0].index_template;
    expect(catalog._meta.esm.name).toBe('catalog');
    const after = await p.cli(['plan', '--detailed-exitcode']);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
    const history = (await esm(p, ['history', '--json'])).json();
    const actions = history.actions.map((e: any) => `${e.action} ${e.instance}`);
    for (const [kind, , id] of expectedCompanions(x)) expect(actions).toContain(`companion_update ${kind}/${id}`);
  });

  it('a companion file in the way refuses the whole import (exit 4, nothing written); a pipeline outside the prefix skips the master with the reason', async () => {
    const p = (project = tempProject('impcmpbad'));
    const x = p.prefix;
    await liveCatalog(p);
    p.write('manifests/pipelines/enrich.yaml', '# mine\n');
    const refused = await p.cli(['import', 'products', '--companions']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('manifests/pipelines/enrich.yaml exists; nothing was written');
    expect(existsSync(path.join(p.manifestsDir, 'products.yaml'))).toBe(false);
    expect(existsSync(path.join(p.manifestsDir, 'index-templates'))).toBe(false);

    const outside = `${x.slice(0, -1)}z-shared`;
    await put(`_ingest/pipeline/${outside}`, { processors: [] });
    try {
      await rawClient().indices.create({ index: `${x}orders`, settings: { number_of_shards: 1, number_of_replicas: 0, final_pipeline: outside } } as never);
      const r = (await esm(p, ['import', 'orders', '--companions', '--json'])).json();
      expect(r.masters).toEqual([]);
      expect(r.skipped).toEqual([
        { name: `${x}orders`, reason: `master orders: its settings.final_pipeline names ingest pipeline ${outside}: it is outside the environment prefix ${x} (a manifest's reference to it would name ${x}${outside})` },
      ]);
    } finally {
      await rawClient().indices.delete({ index: `${x}orders` }, { ignore: [404] });
      await fetch(`${testEngine().url}/_ingest/pipeline/${outside}`, { method: 'DELETE' });
    }
  });
});
