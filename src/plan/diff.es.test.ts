/**
 * The in-place / replace table checked against a real Elasticsearch: what the
 * diff calls in place is accepted by `PUT _settings` / `PUT _mapping` and leaves
 * the index matching the manifest; what it calls replace is refused.
 */
import { describe, expect, it } from 'vitest';
import { rawClient, scratchPrefix, testCluster, testEngine, testEngineName } from '../../test/support/es.js';
import { diffSpecs, inPlaceBodies, type IndexSpec } from './diff.js';
import { dynamicSettingsFor } from './dynamic-settings/index.js';

const prefix = scratchPrefix('diff');
// The live spec is read as esm reads it: through the engine port, which applies each
// engine's quirks (OpenSearch adds index.replication.type to every index).
const cluster = testCluster({ forceEngine: true });
const dynamic = dynamicSettingsFor(testEngineName(), testEngine().version);

let n = 0;
async function anIndexWith(spec: IndexSpec): Promise<string> {
  const index = `${prefix}${++n}`;
  await rawClient().indices.create({ index, settings: spec.settings, mappings: spec.mappings });
  return index;
}

async function live(index: string): Promise<IndexSpec> {
  const found = await cluster.getIndex(index);
  if (!found) throw new Error(`index ${index} is missing`);
  return { settings: found.settings, mappings: found.mappings };
}

const BASE: IndexSpec = {
  settings: { number_of_shards: 1, number_of_replicas: 0, max_result_window: 5000 },
  mappings: {
    dynamic: 'strict',
    properties: {
      title: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
      body: { type: 'text' },
      tag: { type: 'keyword' },
      year: { type: 'integer' },
      author: { properties: { name: { type: 'keyword' } } },
    },
  },
};

function edit(f: (s: { settings: Record<string, any>; mappings: Record<string, any> }) => void): IndexSpec {
  const s = structuredClone(BASE) as { settings: Record<string, any>; mappings: Record<string, any> };
  f(s);
  return s;
}

describe('in place, against Elasticsearch', () => {
  it('applies every change the diff calls in place, and the index then matches the manifest', async () => {
    const index = await anIndexWith(BASE);
    const desired = edit((s) => {
      s.settings['number_of_replicas'] = 1;
      s.settings['refresh_interval'] = '30s';
      s.settings['routing.allocation.total_shards_per_node'] = 4;
      s.settings['mapping'] = { total_fields: { limit: 2000 } };
      s.settings['search.slowlog.threshold.query.warn'] = '10s';
      // these three were once planned as a replace
      s.settings['requests.cache.enable'] = false;
      s.settings['translog.durability'] = 'async';
      s.settings['merge.scheduler.max_thread_count'] = 1;
      delete s.settings['max_result_window'];
      const p = s.mappings['properties'];
      s.mappings['dynamic'] = 'false';
      // a new dynamic_templates list and detection switches were once planned as a replace
      s.mappings['dynamic_templates'] = [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }];
      s.mappings['date_detection'] = false;
      s.mappings['numeric_detection'] = true;
      p.rating = { type: 'float' };
      p.label = { type: 'alias', path: 'tag' };
      p.author.properties.born = { type: 'date' };
      p.author.dynamic = 'true';
      p.tag.fields = { text: { type: 'text' } };
      p.tag.eager_global_ordinals = true;
      p.tag.meta = { unit: 'none' };
      p.title.fields.raw.ignore_above = 512;
      p.body.norms = false;
      p.body.search_analyzer = 'simple';
      p.year.ignore_malformed = true;
      p.year.coerce = false;
    });
    const before = await live(index);
    const diff = diffSpecs(before, desired, { dynamic });
    expect(diff.changes.filter((c) => !c.inPlace)).toEqual([]);
    expect(diff.verdict).toBe('in_place');

    const bodies = inPlaceBodies(diff, desired);
    expect(bodies.settings).not.toBeNull();
    expect(bodies.mappings).not.toBeNull();
    await rawClient().indices.putSettings({ index, settings: bodies.settings! });
    await rawClient().indices.putMapping({ index, ...bodies.mappings! });

    expect(diffSpecs(await live(index), desired, { dynamic })).toEqual({ verdict: 'same', changes: [] });

    // A dynamic_templates list is replaced, not merged: a shorter one is what the index then holds.
    const shorter = { ...desired, mappings: { ...desired.mappings, dynamic_templates: [{ longs: { match_mapping_type: 'long', mapping: { type: 'integer' } } }] } };
    const again = diffSpecs(await live(index), shorter, { dynamic });
    expect(again.verdict).toBe('in_place');
    await rawClient().indices.putMapping({ index, ...inPlaceBodies(again, shorter).mappings! });
    expect(diffSpecs(await live(index), shorter, { dynamic })).toEqual({ verdict: 'same', changes: [] });
  });

  it.each([
    ['a type change', edit((s) => (s.mappings['properties'].tag.type = 'text'))],
    ['an analyzer', edit((s) => (s.mappings['properties'].body.analyzer = 'simple'))],
    ['index', edit((s) => (s.mappings['properties'].tag.index = false))],
    ['norms false → true', edit((s) => (s.mappings['properties'].tag.norms = true))],
    ['doc_values', edit((s) => (s.mappings['properties'].year.doc_values = false))],
    ['an object becoming nested', edit((s) => (s.mappings['properties'].author.type = 'nested'))],
  ])('calls %s a replace, and Elasticsearch refuses it in place', async (_what, desired) => {
    const index = await anIndexWith(BASE);
    expect(diffSpecs(await live(index), desired).verdict).toBe('replace');
    const { _meta: _m, ...body } = desired.mappings;
    await expect(rawClient().indices.putMapping({ index, ...body })).rejects.toThrow(/illegal_argument_exception|mapper/i);
  });

  it('calls a static setting a replace, and Elasticsearch refuses it on an open index', async () => {
    const index = await anIndexWith(BASE);
    const desired = edit((s) => (s.settings['number_of_shards'] = 2));
    expect(diffSpecs(await live(index), desired).verdict).toBe('replace');
    await expect(rawClient().indices.putSettings({ index, settings: { 'index.number_of_shards': 2 } })).rejects.toThrow(/illegal_argument_exception/);
  });
});
