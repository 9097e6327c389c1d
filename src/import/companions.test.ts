import { describe, expect, it } from 'vitest';
import { NO_COMPANIONS, type CompanionLive } from '../companions/plan.js';
import { selectCompanions, type MasterUses } from './companions.js';

const live = (o: Partial<CompanionLive>): CompanionLive => ({ ...NO_COMPANIONS, ...o });
const master = (name: string, settings: Record<string, unknown>, template: string | null = null): MasterUses => ({ name, spec: { settings, mappings: {} }, template });

describe('selectCompanions (esm import --companions)', () => {
  it('follows the references of masters, pipelines and templates, strips the prefix from names, references and patterns, and leaves esm marks and server keys out', () => {
    const r = selectCompanions({
      prefix: 'qa1_',
      masters: [master('products', { number_of_shards: 1, index: { default_pipeline: 'qa1_enrich' } }, 'qa1_catalog'), master('orders', { number_of_shards: 1 })],
      declared: new Set(),
      live: live({
        pipelines: {
          qa1_enrich: { description: 'enrich [esm enrich]', processors: [{ pipeline: { name: 'qa1_common' } }, { script: { id: 'qa1_stamp' } }], created_date_millis: 1 },
          qa1_common: { processors: [{ lowercase: { field: 'genre' } }], on_failure: [] },
          qa1_unused: { processors: [] },
        },
        scripts: { qa1_stamp: { lang: 'painless', source: 'ctx.x = 1' } },
        indexTemplates: {
          qa1_catalog: { index_patterns: ['qa1_products*'], composed_of: ['qa1_base'], priority: 5, template: { settings: { index: { default_pipeline: 'qa1_enrich' } } }, _meta: { esm: { name: 'catalog' }, team: 'x' } },
        },
        componentTemplates: { qa1_base: { template: { settings: {}, mappings: { properties: { a: { type: 'keyword' } } } } } },
      }),
    });
    expect(r.refused).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.masters.get('products')!.settings).toEqual({ number_of_shards: 1, index: { default_pipeline: 'enrich' } });
    expect(r.masters.get('orders')!.settings).toEqual({ number_of_shards: 1 });
    expect(r.companions.map((c) => [c.kind, c.name, c.id, c.usedBy])).toEqual([
      ['ComponentTemplate', 'base', 'qa1_base', ['products']],
      ['StoredScript', 'stamp', 'qa1_stamp', ['products']],
      ['IngestPipeline', 'common', 'qa1_common', ['products']],
      ['IngestPipeline', 'enrich', 'qa1_enrich', ['products']],
      ['IndexTemplate', 'catalog', 'qa1_catalog', ['products']],
    ]);
    const spec = (name: string) => r.companions.find((c) => c.name === name)!.spec;
    expect(spec('enrich')).toEqual({ description: 'enrich', processors: [{ pipeline: { name: 'common' } }, { script: { id: 'stamp' } }] });
    expect(spec('common')).toEqual({ processors: [{ lowercase: { field: 'genre' } }] });
    expect(spec('catalog')).toEqual({ index_patterns: ['products*'], composed_of: ['base'], priority: 5, template: { settings: { default_pipeline: 'enrich' } }, _meta: { team: 'x' } });
    expect(spec('base')).toEqual({ template: { mappings: { properties: { a: { type: 'keyword' } } } } });
    expect(spec('stamp')).toEqual({ lang: 'painless', source: 'ctx.x = 1' });
  });

  it('without --companions a master naming a companion no manifest declares is refused with the reason; one declared in the manifests directory is fine', () => {
    const masters = [master('products', { default_pipeline: 'qa1_enrich' })];
    const without = selectCompanions({ prefix: 'qa1_', masters, declared: new Set(), live: null });
    expect(without.masters.size).toBe(0);
    expect(without.refused).toEqual([{ name: 'products', reason: 'its settings.default_pipeline names ingest pipeline qa1_enrich: no manifest declares it: import it too with --companions' }]);
    expect(without.skipped).toEqual([]);

    const declared = selectCompanions({ prefix: 'qa1_', masters, declared: new Set(['IngestPipeline/enrich']), live: null });
    expect(declared.refused).toEqual([]);
    expect(declared.masters.get('products')!.settings).toEqual({ default_pipeline: 'enrich' });
    expect(declared.companions).toEqual([]);
  });

  it('refuses a master whose companion is missing, outside the prefix, or names what cannot be imported; a template that cannot be imported refuses nothing', () => {
    const r = selectCompanions({
      prefix: 'qa1_',
      masters: [
        master('a', { default_pipeline: 'qa1_gone' }),
        master('b', { final_pipeline: 'shared' }),
        master('c', { default_pipeline: 'qa1_calls-gone' }),
        master('d', {}, 'qa1_wide'),
      ],
      declared: new Set(),
      live: live({
        pipelines: { 'qa1_calls-gone': { processors: [{ script: { id: 'qa1_nothing' } }] } },
        indexTemplates: { qa1_wide: { index_patterns: ['qa1_d*', 'other*'] } },
      }),
    });
    expect(Object.fromEntries(r.refused.map((x) => [x.name, x.reason]))).toEqual({
      a: 'its settings.default_pipeline names ingest pipeline qa1_gone: the cluster holds no ingest pipeline of that name',
      b: 'its settings.final_pipeline names ingest pipeline shared: it is outside the environment prefix qa1_ (a manifest\'s reference to it would name qa1_shared)',
      c: 'its settings.default_pipeline names ingest pipeline qa1_calls-gone: its processors[0].script.id names stored script qa1_nothing, which is not imported (the cluster holds no stored script of that name)',
    });
    expect([...r.masters.keys()]).toEqual(['d']);
    expect(r.companions).toEqual([]);
    expect(r.skipped.map((s) => [s.kind, s.name])).toEqual([
      ['IngestPipeline', 'qa1_calls-gone'],
      ['IngestPipeline', 'qa1_gone'],
      ['StoredScript', 'qa1_nothing'],
      ['IndexTemplate', 'qa1_wide'],
    ]);
    expect(r.skipped.find((s) => s.name === 'qa1_wide')!.reason).toBe('it applies to other*, outside the environment prefix qa1_');
  });

  it('pipelines that call each other in a cycle are not imported (validation would refuse them), and the master says why', () => {
    const r = selectCompanions({
      prefix: '',
      masters: [master('m', { default_pipeline: 'p1' })],
      declared: new Set(),
      live: live({ pipelines: { p1: { processors: [{ pipeline: { name: 'p2' } }] }, p2: { processors: [{ pipeline: { name: 'p1' } }] } } }),
    });
    expect(r.masters.size).toBe(0);
    expect(r.refused[0]!.reason).toContain('it is part of a cycle (p1 → p2 → p1)');
  });

  it('a mustache template is written as the JSON it holds, without the content_type the engine adds; a synonym set (synonyms API) as its rules', () => {
    const r = selectCompanions({
      prefix: '',
      masters: [master('m', { default_pipeline: 'p', analysis: { filter: { syn: { type: 'synonym_graph', synonyms_set: 'words' } } } })],
      declared: new Set(),
      live: live({
        pipelines: { p: { processors: [{ script: { id: 'tpl' } }] } },
        scripts: { tpl: { lang: 'mustache', source: '{"query":{"match":{"t":"{{q}}"}}}', options: { content_type: 'application/json;charset=utf-8' } } },
        synonymSets: { words: ['a, b'] },
      }),
    });
    expect(r.refused).toEqual([]);
    expect(r.companions.find((c) => c.kind === 'StoredScript')!.spec).toEqual({ lang: 'mustache', source: { query: { match: { t: '{{q}}' } } } });
    expect(r.companions.find((c) => c.kind === 'SynonymSet')).toMatchObject({ name: 'words', spec: { synonyms: ['a, b'] }, usedBy: ['m'] });
  });
});
