/**
 * A foreign-named instance (SPEC §11): an index esm adopted under its own name
 * (here `catalog_2023`, which not even starts like its master) is one of the master's instances like any other — listed, activated,
 * rolled back to, dropped by retention, kept by `esm state rebuild` — and new instances
 * are numbered from 1.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HistoryStore } from '../../src/history/index.js';
import { aliasTargets, esm, indicesOf, metaOf } from '../support/apply-fixtures.js';
import { rawClient } from '../support/es.js';
import { tempProject, type TempProject } from '../support/project.js';

const SETTINGS = { number_of_shards: 1, number_of_replicas: 0 };
const NAME_TEXT = { properties: { name: { type: 'text' }, sku: { type: 'keyword' } } };
const NAME_KEYWORD = { properties: { name: { type: 'keyword' }, sku: { type: 'keyword' } } };

function manifest(p: TempProject, mappings: Record<string, unknown>, keepInactive: number): void {
  p.manifest('products', stringify({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: 'products' }, spec: { settings: SETTINGS, mappings, retention: { keepInactive } } }));
}

async function listed(p: TempProject): Promise<Array<Record<string, unknown>>> {
  return (await esm(p, ['list', '--json'])).json().masters[0].instances;
}

describe('foreign-named instances', () => {
  it('catalog_2023 behind the alias products is listed, activated by name, rolled back to, kept by state rebuild and dropped by retention; new instances count from 1', async () => {
    const p = tempProject('foreign');
    const v3 = `${p.prefix}catalog_2023`;
    const alias = `${p.prefix}products`;
    await rawClient().indices.create({ index: v3, settings: SETTINGS, mappings: NAME_TEXT, aliases: { [alias]: {} } } as never);
    await rawClient().index({ index: v3, id: '1', document: { name: 'Lamp', sku: 'l-1' }, refresh: true });
    manifest(p, NAME_TEXT, 1);
    await esm(p, ['apply', '--auto-approve']);
    expect(await metaOf(v3)).toMatchObject({ master: 'products', instance: 0, alias });

    // list: text and JSON.
    expect(await listed(p)).toEqual([expect.objectContaining({ name: v3, number: 0, active: true, status: 'active', current: true, foreign: true })]);
    expect((await esm(p, ['list'])).stdout).toContain(`${v3}: a foreign-named instance (adopted under its own name)`);

    // A change that needs a new instance: products-1, not products-4.
    manifest(p, NAME_KEYWORD, 1);
    const plan = (await esm(p, ['plan', '--json'])).json().masters[0];
    expect(plan.decision).toBe('replace');
    expect(plan.steps[0]).toEqual({ op: 'create', index: `${alias}-1`, number: 1 });
    expect(plan.instances).toEqual([{ name: v3, number: 0, foreign: true }]);
    await esm(p, ['apply', '--auto-approve']);
    expect(await aliasTargets(alias)).toEqual([`${alias}-1`]);
    expect((await listed(p)).map((i) => [i.name, i.number, i.foreign ?? false])).toEqual([
      [v3, 0, true],
      [`${alias}-1`, 1, false],
    ]);

    // Rollback goes back to it (its adoption was its activation); the active one is not dropped by name.
    const back = await esm(p, ['rollback', 'products']);
    expect(back.stdout).toContain(`${alias} → ${v3}`);
    expect(await aliasTargets(alias)).toEqual([v3]);
    const refused = await esm(p, ['drop', 'catalog_2023'], 4);
    expect(refused.stderr).toContain(`${v3} is the active instance of products`);

    // Activated by its name, alone or after its master.
    await esm(p, ['activate', 'products', 'products-1']);
    await esm(p, ['activate', 'catalog_2023']);
    expect(await aliasTargets(alias)).toEqual([v3]);
    await esm(p, ['activate', 'products', 'products-1']);

    // state rebuild keeps it, as instance 0 of products.
    await esm(p, ['state', 'rebuild']);
    const store = await HistoryStore.open(p.statePath, { readOnly: true });
    try {
      expect(store.view().instances.filter((i) => !i.dropped).map((i) => [i.name, i.number])).toEqual([
        [v3, 0],
        [`${alias}-1`, 1],
      ]);
    } finally {
      store.close();
    }

    // Retention keeps no inactive instance: the foreign-named one, the oldest, is dropped.
    manifest(p, NAME_KEYWORD, 0);
    const drops = (await esm(p, ['plan', '--json'])).json().masters[0];
    expect(drops.steps).toEqual([{ op: 'drop', index: v3, reason: 'retention keeps no inactive instance (spec.retention.keepInactive: 0)' }]);
    await esm(p, ['apply', '--auto-approve']);
    expect(await indicesOf(p.prefix)).toEqual([`${alias}-1`]);

    // And numbering goes on: the next new instance is products-2.
    manifest(p, NAME_TEXT, 0);
    expect((await esm(p, ['plan', '--json'])).json().masters[0].steps[0]).toEqual({ op: 'create', index: `${alias}-2`, number: 2 });
  });
});
