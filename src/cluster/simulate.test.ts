/**
 * The engine's form of a spec, against the real node of each engine: what simulate
 * says an index would be is what the index is once created, templates included; a
 * spec the engine refuses comes back with the engine's reasons; nothing is written.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isOpenSearch, rawClient, scratchPrefix, testCluster, testEngine } from '../../test/support/es.js';
import { fingerprint } from '../fingerprint/index.js';
import type { SpecBody } from './compose.js';

const prefix = scratchPrefix('simulate');
const c = testCluster();
const es = () => rawClient();
const templates: string[] = [];
const components: string[] = [];

afterAll(async () => {
  for (const t of templates) await es().indices.deleteIndexTemplate({ name: t }, { ignore: [404] });
  for (const t of components) await es().cluster.deleteComponentTemplate({ name: t }, { ignore: [404] });
});

/** The live index as esm reads it (settings at the `index.` level, engine-added defaults dropped). */
async function created(name: string, spec: SpecBody): Promise<SpecBody> {
  await es().indices.create({ index: name, settings: spec.settings, mappings: spec.mappings });
  const got = await c.getIndex(name);
  return { settings: got!.settings, mappings: got!.mappings };
}

/** A keyword-like type the node has: `wildcard` where the node has it (OpenSearch; not Elasticsearch's test distribution). */
const wildcardOrKeyword = () => (isOpenSearch() ? 'wildcard' : 'keyword');

describe(`engine form (${testEngine().name} ${testEngine().version ?? ''})`, () => {
  it('of several masters: one simulation per distinct spec, each form as a lone simulation gives it', async () => {
    const simulations: string[] = [];
    const counted = testCluster({ onRequest: (e) => (e.path.startsWith('/_index_template/_simulate') ? simulations.push(e.path) : undefined) });
    const a: SpecBody = { settings: { number_of_shards: 1 }, mappings: { properties: { title: { type: 'text' } } } };
    const b: SpecBody = { settings: { number_of_shards: 2 }, mappings: { properties: { title: { type: 'keyword' } } } };
    const bad: SpecBody = { settings: {}, mappings: { properties: { title: { type: 'dubble' } } } };
    const wanted = [
      { key: 'de', name: `${prefix}shop_de-1`, spec: a },
      { key: 'fr', name: `${prefix}shop_fr-1`, spec: a },
      { key: 'it', name: `${prefix}shop_it-1`, spec: a },
      { key: 'logs', name: `${prefix}logs-1`, spec: b },
      { key: 'x', name: `${prefix}x-1`, spec: bad },
      { key: 'y', name: `${prefix}y-1`, spec: bad },
    ];
    const forms = await counted.engineForms(wanted);
    // No template matches these names: the inline simulations only, one for each of the three specs.
    expect(simulations).toHaveLength(3);
    for (const w of wanted) expect(forms.get(w.key)).toEqual(await c.engineForm(w.name, w.spec));
    expect(forms.get('de')).toEqual(forms.get('it'));
    expect(forms.get('logs')).not.toEqual(forms.get('de'));
    expect(forms.get('y')?.kind).toBe('refused');
  });

  it('is what an index created from the spec holds: same fingerprint, engine defaults included', async () => {
    const spec: SpecBody = {
      settings: { number_of_shards: 1, number_of_replicas: 0, 'requests.cache.enable': true },
      mappings: {
        dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }],
        date_detection: false,
        properties: {
          url: { properties: { path: { type: wildcardOrKeyword() } } },
          message: { type: 'text', fields: { text: { type: 'text' } } },
          labels: { type: 'object', dynamic: true },
          n: { type: 'long', null_value: 1 },
        },
      },
    };
    const name = `${prefix}plain-1`;
    const form = await c.engineForm(name, spec);
    expect(form.kind).toBe('held');
    if (form.kind !== 'held') return;
    expect(form.template).toBeNull();
    expect(await c.getIndex(name)).toBeNull();
    const live = await created(name, spec);
    expect(fingerprint(form.spec)).toBe(fingerprint(live));
    if (isOpenSearch()) {
      // The engine's own default, which the manifest's text does not have.
      expect(form.spec.mappings).toMatchObject({ properties: { url: { properties: { path: { type: 'wildcard', doc_values: false } } } } });
      expect(fingerprint(form.spec)).not.toBe(fingerprint(spec));
    } else {
      console.log(`[${testEngine().id}] this node has no wildcard type (test distribution): keyword stands in; the doc_values default is checked on OpenSearch`);
    }
  });

  it('a mapping the engine refuses: its reason, naming the type and the field as the engine does', async () => {
    const form = await c.engineForm(`${prefix}bad-1`, {
      settings: {},
      mappings: { properties: { process: { properties: { io: { properties: { text: { type: 'dubble' } } } } } } },
    });
    expect(form).toEqual({ kind: 'refused', reasons: [expect.stringMatching(/\[dubble\].*declared on field \[text\]/)] });
  });

  it('settings the engine refuses: one reason each, without the engine noise', async () => {
    const form = await c.engineForm(`${prefix}bad-2`, { settings: { number_of_shardz: 1 }, mappings: {} });
    expect(form).toEqual({ kind: 'refused', reasons: ['unknown setting [index.number_of_shardz] did you mean [index.number_of_shards]?'] });
  });

  it('with a template matching the name: what it gives, the spec laid over it as creation does, and the template named', async () => {
    const comp = `${prefix}comp`;
    const tpl = `${prefix}tpl`;
    components.push(comp);
    templates.push(tpl);
    await es().cluster.putComponentTemplate({
      name: comp,
      template: { settings: { refresh_interval: '5s' }, mappings: { properties: { fromcomp: { type: 'keyword' } } } },
    });
    await es().indices.putIndexTemplate({
      name: tpl,
      index_patterns: [`${prefix}tm*`],
      priority: 7,
      composed_of: [comp],
      template: {
        settings: { number_of_shards: 2, codec: 'best_compression' },
        mappings: {
          dynamic: 'strict',
          _source: { excludes: ['secret'] },
          dynamic_templates: [{ t1: { match: 'x_*', mapping: { type: 'keyword' } } }],
          properties: {
            title: { type: 'text', analyzer: 'whitespace', fields: { raw: { type: 'keyword' } } },
            obj: { dynamic: 'false', properties: { a: { type: 'keyword' } } },
            tmpl: { type: 'long' },
          },
        },
      },
    });
    const name = `${prefix}tm-1`;
    const given = await c.simulateIndex(name);
    expect(given.template?.name).toBe(tpl);
    expect(given.template?.composedOf).toEqual([comp]);
    expect(given.spec.settings).toMatchObject({ number_of_shards: '2', codec: 'best_compression', refresh_interval: '5s' });
    expect(Object.keys(given.spec.mappings['properties'] as object).sort()).toEqual(['fromcomp', 'obj', 'title', 'tmpl']);

    const spec: SpecBody = {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        dynamic: true,
        dynamic_templates: [{ t2: { match: 'y_*', mapping: { type: 'long' } } }],
        properties: { title: { type: 'keyword' }, obj: { properties: { b: { type: 'long' } } } },
      },
    };
    const form = await c.engineForm(name, spec);
    expect(form.kind).toBe('held');
    if (form.kind !== 'held') return;
    expect(form.template?.info.name).toBe(tpl);
    const live = await created(name, spec);
    expect(fingerprint(form.spec)).toBe(fingerprint(live));
    expect(live.mappings).toMatchObject({
      dynamic: 'true',
      properties: { title: { type: 'keyword' }, obj: { properties: { a: { type: 'keyword' }, b: { type: 'long' } } }, tmpl: { type: 'long' } },
    });
    // The engines differ on the parameters of an object both declare (EngineQuirks.templateObjectParams).
    expect((live.mappings['properties'] as Record<string, Record<string, unknown>>)['obj']!['dynamic']).toBe(isOpenSearch() ? 'false' : undefined);
    expect(live.settings).toMatchObject({ number_of_shards: '1', codec: 'best_compression', refresh_interval: '5s' });

    // No template matches another name: nothing given, one request fewer.
    expect((await c.simulateIndex(`${prefix}other-1`)).template).toBeNull();
  });

  it('an existing template whose pattern overlaps the inline one, at any priority, does not make simulate fail', async () => {
    const tpl = `${prefix}overlap`;
    templates.push(tpl);
    // The inline template's pattern is `esm-simulate-<name>`: this one overlaps it, at a high priority.
    await es().indices.putIndexTemplate({ name: tpl, index_patterns: [`esm-simulate-${prefix}*`], priority: 1000, template: { settings: { number_of_shards: 3 } } });
    const form = await c.engineForm(`${prefix}ov-1`, { settings: { number_of_replicas: 0 }, mappings: { properties: { a: { type: 'keyword' } } } });
    expect(form.kind).toBe('held');
    // The inline template wins: the overlapping template's settings are not in the form.
    if (form.kind === 'held') expect(form.spec.settings['number_of_shards']).toBeUndefined();
  });

  it('simulateTemplate: an inline template with its component templates, as the engine composes it', async () => {
    const comp = `${prefix}comp2`;
    components.push(comp);
    await es().cluster.putComponentTemplate({ name: comp, template: { mappings: { properties: { c: { type: 'keyword' } } } } });
    const out = await c.simulateTemplate({ index_patterns: [`${prefix}st-*`], composed_of: [comp], priority: 1, template: { mappings: { properties: { d: { type: 'long' } } } } });
    expect(out).toEqual({ kind: 'held', spec: { settings: expect.any(Object), mappings: { properties: { c: { type: 'keyword' }, d: { type: 'long' } } } } });
  });
});
