import { describe, expect, it } from 'vitest';
import { layOver, priorityAbove, simpleMatch, winningTemplate, type IndexTemplateInfo } from './compose.js';

const tpl = (name: string, patterns: string[], priority: number): IndexTemplateInfo => ({ name, indexPatterns: patterns, priority, composedOf: [] });

describe('layOver: the create request over what the templates give', () => {
  it('settings key by key, the request winning, as dotted index.* keys', () => {
    const out = layOver(
      { settings: { number_of_shards: '2', codec: 'best_compression', analysis: { analyzer: { a: { type: 'standard' } } } }, mappings: {} },
      { settings: { index: { number_of_shards: 1 }, 'refresh_interval': '5s' }, mappings: {} },
      'request',
    );
    expect(out.settings).toEqual({
      'index.number_of_shards': 1,
      'index.codec': 'best_compression',
      'index.analysis.analyzer.a.type': 'standard',
      'index.refresh_interval': '5s',
    });
  });

  it('objects merge field by field; a field the request declares replaces the template one whole', () => {
    const out = layOver(
      {
        settings: {},
        mappings: {
          dynamic: 'strict',
          properties: {
            title: { type: 'text', analyzer: 'english', fields: { raw: { type: 'keyword' } } },
            obj: { dynamic: 'false', properties: { a: { type: 'keyword' } } },
            nest: { type: 'nested', properties: { a: { type: 'keyword' } } },
            tmpl: { type: 'long' },
          },
        },
      },
      {
        settings: {},
        mappings: {
          dynamic: true,
          properties: {
            title: { type: 'keyword' },
            obj: { properties: { b: { type: 'long' } } },
            nest: { properties: { b: { type: 'long' } } },
          },
        },
      },
      'merged',
    );
    expect(out.mappings).toEqual({
      dynamic: true,
      properties: {
        title: { type: 'keyword' },
        obj: { dynamic: 'false', properties: { a: { type: 'keyword' }, b: { type: 'long' } } },
        // nested in the template, object in the request: the request's definition
        nest: { properties: { b: { type: 'long' } } },
        tmpl: { type: 'long' },
      },
    });
  });

  it("an object both declare: only the request's parameters on Elasticsearch, both sides' on OpenSearch", () => {
    const base = { settings: {}, mappings: { properties: { o: { dynamic: 'false', enabled: true, properties: { a: { type: 'keyword' }, d: { dynamic: 'strict', properties: { x: { type: 'keyword' } } } } } } } };
    const request = { settings: {}, mappings: { properties: { o: { enabled: true, properties: { b: { type: 'long' }, d: { properties: { y: { type: 'long' } } } } } } } };
    expect(layOver(base, request, 'request').mappings).toEqual({
      properties: { o: { enabled: true, properties: { a: { type: 'keyword' }, b: { type: 'long' }, d: { properties: { x: { type: 'keyword' }, y: { type: 'long' } } } } } },
    });
    expect(layOver(base, request, 'merged').mappings).toEqual({
      properties: {
        o: { dynamic: 'false', enabled: true, properties: { a: { type: 'keyword' }, b: { type: 'long' }, d: { dynamic: 'strict', properties: { x: { type: 'keyword' }, y: { type: 'long' } } } } },
      },
    });
    // An object without properties in the request keeps the template's properties.
    expect(layOver(base, { settings: {}, mappings: { properties: { o: { type: 'object', dynamic: true } } } }, 'request').mappings).toEqual({
      properties: { o: { type: 'object', dynamic: true, properties: base.mappings.properties.o.properties } },
    });
  });

  it('dynamic_templates: the template first, a request one of the same name replacing it', () => {
    const out = layOver(
      { settings: {}, mappings: { dynamic_templates: [{ a: { match: 'a_*' } }, { b: { match: 'b_*' } }] } },
      { settings: {}, mappings: { dynamic_templates: [{ b: { match: 'B_*' } }, { c: { match: 'c_*' } }] } },
      'request',
    );
    expect(out.mappings['dynamic_templates']).toEqual([{ a: { match: 'a_*' } }, { b: { match: 'B_*' } }, { c: { match: 'c_*' } }]);
  });
});

describe('which template applies', () => {
  it('the highest priority among those whose pattern matches; * is the only wildcard', () => {
    const list = [tpl('low', ['movies-*'], 1), tpl('high', ['mov*', 'x'], 5), tpl('other', ['books-*'], 9)];
    expect(winningTemplate(list, 'movies-1')?.name).toBe('high');
    expect(winningTemplate(list, 'books-1')?.name).toBe('other');
    expect(winningTemplate(list, 'series-1')).toBeNull();
    expect(simpleMatch('a*b*c', 'axxbyyc')).toBe(true);
    expect(simpleMatch('a*b*c', 'axxcyyb')).toBe(false);
    expect(simpleMatch('ab*ba', 'aba')).toBe(false);
    expect(simpleMatch('movies?', 'moviesx')).toBe(false);
    expect(simpleMatch('*', 'anything')).toBe(true);
  });

  it('an inline template goes above every priority', () => {
    expect(priorityAbove([])).toBe(1);
    expect(priorityAbove([tpl('a', ['*'], 200), tpl('b', ['x'], 7)])).toBe(201);
  });
});
