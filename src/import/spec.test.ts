import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fingerprint } from '../fingerprint/index.js';
import { parseManifestTexts } from '../manifest/parse.js';
import { manifestText } from './manifest-text.js';
import { importedSpec } from './spec.js';

/** An index as Elasticsearch returns it: every setting a string, server-owned ones included. */
const live = {
  settings: {
    number_of_shards: '2',
    number_of_replicas: '0',
    refresh_interval: '5s',
    uuid: 'Xy12',
    creation_date: '1735689600000',
    provided_name: 'catalog_2023',
    version: { created: '8536000' },
    routing: { allocation: { include: { _tier_preference: 'data_content' }, initial_recovery: { _id: 'n1' } } },
    resize: { source: { name: 'old', uuid: 'u' } },
    history: { uuid: 'h' },
    blocks: { read_only_allow_delete: 'false' },
    analysis: { analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase'] } } },
    query: { default_field: ['name', 'sku'] },
  },
  mappings: {
    dynamic: 'true',
    _meta: { owner: 'catalog-team', esm: { master: 'x', instance: 1, fingerprint: 'sha256:y' } },
    dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }, { longs: { match_mapping_type: 'long', mapping: { type: 'integer' } } }],
    properties: {
      '@timestamp': { type: 'date' },
      name: { type: 'text', analyzer: 'folded', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
      labels: { dynamic: 'true', properties: { env: { type: 'keyword' }, team: { type: 'keyword' } } },
      added_later: { properties: { count: { type: 'long' } } },
    },
  },
};

describe('the spec of an imported master', () => {
  it('keeps the settings and mappings as the cluster holds them, less what the server owns and _meta.esm', () => {
    const s = importedSpec(live, null);
    expect(s.settings).toEqual({
      number_of_shards: 2,
      number_of_replicas: 0,
      refresh_interval: '5s',
      blocks: { read_only_allow_delete: false },
      analysis: live.settings.analysis,
      query: { default_field: ['name', 'sku'] },
    });
    expect(Object.keys(s.settings).slice(0, 2)).toEqual(['number_of_shards', 'number_of_replicas']);
    expect(s.mappings).toEqual({ ...live.mappings, _meta: { owner: 'catalog-team' } });
    expect(s.fromTemplates).toEqual([]);
    // The same schema as the live index: the fingerprint ignores what the server owns and _meta.
    expect(fingerprint(s)).toBe(fingerprint(live));
  });

  it('leaves out what the templates matching the name give anyway: equal settings, whole equal fields, their dynamic templates first', () => {
    const templates = {
      settings: { index: { refresh_interval: '5s', number_of_shards: '1', analysis: live.settings.analysis } },
      mappings: {
        dynamic: 'true',
        dynamic_templates: [live.mappings.dynamic_templates[0]],
        properties: { '@timestamp': { type: 'date' }, labels: { dynamic: 'true', properties: { team: { type: 'keyword' } } } },
      },
    };
    const s = importedSpec(live, templates);
    expect(s.settings).toMatchObject({ number_of_shards: 2, number_of_replicas: 0 });
    expect(s.settings['refresh_interval']).toBeUndefined();
    // Analysis stays: the mappings name its analyzers.
    expect(s.settings['analysis']).toEqual(live.settings.analysis);
    expect(s.mappings['dynamic']).toBeUndefined();
    expect(s.mappings['dynamic_templates']).toEqual([live.mappings.dynamic_templates[1]]);
    const props = s.mappings['properties'] as Record<string, any>;
    expect(props['@timestamp']).toBeUndefined();
    // An object that stays keeps its own parameters; only the equal field inside goes.
    expect(props['labels']).toEqual({ dynamic: 'true', properties: { env: { type: 'keyword' } } });
    expect(s.fromTemplates).toEqual([
      'settings.refresh_interval',
      'mappings.dynamic',
      'mappings.dynamic_templates (1 of the templates\')',
      'mappings.properties.@timestamp',
      'mappings.properties.labels.properties.team',
    ]);
  });

  it('leaves out the write block of an adoption that stopped before its swap, and only that one', () => {
    const blocked = { ...live, settings: { ...live.settings, blocks: { write: 'true' } } };
    expect(importedSpec(blocked, null, { writeBlockOfAdoption: true }).settings['blocks']).toBeUndefined();
    expect(importedSpec(blocked, null).settings['blocks']).toEqual({ write: true });
  });

  it('is written as a manifest esm reads back to the same spec, with the schema line, its origin and how to add a source', () => {
    const spec = importedSpec(live, null);
    const text = manifestText({ master: 'products', spec, schema: '../node_modules/esm-migrations/schemas/manifest.schema.json', origin: 'the alias products → catalog_2023' });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/esm-migrations/schemas/manifest.schema.json');
    expect(text).toContain('# Written by esm import from the alias products → catalog_2023.');
    expect(text).toContain('#   source:\n#     type: reindex\n#     from: active');
    expect(text).toContain('      raw: { type: keyword, ignore_above: 256 }');
    const doc = parse(text);
    expect(doc).toEqual({ apiVersion: 'esm/v1', kind: 'IndexMaster', metadata: { name: 'products' }, spec: { settings: spec.settings, mappings: spec.mappings } });
    const [m] = parseManifestTexts([{ file: 'manifests/products.yaml', text }]);
    expect(m!.fingerprint).toBe(fingerprint(live));
    expect(m!.spec.source).toBeUndefined();
  });
});
